"""Benchmark: a full rebuild of customer_segments against an incremental refresh where 1 % of customers changed.

The question: what does incremental scoring save on a daily run? It times the real dbt model
`customer_segments` (the project's own SQL: feature hash, anti-join with the previous table, nearest-centroid
scoring of the changed rows, delete+insert, the post-hook that deletes vanished customers) on one DuckDB file:

  a. full rebuild     `dbt run --select customer_segments --full-refresh`: every customer hashed and scored
  b. 1 % refresh      `dbt run --select customer_segments` after `--changed` of the customers got new feature
                      values: every customer hashed, the changed ones re-scored and replaced

The input is synthesized directly, not generated as raw lines and cleaned: `customer_features` (the eight
default clustering features, drawn around K random centres, seeded), a published model in the registry
tables (segment_models, segment_model_scalers, segment_model_centroids) and a segment_dictionary. The
pipeline before customer_features is measured by the raw-data benchmarks; this isolates the scoring model.

Reported per round: the model's own execution time from dbt's run_results.json (compile with its
registry reads, the SQL, the post-hook) and the wall time of the whole dbt invocation (adds dbt's start-up
and parsing). The median of --repeats rounds is printed side by side with the ratio. Before any number is
printed, each refresh is checked: exactly the changed customers carry the new run's scored_at, and their
labels equal a full rebuild's.

Usage: python benchmarks/incremental_benchmark.py [--customers 1000000] [--changed 0.01] [--k 8] [--repeats 3]
                                                  [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT = str(Path(sys.executable).with_name("dbt"))
FEATURES = ["recency_days_log", "frequency_log", "monetary_log", "avg_order_value_log", "discount_share",
            "return_rate", "category_diversity", "sessions_per_month_log"]
VERSION = "km-benchmark0001"
SEED = 20261125


def synthesize(database: Path, customers: int, k: int) -> None:
    """customer_features and a published model, written straight into the DuckDB file."""
    rng = np.random.default_rng(SEED)
    centres = rng.normal(0, 2, size=(k, len(FEATURES)))
    means, scales = rng.uniform(0, 5, len(FEATURES)), rng.uniform(0.5, 2, len(FEATURES))
    members = rng.integers(0, k, customers)
    scaled = centres[members] + rng.normal(0, 1, size=(customers, len(FEATURES)))
    frame = pd.DataFrame(scaled * scales + means, columns=FEATURES)
    frame.insert(0, "customer_id", [f"C{index:08d}" for index in range(customers)])
    centroid_rows = [{"model_version": VERSION, "segment_id": segment, "feature_position": position,
                      "feature": feature, "centroid_scaled": float(centres[segment, position]),
                      "centroid_value": float(means[position] + centres[segment, position] * scales[position]),
                      "training_customers": int((members == segment).sum()), "segment_origin_version": VERSION}
                     for segment in range(k) for position, feature in enumerate(FEATURES)]
    with duckdb.connect(str(database)) as connection:
        connection.register("frame", frame)
        connection.execute("create or replace table customer_features as select * from frame")
        connection.register("centroids", pd.DataFrame(centroid_rows))
        connection.execute("create or replace table segment_model_centroids as select * from centroids")
        scaler = pd.DataFrame({"model_version": VERSION, "feature_position": range(len(FEATURES)),
                               "feature": FEATURES, "mean": means, "scale": scales})
        connection.register("scaler", scaler)
        connection.execute("create or replace table segment_model_scalers as select * from scaler")
        connection.execute(f"""
            create or replace table segment_models as
            select '{VERSION}' as model_version, 'published' as status, 'publish_gate' as published_by,
                   'passed every check' as gate_reason, timestamp '2026-01-01' as trained_at""")
        # the one row scoring reads the version in force from (segment_model_in_force)
        connection.execute(f"""
            create or replace table segment_model_in_force as
            select '{VERSION}' as model_version, 'published' as in_force_because""")
        connection.execute(f"""
            create or replace table segment_dictionary as
            select '{VERSION}' as model_version, segment_id, 'Segment ' || segment_id as segment_name
            from range({k}) as segments(segment_id)""")


def change_customers(database: Path, share: float, round_number: int) -> set[str]:
    """Give a seeded `share` of the customers new feature values; return their ids."""
    with duckdb.connect(str(database)) as connection:
        total = connection.execute("select count(*) from customer_features").fetchall()[0][0]
        count = int(round(total * share))
        ids = [row[0] for row in connection.execute(
            "select customer_id from customer_features order by md5(customer_id || ?) limit ?",
            [str(round_number), count]).fetchall()]
        connection.execute("create temp table changed as select unnest(?) as customer_id", [ids])
        # a repeat purchase: frequency and money move, as python_udfs.demo.changes plants it
        connection.execute("""
            update customer_features set frequency_log = frequency_log + 0.25, monetary_log = monetary_log + 0.5
            where customer_id in (select customer_id from changed)""")
    return set(ids)


def run_model(workdir: Path, database: Path, *flags: str) -> tuple[float, float]:
    """(model execution seconds from run_results.json, wall seconds of the dbt invocation)."""
    env = {**os.environ, "DBT_PROFILES_DIR": str(PROJECT_ROOT / "profiles"), "SEGMENTS_DUCKDB_PATH": str(database)}
    command = [DBT, "run", "--select", "customer_segments", *flags, "--target-path", str(workdir / "target"),
               "--log-path", str(workdir / "logs"), "--vars", json.dumps({"raw_data_path": str(workdir)})]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"dbt failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    results = json.loads((workdir / "target" / "run_results.json").read_text())["results"]
    return next(r["execution_time"] for r in results if r["unique_id"].endswith(".customer_segments")), wall


def labels(database: Path) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.sql("select customer_id, segment_id, distance_to_centroid, scored_at "
                              "from customer_segments order by customer_id").df()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--changed", type=float, default=0.01, help="share of customers changed per refresh")
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the files here (default: a temp dir)")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="incremental_benchmark_"))
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "benchmark.duckdb"
    database.unlink(missing_ok=True)
    try:
        started = time.perf_counter()
        synthesize(database, args.customers, args.k)
        print(f"synthesized {args.customers:,} customers x {len(FEATURES)} features, K = {args.k}, "
              f"in {time.perf_counter() - started:.1f} s")
        full, refresh = [], []
        run_model(workdir, database, "--full-refresh")  # warm-up: creates the table, fills the caches
        for round_number in range(1, args.repeats + 1):
            full.append(run_model(workdir, database, "--full-refresh"))
            previous = labels(database)
            changed = change_customers(database, args.changed, round_number)
            time.sleep(1.1)  # scored_at has one-second resolution: the refresh's must differ
            refresh.append(run_model(workdir, database))
            after = labels(database)
            rescored = set(after.loc[after["scored_at"] > previous["scored_at"].max(), "customer_id"])
            if rescored != changed:
                sys.exit(f"round {round_number}: {len(rescored):,} customers re-scored, {len(changed):,} changed")
            run_model(workdir, database, "--full-refresh")
            rebuilt = labels(database)
            if not after.drop(columns="scored_at").equals(rebuilt.drop(columns="scored_at")):
                sys.exit(f"round {round_number}: the refresh's labels differ from a full rebuild's")
            print(f"  round {round_number}/{args.repeats}  full rebuild {full[-1][0]:6.2f} s model "
                  f"({full[-1][1]:5.1f} s dbt run)   {args.changed:.0%} refresh {refresh[-1][0]:6.2f} s model "
                  f"({refresh[-1][1]:5.1f} s dbt run)   re-scored {len(rescored):,}")
        full_model, full_wall = (statistics.median(values) for values in zip(*full))
        refresh_model, refresh_wall = (statistics.median(values) for values in zip(*refresh))
        print(f"\nmedian of {args.repeats}, {args.customers:,} customers, {args.changed:.0%} changed")
        print(f"{'':28}{'full rebuild':>14}{'refresh':>12}{'ratio':>8}")
        print(f"{'customer_segments (model)':28}{full_model:>12.2f} s{refresh_model:>10.2f} s"
              f"{full_model / refresh_model:>7.1f}x")
        print(f"{'dbt run (wall, + start-up)':28}{full_wall:>12.2f} s{refresh_wall:>10.2f} s"
              f"{full_wall / refresh_wall:>7.1f}x")
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
