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
  ``sessions_per_month_log`` drifts while their purchase features stay put.

Timestamps are copied, never moved, so the default as-of date (the latest clean order line)
stays the same. Untouched customers keep identical features, except where a feature depends
on the whole population (the money cap is a quantile of all buyers). The three groups are
disjoint; who is picked depends only on ``seed``. Same input and arguments, same files.

Usage::

    python -m python_udfs.demo.changes data/raw data/raw_day2 --new 200 --changed 200 --drifted 0
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import duckdb

TABLES = ("customers", "transactions", "events", "support_tickets")


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
) -> dict[str, list[str]]:
    """Write the next day's raw files to ``dst_dir``; return the ids of new, changed and drifted customers."""
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
    for table in TABLES:
        con.execute(f"copy {table} to '{dst / (table + '.parquet')}' (format parquet, compression zstd)")
    con.close()
    return {"new": new_ids, "changed": changed_ids, "drifted": drifted_ids}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("src_dir")
    parser.add_argument("dst_dir")
    parser.add_argument("--new", type=int, default=0)
    parser.add_argument("--changed", type=int, default=0)
    parser.add_argument("--drifted", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    picked = evolve(args.src_dir, args.dst_dir, new=args.new, changed=args.changed,
                    drifted=args.drifted, seed=args.seed)
    print(json.dumps({group: len(ids) for group, ids in picked.items()}))


if __name__ == "__main__":
    main()
