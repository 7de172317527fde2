"""Turn one day's raw demo data into the next day's, for tests and benchmarks of refreshes.

Segments are living assets: between two builds new customers sign up, some customers buy
again and a behaviour can drift for a whole group. ``evolve`` copies the four raw Parquet
files of ``python_udfs.demo.data`` from ``src_dir`` to ``dst_dir`` and plants exactly that,
returning which customers it touched so a test can check who must be re-scored:

- ``new``: copies of existing customers (record, order lines, events, tickets) under new ids;
- ``changed``: customers who repeat their first order (a new order id, the same timestamp:
  planted junk rows carry the highest order ids, so the first order is a genuine one),
  so their frequency and money features change and nobody else's do;
- ``drifted``: customers whose web sessions are all logged twice (new event ids), so
  ``sessions_per_month_log`` drifts while their purchase features stay put;
- ``uplifted``: the customers an ``Uplift`` names (e.g. the treated customers of one segment of an
  experiment, ``treated_customers``) place ``orders`` extra orders inside its window: copies of their
  first order under new order ids, dated on a day of the window their id picks, so a holdout
  experiment has a known lift to find.

Timestamps are copied, never moved (an uplift's orders are dated inside its window, which must end
before the latest order line), so the default as-of date (the latest clean order line)
stays the same. Untouched customers keep identical features, except where a feature depends
on the whole population (the money cap is a quantile of all buyers). The three picked groups
are disjoint; who is picked depends only on ``seed`` (an uplift names its own customers).
Same input and arguments, same files.

Usage::

    python -m python_udfs.demo.changes data/raw data/raw_day2 --new 200 --changed 200 --drifted 0
    python -m python_udfs.demo.changes data/raw data/raw_uplift --uplift-database target/segments.duckdb \
        --uplift-experiment winback_q4 --uplift-segment 0 --uplift-orders 1
"""

from __future__ import annotations

import argparse
import datetime
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

TABLES = ("customers", "transactions", "events", "support_tickets")


@dataclass(frozen=True)
class Uplift:
    """`orders` extra orders for each of `customer_ids`, dated in [start_date, end_date]."""

    customer_ids: tuple[str, ...]
    start_date: datetime.date
    end_date: datetime.date
    orders: int = 1

    def __post_init__(self):
        if self.start_date > self.end_date:
            raise ValueError(f"the uplift window starts {self.start_date}, after it ends ({self.end_date})")
        if self.orders < 1:
            raise ValueError(f"an uplift adds at least 1 order per customer, not {self.orders}")


def treated_customers(database: str | Path, experiment: str, segment_id: int, orders: int = 1) -> Uplift:
    """The uplift of the treated customers of `segment_id` (their segment at assignment) in `experiment`,
    over its window, read from customer_experiment_groups of a built DuckDB file."""
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            """
            select customer_id, start_date, end_date
            from customer_experiment_groups
            where experiment_name = ? and segment_id = ? and experiment_group = 'treatment'
            order by customer_id
            """,
            [experiment, segment_id],
        ).fetchall()
    if not rows:
        raise ValueError(f"experiment {experiment} has no treated customers in segment {segment_id}")
    return Uplift(tuple(row[0] for row in rows), rows[0][1], rows[0][2], orders)


def _pick(con: duckdb.DuckDBPyConnection, seed: int, count: int, offset: int) -> list[str]:
    """`count` real customers (with a completed order line) in a seeded pseudo-random order."""
    if count <= 0:
        return []
    rows = con.execute(
        """
        select customer_id
        from (
            select distinct customers.customer_id
            from customers
            join transactions on transactions.customer_id = customers.customer_id
            where customers.customer_id similar to 'C[0-9]+' and transactions.status = 'completed'
        )
        order by md5(customer_id || ?), customer_id
        limit ? offset ?
        """,
        [str(seed), count, offset],
    ).fetchall()
    if len(rows) < count:
        raise ValueError(f"only {len(rows)} customers left to pick {count} from; ask for fewer")
    return [row[0] for row in rows]


def evolve(
    src_dir: str | Path,
    dst_dir: str | Path,
    *,
    new: int = 0,
    changed: int = 0,
    drifted: int = 0,
    seed: int = 1,
    uplift: Uplift | None = None,
) -> dict[str, list[str]]:
    """Write the next day's raw files to ``dst_dir``; return the ids of new, changed, drifted and uplifted
    customers."""
    src, dst = Path(src_dir), Path(dst_dir)
    if src.resolve() == dst.resolve():
        raise ValueError("dst_dir must differ from src_dir: evolve copies, it never edits the source in place")
    dst.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    for table in TABLES:
        con.execute(f"create table {table} as select * from read_parquet(?)", [str(src / f"{table}.parquet")])

    donors = _pick(con, seed, new, 0)
    changed_ids = _pick(con, seed, changed, new)
    drifted_ids = _pick(con, seed, drifted, new + changed)
    new_ids = [f"N{seed:03d}{i:06d}" for i in range(1, len(donors) + 1)]

    con.execute("create table new_customers (donor_id varchar, customer_id varchar)")
    if donors:
        con.executemany("insert into new_customers values (?, ?)", list(zip(donors, new_ids)))
    con.execute("create table picked (customer_id varchar, change varchar)")
    for change, ids in (("changed", changed_ids), ("drifted", drifted_ids)):
        if ids:
            con.executemany("insert into picked values (?, ?)", [(customer_id, change) for customer_id in ids])

    suffix = f"-{seed}"
    con.execute(
        """
        insert into customers
        select new_customers.customer_id, lower(new_customers.customer_id) || '@example.com',
               customers.* exclude (customer_id, email)
        from customers join new_customers on customers.customer_id = new_customers.donor_id
        """
    )
    con.execute(
        """
        insert into transactions
        select order_id || 'N' || ?, line_number, new_customers.customer_id,
               transactions.* exclude (order_id, line_number, customer_id)
        from transactions join new_customers on transactions.customer_id = new_customers.donor_id
        """,
        [suffix],
    )
    con.execute(
        """
        insert into transactions
        with first_order as (
            select transactions.order_id
            from transactions
            join picked on transactions.customer_id = picked.customer_id and picked.change = 'changed'
            where transactions.status = 'completed'
            qualify row_number() over (
                partition by transactions.customer_id order by transactions.order_id) = 1
        )
        select transactions.order_id || 'R' || ?, transactions.* exclude (order_id)
        from transactions join first_order on transactions.order_id = first_order.order_id
        """,
        [suffix],
    )
    for table, id_column in (("events", "event_id"), ("support_tickets", "ticket_id")):
        con.execute(
            f"""
            insert into {table}
            select {id_column} || 'N' || ?, new_customers.customer_id,
                   {table}.* exclude ({id_column}, customer_id)
            from {table} join new_customers on {table}.customer_id = new_customers.donor_id
            """,
            [suffix],
        )
    con.execute(
        """
        insert into events
        select event_id || 'D' || ?, events.* exclude (event_id)
        from events
        join picked on events.customer_id = picked.customer_id and picked.change = 'drifted'
        where events.event_type = 'session'
        """,
        [suffix],
    )
    uplifted = _plant_uplift(con, uplift, suffix) if uplift is not None else []
    for table in TABLES:
        con.execute(f"copy {table} to '{dst / (table + '.parquet')}' (format parquet, compression zstd)")
    con.close()
    return {"new": new_ids, "changed": changed_ids, "drifted": drifted_ids, "uplifted": uplifted}


def _plant_uplift(con: duckdb.DuckDBPyConnection, uplift: Uplift, suffix: str) -> list[str]:
    """Copy each named customer's first completed order `uplift.orders` times into the window (order ids
    ending U<copy><suffix>, noon of a day the customer id and copy pick); return who gained orders."""
    con.execute("create table uplifted (customer_id varchar)")
    con.executemany("insert into uplifted values (?)", [(customer_id,) for customer_id in uplift.customer_ids])
    days = (uplift.end_date - uplift.start_date).days + 1
    con.execute(
        """
        create table uplift_orders as
        with first_order as (
            select transactions.customer_id, transactions.order_id
            from transactions
            join uplifted on transactions.customer_id = uplifted.customer_id
            where transactions.status = 'completed'
            qualify row_number() over (
                partition by transactions.customer_id order by transactions.order_id) = 1
        )
        select first_order.customer_id, first_order.order_id, copies.copy
        from first_order cross join range(1, ? + 1) as copies(copy)
        """,
        [uplift.orders],
    )
    con.execute(
        """
        insert into transactions
        select transactions.order_id || 'U' || uplift_orders.copy || ?, transactions.line_number,
               transactions.customer_id,
               strftime(cast(? as date) + cast(abs(hash(transactions.customer_id || '/' || uplift_orders.copy)) % ?
                                               as integer), '%Y-%m-%d 12:00:00'),
               transactions.* exclude (order_id, line_number, customer_id, ordered_at)
        from transactions join uplift_orders on transactions.order_id = uplift_orders.order_id
        """,
        [suffix, uplift.start_date, days],
    )
    return [row[0] for row in con.execute("select distinct customer_id from uplift_orders order by 1").fetchall()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("src_dir")
    parser.add_argument("dst_dir")
    parser.add_argument("--new", type=int, default=0)
    parser.add_argument("--changed", type=int, default=0)
    parser.add_argument("--drifted", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--uplift-database", help="a built DuckDB file with customer_experiment_groups")
    parser.add_argument("--uplift-experiment", help="the experiment whose treated customers buy more")
    parser.add_argument("--uplift-segment", type=int, help="their segment at assignment")
    parser.add_argument("--uplift-orders", type=int, default=1, help="extra orders per treated customer")
    args = parser.parse_args(argv)
    uplift = None
    if args.uplift_database:
        uplift = treated_customers(args.uplift_database, args.uplift_experiment, args.uplift_segment,
                                   args.uplift_orders)
    picked = evolve(args.src_dir, args.dst_dir, new=args.new, changed=args.changed,
                    drifted=args.drifted, seed=args.seed, uplift=uplift)
    print(json.dumps({group: len(ids) for group, ids in picked.items()}))


if __name__ == "__main__":
    main()
