"""Benchmark: the whole pipeline at scale (default 1,000,000 demo customers), and 10,000,000-row scoring.

What it measures, each step a separate dbt invocation timed from outside (wall clock, `time.perf_counter`)
with its peak resident memory (`os.wait4` on the child: dbt runs DuckDB and the Python models in-process,
so that is the whole step's memory):

  0. data        the demo generator, chunked (benchmarks/large_demo_data.py); --orders-scale 1.9 for 50 lines a customer
  1. features    `dbt run --select +customer_features`: staging, cleaning, quarantine inputs, RFM, features
  2. fit         `dbt run --select segment_retrain_decision segment_feature_screening segment_scaler
                 segment_k_selection segment_centroids`,
                 n_segments auto:
                 the stratified sample drawn in DuckDB, the K search on it, (MiniBatch)KMeans at the chosen K
  3. explain     `dbt run --select segment_stability segment_algorithm_comparison` on the same sample
  4. scoring     the registry (segment_models, segment_model_scalers, segment_model_centroids: the publish gate;
                 segment_model_in_force: the version that scores),
                 then `segment_rfm_labels segment_dictionary customer_segments`: assign_segment over every customer
  5. 10M scoring the fitted model's SQL (dbt compile of assign_segment) over 10,000,000 rows (the customers
                 repeated) in DuckDB, against exporting them to numpy and brute-force argmin, in one process;
                 the labels must agree on every row

It checks that customer_segments has one row per customer of customer_features (labels for everyone come
from SQL) and prints the sample size and estimator the fit used. A workdir keeps the data between runs
(`--reuse-data`), and `--start-at fit` re-runs the later steps on the database an earlier run built.

The dbt profile of the run is the project's, plus a DuckDB memory_limit (`--memory-limit`, default 8GB): DuckDB's
default (80 % of RAM) is not a sensible share of a machine several people use, and the target is memory
well inside 24 GiB. DuckDB spills to its default folder beside the database file, in the workdir; setting
temp_directory in the profile breaks dbt-duckdb, which sets it again on each new cursor and DuckDB refuses
once a spill has happened.

Usage: python benchmarks/scale_benchmark.py --workdir /tmp/scale [--customers 1000000] [--orders-scale 1.9]
                                            [--chunk 50000] [--score-rows 10000000] [--reuse-data]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from large_demo_data import generate_large  # noqa: E402

from python_udfs.segmentation import centroid_matrix, nearest_centroid  # noqa: E402

DBT = str(Path(sys.executable).with_name("dbt"))
SCORE_CHUNK_ROWS = 65_536


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemTotal"))
    return (f"nproc={os.cpu_count()}  RAM={memory_kb / 1024 ** 2:.1f} GiB  CPU={cpu}  "
            f"python {platform.python_version()}  duckdb {duckdb.__version__}  numpy {np.__version__}")


def timed(command: list[str], env: dict | None = None, cwd: Path = PROJECT_ROOT,
          log: Path | None = None) -> tuple[float, float]:
    """Run a command; return (wall seconds, peak resident GiB of the child). Fails loudly on error."""
    started = time.perf_counter()
    with open(log or os.devnull, "w") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        tail = Path(log).read_text()[-4000:] if log else ""
        raise SystemExit(f"{' '.join(command[:4])} failed:\n{tail}")
    return seconds, usage.ru_maxrss / 1024 ** 2  # ru_maxrss is in KiB on Linux


def write_profile(workdir: Path, memory_limit: str) -> Path:
    folder = workdir / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "profiles.yml").write_text(f"""dbt_segments:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{workdir / 'segments.duckdb'}"
      threads: 1
      settings:
        memory_limit: "{memory_limit}"
""")
    return folder


class Dbt:
    def __init__(self, workdir: Path, raw_dir: Path, profiles: Path, extra_vars: dict):
        self.workdir, self.target = workdir, workdir / "target"
        self.env = {**os.environ, "DBT_PROFILES_DIR": str(profiles)}
        self.vars = json.dumps({"raw_data_path": str(raw_dir), **extra_vars})

    def command(self, *args: str) -> list[str]:
        return [DBT, *args, "--target-path", str(self.target), "--log-path", str(self.workdir / "logs"),
                "--vars", self.vars]

    def run(self, name: str, *args: str) -> tuple[float, float]:
        return timed(self.command(*args), env=self.env, log=self.workdir / f"{name}.log")

    def node_seconds(self) -> dict[str, float]:
        results = json.loads((self.target / "run_results.json").read_text())["results"]
        return {result["unique_id"].split(".")[-1]: result["execution_time"] for result in results}

    def compile_inline(self, sql: str) -> str:
        result = subprocess.run(self.command("compile", "--inline", sql, "--output", "json", "--quiet"),
                                cwd=PROJECT_ROOT, env=self.env, capture_output=True, text=True, check=True)
        return json.loads(result.stdout)["compiled"]


def score_in_numpy(connection, table: str, features: list[str], means, scales,
                   centroids) -> tuple[np.ndarray, float, float]:
    """Export the feature columns to numpy, standardize, squared distances to every centroid, argmin.

    Returns (labels, seconds with the export, seconds of the computation alone on arrays in memory).
    """
    started = time.perf_counter()
    columns = connection.sql(f"select {', '.join(features)} from {table} order by row_id").fetchnumpy()
    values = np.column_stack([np.asarray(columns[name], dtype=np.float64) for name in features])
    exported = time.perf_counter()
    labels = np.empty(len(values), dtype=np.int64)
    for start in range(0, len(values), SCORE_CHUNK_ROWS):
        chunk = (values[start:start + SCORE_CHUNK_ROWS] - means) / scales
        chunk = np.where(np.isnan(chunk), 0.0, chunk)
        labels[start:start + SCORE_CHUNK_ROWS] = nearest_centroid(chunk, centroids)[0]
    finished = time.perf_counter()
    return labels, finished - started, finished - exported


def scoring_10m(dbt: Dbt, database: Path, rows: int, repeats: int) -> dict:
    """assign_segment's SQL against numpy brute force on `rows` rows (the customers repeated)."""
    with duckdb.connect(str(database)) as connection:
        customers = connection.sql("select count(*) from customer_features").fetchall()[0][0]
        copies = -(-rows // customers)
        connection.execute(f"""
            create or replace table features_scale_bench as
            select row_number() over (order by copy, customer_id) as row_id, customer_features.*
            from customer_features, range({copies}) as copies(copy)
            order by row_id
            limit {rows}""")
        scaler = connection.sql("select * from segment_scaler order by feature_position").df()
        centroid_table = connection.sql("select * from segment_centroids").df()
    sql = dbt.compile_inline(
        "{{ dbt_segments.assign_segment(api.Relation.create(database=target.database, schema=target.schema, "
        "identifier='features_scale_bench'), id_column='row_id', scaler=ref('segment_scaler'), "
        "centroids=ref('segment_centroids')) }}")
    features = list(scaler["feature"])
    means, scales = scaler["mean"].to_numpy(np.float64), scaler["scale"].to_numpy(np.float64)
    centroids = centroid_matrix(centroid_table).matrix
    sql_runs, numpy_runs, memory_runs = [], [], []
    with duckdb.connect(str(database)) as connection:
        connection.execute("set threads = 2")
        for round_number in range(repeats):  # round-robin: drift on a shared machine hits both alike
            started = time.perf_counter()
            connection.execute(f"create or replace table scored_scale_bench as {sql}")
            sql_runs.append(time.perf_counter() - started)
            labels, with_export, in_memory = score_in_numpy(connection, "features_scale_bench", features, means,
                                                            scales, centroids)
            numpy_runs.append(with_export)
            memory_runs.append(in_memory)
            print(f"  round {round_number + 1}/{repeats}: SQL {sql_runs[-1]:.3f} s, numpy export + argmin "
                  f"{with_export:.3f} s (argmin alone {in_memory:.3f} s)", flush=True)
        sql_labels = connection.sql(
            "select segment_id from scored_scale_bench order by row_id").fetchnumpy()["segment_id"]
        connection.execute("drop table scored_scale_bench")
        connection.execute("drop table features_scale_bench")
    segment_ids = np.sort(centroid_table["segment_id"].unique())
    mismatches = int((segment_ids[labels] != np.asarray(sql_labels)).sum())
    return {"rows": rows, "sql": sql_runs, "numpy_export": numpy_runs, "numpy_in_memory": memory_runs,
            "mismatches": mismatches}


def print_scoring(scoring: dict, repeats: int) -> None:
    sql, export, memory = (statistics.median(scoring[key]) for key in ("sql", "numpy_export", "numpy_in_memory"))
    print(f"{scoring['rows']:,}-row scoring (median of {repeats}): SQL {sql:.3f} s; numpy export + argmin "
          f"{export:.3f} s; numpy argmin in memory {memory:.3f} s; mismatches {scoring['mismatches']} (must be 0)")
    print(f"(numpy export + argmin) / SQL = {export / sql:.2f}x;  SQL / (numpy in memory) = {sql / memory:.2f}x")


STEPS = [
    ("seed", ("seed",)),
    ("features", ("run", "--select", "+customer_features")),
    # the fit models read the retrain decision (the registry) before they fit, and the scaler the
    # feature screening (which segment_features are fitted)
    ("fit", ("run", "--select", "segment_retrain_decision", "segment_feature_screening", "segment_scaler",
             "segment_k_selection", "segment_centroids")),
    ("explain", ("run", "--select", "segment_stability", "segment_algorithm_comparison")),
    # the registry records the fit (scaler, centroids, drift baselines), then publishes it (its gate reads
    # segment_stability), then every customer is scored
    ("scoring", ("run", "--select", "segment_model_scalers", "segment_model_centroids", "segment_training_shares",
                 "segment_training_bins", "segment_models", "segment_model_in_force", "segment_rfm_labels",
                 "segment_dictionary", "customer_segments")),
]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", required=True, type=Path)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--orders-scale", type=float, default=1.0,
                        help="orders per customer relative to the demo: 1.9 gives ~50 order lines a customer, "
                             "so 1,000,000 customers make 50,000,000 lines")
    parser.add_argument("--score-rows", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory-limit", default="8GB")
    parser.add_argument("--reuse-data", action="store_true", help="keep the raw data of an earlier run")
    parser.add_argument("--vars", default="{}", help="extra dbt vars as JSON, e.g. fit_sample_size")
    parser.add_argument("--start-at", choices=[name for name, _ in STEPS], default=STEPS[0][0],
                        help="skip the steps before this one and keep the database an earlier run of this "
                             "workdir built (implies --reuse-data)")
    parser.add_argument("--score-only", action="store_true",
                        help="only step 5, on the database an earlier run of this workdir built")
    args = parser.parse_args(argv)
    workdir = args.workdir.resolve()
    raw_dir = workdir / "raw"
    workdir.mkdir(parents=True, exist_ok=True)
    print(machine(), flush=True)
    if args.score_only:
        dbt = Dbt(workdir, raw_dir, write_profile(workdir, args.memory_limit), json.loads(args.vars))
        scoring = scoring_10m(dbt, workdir / "segments.duckdb", args.score_rows, args.repeats)
        print_scoring(scoring, args.repeats)
        print(f"benchmark process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2:.2f} GiB")
        (workdir / "scale_benchmark_scoring.json").write_text(json.dumps(scoring, indent=2))
        return
    report: dict = {"machine": machine(), "customers": args.customers, "orders_scale": args.orders_scale}
    overall = time.perf_counter()

    first = [name for name, _ in STEPS].index(args.start_at)
    reuse = args.reuse_data or first > 0
    if not (reuse and (raw_dir / "transactions.parquet").exists()):
        started = time.perf_counter()
        rows = generate_large(args.customers, args.chunk, args.seed, raw_dir, workers=args.workers,
                              orders_scale=args.orders_scale)
        report["data"] = {"seconds": time.perf_counter() - started, "rows": rows,
                          "peak_gib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 ** 2}
        print(f"data: {rows} in {report['data']['seconds']:.1f} s", flush=True)
    if first == 0:
        (workdir / "segments.duckdb").unlink(missing_ok=True)
    dbt = Dbt(workdir, raw_dir, write_profile(workdir, args.memory_limit),
              {"n_segments": "auto", **json.loads(args.vars)})

    steps = STEPS[first:]
    for name, command in steps:
        seconds, peak = dbt.run(name, *command)
        nodes = dbt.node_seconds()
        report[name] = {"seconds": seconds, "peak_gib": peak, "nodes": nodes}
        print(f"{name}: {seconds:.1f} s wall, peak {peak:.2f} GiB; "
              + ", ".join(f"{node} {value:.1f} s" for node, value in nodes.items()), flush=True)

    database = workdir / "segments.duckdb"
    with duckdb.connect(str(database), read_only=True) as connection:
        counts = connection.sql("""
            select (select count(*) from customer_features), (select count(*) from customer_segments),
                   (select count(*) from customer_features
                    where customer_id not in (select customer_id from customer_segments)),
                   (select count(distinct k) from segment_k_selection where chosen),
                   (select max(k) from segment_k_selection where chosen),
                   (select max(model_version) from segment_centroids),
                   (select sum(training_customers) / count(distinct feature) from segment_centroids),
                   (select count(*) from int_transactions_cleaned),
                   (select count(*) from stg_raw__transactions)""").fetchall()[0]
    report["check"] = dict(zip(["customers", "scored", "unscored", "chosen_ks", "chosen_k", "model_version",
                                "fit_rows", "clean_transaction_lines", "raw_transaction_lines"], counts))
    print(f"check: {report['check']}", flush=True)
    if counts[0] != counts[1] or counts[2] != 0:
        raise SystemExit("customer_segments does not hold every customer of customer_features")

    print(f"10M scoring ({args.score_rows:,} rows):", flush=True)
    scoring = scoring_10m(dbt, database, args.score_rows, args.repeats)
    report["scoring_10m"] = scoring
    report["total_seconds"] = time.perf_counter() - overall
    report["benchmark_process_peak_gib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
    (workdir / "scale_benchmark.json").write_text(json.dumps(report, indent=2, default=str))

    print()
    print(machine())
    print(f"customers {args.customers:,}; transaction lines (raw) {counts[8]:,}, clean {counts[7]:,}")
    print(f"{'step':<12}{'wall s':>10}{'peak GiB':>10}")
    for name, _ in steps:
        print(f"{name:<12}{report[name]['seconds']:>10.1f}{report[name]['peak_gib']:>10.2f}")
    print(f"fit: K = {counts[4]} on {int(counts[6]):,} sampled customers; model {counts[5]}")
    print_scoring(scoring, args.repeats)
    print(f"total {report['total_seconds']:.0f} s; "
          f"benchmark process peak {report['benchmark_process_peak_gib']:.2f} GiB")
    if scoring["mismatches"]:
        raise SystemExit("SQL and numpy labels differ")


if __name__ == "__main__":
    main()
