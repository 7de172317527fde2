"""How long do the history, transition and export models take on a large population, first build vs a
day on which a small share of customers changed?

Writes synthetic inputs of those models into a fresh DuckDB file (customer_segments, int_customers_cleaned,
customer_lifetime_value, segment_dictionary: --customers rows, 5 segments, seeded; no experiment), runs
`dbt run --select segment_membership_history+ segment_export` twice (day 1, then day 2 after --changed-share
of customers moved segment, the same share left and the same share arrived), and prints each model's
execution time (from run_results.json) for both days side by side, with the rows each history build wrote.

    .venv/bin/python benchmarks/history_benchmark.py --customers 1000000 --changed-share 0.01
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT = str(Path(sys.executable).with_name("dbt"))
MODELS = ["segment_membership_history", "segment_membership_runs", "segment_transitions", "segment_export"]


def write_inputs(database: Path, customers: int) -> None:
    with duckdb.connect(str(database)) as con:
        con.execute(f"""
            create table customer_segments as
            select customer_id, segment_id, 'segment ' || segment_id as segment_name, 'km-benchmark' as model_version,
                   timestamp '2026-01-01 00:00:00' as scored_at
            from (select printf('C%09d', i) as customer_id, cast(hash(i) % 5 as integer) as segment_id
                  from range({customers}) as t(i))
        """)
        con.execute("create table int_customers_cleaned as select customer_id, lower(customer_id) || '@example.com' "
                    "as email from customer_segments")
        con.execute("create table customer_lifetime_value as select customer_id, "
                    "cast(hash(customer_id) % 100000 as double) / 100 as clv from customer_segments")
        # no experiment running: nobody is a holdout (customer_experiment_groups as an empty table)
        con.execute("create table int_feature_window as select date '2026-01-01' as as_of_date")
        con.execute("create table customer_experiment_groups (experiment_name varchar, customer_id varchar, "
                    "is_holdout boolean, start_date date, end_date date)")
        con.execute("create table segment_dictionary as select range as segment_id, "
                    "'segment ' || range as segment_name, "
                    "'action ' || range as recommended_action, 'email' as channel from range(5)")


def change_day(database: Path, share: float) -> int:
    """Move, remove and add `share` of the customers each; returns how many customers changed in all."""
    with duckdb.connect(str(database)) as con:
        total = con.execute("select count(*) from customer_segments").fetchall()[0][0]
        n = int(total * share)
        con.execute(f"""
            create temp table picked as
            select customer_id, row_number() over () as k from (
                select customer_id from customer_segments order by md5(customer_id) limit {2 * n})
        """)
        con.execute(f"update customer_segments set segment_id = (segment_id + 1) % 5, "
                    f"segment_name = 'segment ' || ((segment_id + 1) % 5) "
                    f"where customer_id in (select customer_id from picked where k <= {n})")
        con.execute("delete from customer_segments where customer_id in "
                    f"(select customer_id from picked where k > {n})")
        con.execute(f"""
            insert into customer_segments
            select printf('N%09d', i), cast(i % 5 as integer), 'segment ' || (i % 5), 'km-benchmark',
                   timestamp '2026-01-02 00:00:00'
            from range({n}) as t(i)
        """)
        con.execute("insert into int_customers_cleaned select customer_id, lower(customer_id) || '@example.com' "
                    "from customer_segments where customer_id like 'N%'")
        con.execute("insert into customer_lifetime_value select customer_id, cast(hash(customer_id) % 100000 "
                    "as double) / 100 from customer_segments where customer_id like 'N%'")
        return 3 * n


def run_day(workdir: Path, database: Path, observed_at: str) -> dict[str, float]:
    env = {**os.environ, "DBT_PROFILES_DIR": str(PROJECT_ROOT / "profiles"), "SEGMENTS_DUCKDB_PATH": str(database)}
    target = workdir / "target"
    result = subprocess.run([DBT, "run", "--select", "segment_membership_history+", "segment_export",
                             "--exclude", "test_type:unit", "--target-path", str(target),
                             "--log-path", str(workdir / "logs"),
                             "--vars", json.dumps({"history_observed_at": observed_at})],
                            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"dbt run failed:\n{result.stdout[-4000:]}")
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--changed-share", type=float, default=0.01)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="history_benchmark_") as tmp:
        workdir = Path(tmp)
        database = workdir / "history.duckdb"
        write_inputs(database, args.customers)
        day_one = run_day(workdir, database, "2026-01-01 00:00:00")
        changed = change_day(database, args.changed_share)
        day_two = run_day(workdir, database, "2026-01-02 00:00:00")
        with duckdb.connect(str(database), read_only=True) as con:
            written = dict(con.execute("select observed_at::date::varchar, new_customers + moved_customers + "
                                       "returned_customers + rescored_customers + gone_customers "
                                       "from segment_membership_runs").fetchall())
            rows = con.execute("select count(*) from segment_membership_history").fetchall()[0][0]
    print(f"{args.customers:,} customers; day 2: {changed:,} changed "
          f"({args.changed_share:.1%} each moved, left, arrived)")
    print(f"{'model':<30}{'day 1 (s)':>12}{'day 2 (s)':>12}")
    for model in MODELS:
        print(f"{model:<30}{day_one[model]:>12.2f}{day_two[model]:>12.2f}")
    print(f"history changes recorded: day 1 {written.get('2026-01-01'):,}, day 2 {written.get('2026-01-02'):,}; "
          f"history rows {rows:,}")


if __name__ == "__main__":
    main()
