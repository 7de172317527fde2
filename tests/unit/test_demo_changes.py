"""Tests for python_udfs.demo.changes: the next day's raw data plants exactly what it reports."""

from __future__ import annotations

import duckdb
import pytest

from python_udfs.demo import data as demo_data
from python_udfs.demo.changes import evolve

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
