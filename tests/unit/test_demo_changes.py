"""Tests for python_udfs.demo.changes: the next day's raw data plants exactly what it reports."""

from __future__ import annotations

import datetime

import duckdb
import pytest

from python_udfs.demo import data as demo_data
from python_udfs.demo.changes import Uplift, evolve, treated_customers

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def day_one(tmp_path_factory):
    root = tmp_path_factory.mktemp("day_one")
    demo_data.generate(1000, seed=3, out_dir=root / "raw", truth_dir=root / "truth")
    return root / "raw"


def _count(path, table, where="true"):
    return duckdb.sql(f"select count(*) from read_parquet('{path}/{table}.parquet') where {where}").fetchall()[0][0]


def test_groups_are_disjoint_sized_and_seeded(day_one, tmp_path):
    first = evolve(day_one, tmp_path / "a", new=20, changed=30, drifted=40, seed=5)
    again = evolve(day_one, tmp_path / "b", new=20, changed=30, drifted=40, seed=5)
    other = evolve(day_one, tmp_path / "c", new=20, changed=30, drifted=40, seed=6)
    assert [len(first[g]) for g in ("new", "changed", "drifted")] == [20, 30, 40]
    assert not set(first["changed"]) & set(first["drifted"])
    assert first == again
    assert first["changed"] != other["changed"]
    for table in ("customers", "transactions", "events", "support_tickets"):
        a = (tmp_path / "a" / f"{table}.parquet").read_bytes()
        assert a == (tmp_path / "b" / f"{table}.parquet").read_bytes(), table


def test_only_the_picked_customers_gain_rows(day_one, tmp_path):
    picked = evolve(day_one, tmp_path / "next", new=10, changed=15, drifted=12, seed=2)
    out = tmp_path / "next"
    new_ids = ", ".join(f"'{c}'" for c in picked["new"])
    assert _count(out, "customers", f"customer_id in ({new_ids})") >= 10
    # a changed customer gains exactly one order (its first one, repeated); nobody else gains orders
    gained = duckdb.sql(f"""
        select customer_id, count(distinct order_id) as orders from read_parquet('{out}/transactions.parquet')
        group by all except
        select customer_id, count(distinct order_id) from read_parquet('{day_one}/transactions.parquet') group by all
    """).fetchall()
    grown = {c for c, _ in gained if c is not None and not c.startswith("N")}
    assert grown == set(picked["changed"])
    # drifted customers log every session twice; their purchases are untouched
    drifted = ", ".join(f"'{c}'" for c in picked["drifted"])

    def sessions(path):
        return duckdb.sql(f"""
            select customer_id, count(*) filter (where event_type = 'session')
            from read_parquet('{path}/events.parquet') where customer_id in ({drifted})
            group by all order by all
        """).fetchall()

    before, doubled = sessions(day_one), sessions(out)
    assert [(c, 2 * n) for c, n in before] == doubled
    assert _count(out, "transactions") - _count(day_one, "transactions") == (
        _count(out, "transactions", "order_id like '%R-2'") + _count(out, "transactions", "order_id like '%N-2'"))


def test_refuses_to_edit_its_source(day_one):
    with pytest.raises(ValueError, match="must differ"):
        evolve(day_one, day_one, new=1)


def _customers(path, count):
    return [row[0] for row in duckdb.sql(f"""
        select distinct customer_id from read_parquet('{path}/transactions.parquet')
        where status = 'completed' and customer_id similar to 'C[0-9]+' order by 1 limit {count}
    """).fetchall()]


def test_an_uplift_adds_orders_inside_its_window_for_the_named_customers_only(day_one, tmp_path):
    named = _customers(day_one, 25)
    window = (datetime.date(2025, 10, 1), datetime.date(2025, 11, 30))
    picked = evolve(day_one, tmp_path / "up", uplift=Uplift(tuple(named), *window, orders=2), seed=4)
    assert picked["uplifted"] == sorted(named) and picked["new"] == picked["changed"] == []
    out = tmp_path / "up"
    added = duckdb.sql(f"""
        select customer_id, count(distinct order_id) as orders, min(ordered_at) as first, max(ordered_at) as last
        from read_parquet('{out}/transactions.parquet') where order_id like '%U_-4'
        group by all order by all
    """).fetchall()
    assert [(c, n) for c, n, _, _ in added] == [(c, 2) for c in sorted(named)]
    assert all("2025-10-01" <= first and last <= "2025-11-30 12:00:00" for _, _, first, last in added)
    # nothing else changed: every other row is the source's
    assert _count(out, "transactions", "order_id not like '%U_-4'") == _count(day_one, "transactions")
    again = evolve(day_one, tmp_path / "again", uplift=Uplift(tuple(named), *window, orders=2), seed=4)
    assert again == picked
    assert (out / "transactions.parquet").read_bytes() == (tmp_path / "again" / "transactions.parquet").read_bytes()


def test_the_treated_customers_of_a_segment_come_from_the_groups_mart(tmp_path):
    database = tmp_path / "built.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("""
            create table customer_experiment_groups as
            select * from (values
                ('winback_q4', 'C1', 'treatment', 0, date '2025-10-01', date '2025-11-30'),
                ('winback_q4', 'C2', 'holdout', 0, date '2025-10-01', date '2025-11-30'),
                ('winback_q4', 'C3', 'treatment', 1, date '2025-10-01', date '2025-11-30'),
                ('other', 'C4', 'treatment', 0, date '2025-01-01', date '2025-01-31')
            ) as t(experiment_name, customer_id, experiment_group, segment_id, start_date, end_date)
        """)
    uplift = treated_customers(database, "winback_q4", 0, orders=3)
    assert uplift == Uplift(("C1",), datetime.date(2025, 10, 1), datetime.date(2025, 11, 30), 3)
    with pytest.raises(ValueError, match="no treated customers in segment 7"):
        treated_customers(database, "winback_q4", 7)
    with pytest.raises(ValueError, match="after it ends"):
        Uplift(("C1",), datetime.date(2025, 12, 1), datetime.date(2025, 11, 30))
