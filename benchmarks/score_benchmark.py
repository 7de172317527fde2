"""Benchmark: nearest-centroid scoring in DuckDB SQL (the dbt_segments macro) against numpy and scikit-learn.

The question it answers: is it worth scoring inside the warehouse with the SQL that
`dbt_segments.assign_segment` compiles to, or should the rows be exported and scored in Python?
So it times, in one process and on the same data, side by side:

  a. SQL in DuckDB     `create or replace table scored as <compiled macro SQL>`
  b. numpy export      DuckDB -> numpy transfer + standardize + squared distances + argmin
  c. numpy in memory   the same computation as (b) on columns already in memory
  d. sklearn in memory KMeans.predict on standardized arrays already in memory
  e. sklearn export    DuckDB -> numpy transfer + standardize + KMeans.predict
  f. sklearn export + write back   (e) and the labels written back as a DuckDB table, as (a) does
  g. SQL, not stored   the macro's SQL with the labels aggregated instead of written (compare with d, e)
  h. SQL join form     the same arithmetic as a cross join with the centroid table + arg_min (the
                       alternative to one projection worth measuring)
  i. SQL expanded form argmin_k(a_k + sum_i x_i b_ki): the scaler folded into per-centroid weights, one
                       linear combination per centroid. An experiment, not the macro: it rounds differently
                       near ties, so its labels are counted against the macro's, not required to match.

The SQL is not hand-written: it is what `dbt compile` makes of the integration-test model
`fixture_scores`, so the benchmark follows the macro whenever the macro changes. Before any number is
printed the SQL labels are compared with the numpy labels row by row, so a fast wrong answer is never
reported.

Usage: python benchmarks/score_benchmark.py [--rows 10000000] [--features 8] [--k 8] [--repeats 3]
                                            [--workdir DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb
import numpy as np
import pyarrow as pa
import sklearn
from sklearn.cluster import KMeans

PROJECT_ROOT = Path(__file__).resolve().parents[1]
INTEGRATION = PROJECT_ROOT / "integration_tests"
DBT = str(Path(sys.executable).with_name("dbt"))
COMPILED_MODEL = Path("compiled/dbt_segments_integration_tests/models/fixture_scores.sql")

SEED = 20240601
GENERATE_CHUNK_ROWS = 1_000_000  # 64 MB of doubles per insert: fast, and peak memory stays modest
SCORE_CHUNK_ROWS = 65_536  # numpy works on cache-sized slices instead of (rows x k) temporaries


@dataclass(frozen=True)
class SegmentModel:
    """A fitted segmentation as the fixture tables hold it: raw-space scaler, centroids in scaled space."""

    means: np.ndarray  # (features,)
    scales: np.ndarray  # (features,)
    centroids: np.ndarray  # (k, features), standardized space

    @property
    def feature_names(self) -> list[str]:
        return [f"f{i}" for i in range(len(self.means))]


@dataclass
class Timing:
    """All runs of one method; the median is what gets reported."""

    method: str
    runs: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


# ---------------------------------------------------------------------------------------------- data


def random_model(features: int, k: int, rng: np.random.Generator) -> SegmentModel:
    """Means and scales of different magnitudes per feature, so standardizing is not a no-op."""
    return SegmentModel(means=rng.normal(0.0, 100.0, features),
                        scales=rng.uniform(0.5, 50.0, features),
                        centroids=rng.normal(0.0, 1.5, (k, features)))


def write_fixture(database: Path, rows: int, model: SegmentModel, rng: np.random.Generator) -> None:
    """Write case 0 of the integration project's fixtures: fixture_rows_0, fixture_scaler_0, fixture_centroids.

    Rows are drawn around the centroids (segment data, not uniform noise) with numpy, seeded, in
    chunks appended through Arrow: deterministic, a few seconds for 10M rows, and never the whole
    table in Python memory at once.
    """
    names = model.feature_names
    k = len(model.centroids)
    with duckdb.connect(str(database)) as connection:
        columns = ", ".join(f"{name} double" for name in names)
        connection.execute(f"create table fixture_rows_0 (row_id bigint, {columns})")
        for start in range(0, rows, GENERATE_CHUNK_ROWS):
            size = min(GENERATE_CHUNK_ROWS, rows - start)
            segment = rng.integers(0, k, size)
            values = model.means + model.scales * (model.centroids[segment] + rng.normal(0.0, 1.0, (size, len(names))))
            chunk = pa.table({"row_id": np.arange(start, start + size, dtype=np.int64),
                              **{name: values[:, i] for i, name in enumerate(names)}})
            connection.register("chunk", chunk)
            connection.execute("insert into fixture_rows_0 select * from chunk")
            connection.unregister("chunk")

        scaler = pa.table({"feature_position": np.arange(len(names), dtype=np.int32), "feature": names,
                           "mean": model.means, "scale": model.scales})
        segment_ids, positions = np.meshgrid(np.arange(k, dtype=np.int32), np.arange(len(names), dtype=np.int32),
                                             indexing="ij")
        centroids = pa.table({"model_version": ["case_0"] * model.centroids.size,
                              "segment_id": segment_ids.ravel(), "feature_position": positions.ravel(),
                              "feature": [names[p] for p in positions.ravel()],
                              "centroid_scaled": model.centroids.ravel()})
        for table, frame in [("fixture_scaler_0", scaler), ("fixture_centroids", centroids)]:
            connection.register("incoming", frame)
            connection.execute(f"create table {table} as select * from incoming")
            connection.unregister("incoming")
        connection.execute("checkpoint")


# ----------------------------------------------------------------------------------------------- dbt


def compile_scoring_sql(database: Path, workdir: Path) -> str:
    """The SQL the macro really produces for these tables, via `dbt compile` of the integration project.

    dbt opens the DuckDB file itself, so no connection of ours may be open meanwhile.
    """
    env = {**os.environ, "DBT_PROFILES_DIR": str(INTEGRATION), "SEGMENTS_DUCKDB_PATH": str(database),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    paths = ["--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")]
    if not (INTEGRATION / "dbt_packages" / "dbt_segments").exists():
        # links the local package; offline. Skipped when already linked, to leave shared files alone
        run_dbt(["deps", "--log-path", str(workdir / "logs")], env)
    run_dbt(["compile", "--select", "fixture_scores", "--vars", "{fixture_cases: 1}", *paths], env)
    return (workdir / "target" / COMPILED_MODEL).read_text()


def run_dbt(arguments: list[str], env: dict[str, str]) -> None:
    result = subprocess.run([DBT, *arguments], cwd=INTEGRATION, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"dbt {' '.join(arguments)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")


# ------------------------------------------------------------------------------------------- methods


def fetch_features(connection: duckdb.DuckDBPyConnection, model: SegmentModel) -> list[np.ndarray]:
    """Move the feature columns from DuckDB into numpy, one contiguous float64 array per feature.

    Through Arrow (as fast as fetchnumpy() here, measured): a null arrives as NaN, not as a masked array.
    """
    table = connection.sql(f"select {', '.join(model.feature_names)} from fixture_rows_0").to_arrow_table()
    return [table.column(name).to_numpy() for name in model.feature_names]


def standardize_into(out: np.ndarray, columns: list[np.ndarray], rows: slice, model: SegmentModel) -> None:
    """out[i] = (column i - mean) / scale, a missing value becoming 0 -- the macro's coalesce(..., 0)."""
    for i, column in enumerate(columns):
        np.subtract(column[rows], model.means[i], out=out[i])
        np.divide(out[i], model.scales[i], out=out[i])
        np.copyto(out[i], 0.0, where=np.isnan(out[i]))


def numpy_nearest(columns: list[np.ndarray], model: SegmentModel) -> np.ndarray:
    """Standardize, then label each row with its nearest centroid, SCORE_CHUNK_ROWS rows at a time
    (cache-sized slices; no (rows x k) distance matrix)."""
    rows = len(columns[0])
    labels = np.empty(rows, dtype=np.int64)
    scaled = np.empty((len(columns), SCORE_CHUNK_ROWS))
    for start in range(0, rows, SCORE_CHUNK_ROWS):
        size = min(SCORE_CHUNK_ROWS, rows - start)
        standardize_into(scaled[:, :size], columns, slice(start, start + size), model)
        nearest_into(labels[start:start + size], scaled[:, :size], model.centroids)
    return labels


def nearest_into(labels: np.ndarray, scaled: np.ndarray, centroids: np.ndarray) -> None:
    """labels[r] = the centroid nearest to column r of `scaled` (features x rows).

    Distances are summed feature by feature, left to right, exactly as the SQL expression is, and a
    later centroid wins only when strictly closer (ties to the lowest id, as the SQL's case does),
    so the labels can be compared with the SQL's for exact equality.
    """
    distance, difference, best = (np.empty(scaled.shape[1]) for _ in range(3))
    closer = np.empty(scaled.shape[1], dtype=bool)
    for segment, centroid in enumerate(centroids):
        np.subtract(scaled[0], centroid[0], out=distance)
        np.multiply(distance, distance, out=distance)
        for i in range(1, len(centroid)):
            np.subtract(scaled[i], centroid[i], out=difference)
            np.multiply(difference, difference, out=difference)
            np.add(distance, difference, out=distance)
        if segment == 0:
            best[:] = distance
            labels[:] = 0
        else:
            np.less(distance, best, out=closer)
            np.copyto(best, distance, where=closer)
            labels[closer] = segment


def standardized_matrix(columns: list[np.ndarray], model: SegmentModel) -> np.ndarray:
    """The (rows, features) C-ordered standardized matrix scikit-learn's predict takes."""
    rows = len(columns[0])
    matrix = np.empty((rows, len(columns)))
    scaled = np.empty((len(columns), SCORE_CHUNK_ROWS))
    for start in range(0, rows, SCORE_CHUNK_ROWS):
        size = min(SCORE_CHUNK_ROWS, rows - start)
        standardize_into(scaled[:, :size], columns, slice(start, start + size), model)
        matrix[start:start + size] = scaled[:, :size].T
    return matrix


def kmeans_with_centroids(centroids: np.ndarray) -> KMeans:
    """A fitted KMeans whose cluster centres are exactly `centroids` (fit recentres, which can move one by an ulp)."""
    kmeans = KMeans(n_clusters=len(centroids), init=centroids, n_init=1, max_iter=1).fit(centroids)
    kmeans.cluster_centers_ = centroids.copy()
    return kmeans


def double(value: float) -> str:
    return f"cast('{float(value)!r}' as double)"


def join_form_sql(model: SegmentModel) -> str:
    """The macro's arithmetic (standardize with null/NaN -> 0, (x - c) * (x - c) summed left to right) as a
    cross join with the centroid table, the nearest per row by arg_min; ties to the lowest id by the key's
    second element."""
    standardized = [f"coalesce((nullif({name}, 'NaN'::double) - {double(model.means[i])})"
                    f" / {double(model.scales[i])}, 0)"
                    for i, name in enumerate(model.feature_names)]
    distance = " + ".join(f"({x} - c{i}) * ({x} - c{i})" for i, x in enumerate(standardized))
    return f"""
        select row_id, arg_min(segment_id, [distance, segment_id]) as segment_id, min(distance) as squared_distance,
               'case_0' as model_version
        from (
            select row_id, segment_id, {distance} as distance
            from fixture_rows_0
            cross join (pivot (select segment_id, 'c' || feature_position as position, centroid_scaled
                               from fixture_centroids) on position using first(centroid_scaled)) as centroids
        ) as distances
        group by row_id"""


def expanded_form_sql(model: SegmentModel) -> str:
    """||x - c_k||^2 = ||x||^2 + a_k + sum_i r_i b_ki with r the raw value (null/NaN -> the mean),
    b_ki = -2 c_ki / s_i and a_k = ||c_k||^2 + 2 sum_i m_i c_ki / s_i; ||x||^2 is the same for every k."""
    b = -2.0 * model.centroids / model.scales
    a = (model.centroids ** 2).sum(axis=1) + 2.0 * (model.centroids * model.means / model.scales).sum(axis=1)
    raw = ", ".join(f"coalesce(nullif({name}, 'NaN'::double), {double(model.means[i])}) as r{i}"
                    for i, name in enumerate(model.feature_names))
    scores = ", ".join(f"{double(a[k])} + "
                       + " + ".join(f"r{i} * {double(b[k, i])}" for i in range(b.shape[1])) + f" as s{k}"
                       for k in range(len(a)))
    cases = " ".join(f"when s{k} = best then {k}" for k in range(len(a)))
    return f"""
        select row_id, case {cases} end as segment_id, best as partial_distance, 'case_0' as model_version
        from (select *, least({", ".join(f"s{k}" for k in range(len(a)))}) as best
              from (select row_id, {scores}
                    from (select row_id, {raw} from fixture_rows_0) as raw) as scores) as nearest"""


# ------------------------------------------------------------------------------------------- timing


def time_round_robin(methods: dict[str, Callable[[], object]], repeats: int) -> list[Timing]:
    """Run every method once per round, `repeats` rounds, so drift (cache, thermals) hits all alike."""
    timings = {name: Timing(name, []) for name in methods}
    for round_number in range(repeats):
        for name, method in methods.items():
            start = time.perf_counter()
            method()
            elapsed = time.perf_counter() - start
            timings[name].runs.append(elapsed)
            print(f"  round {round_number + 1}/{repeats}  {name:<42} {elapsed:8.3f} s", flush=True)
    return list(timings.values())


def count_table_mismatches(connection: duckdb.DuckDBPyConnection, table: str) -> int:
    """Rows whose label in `table` differs from the macro's (table `scored`)."""
    return int(connection.sql(f"select count(*) from scored full join {table} as other using (row_id) "
                              "where other.segment_id is distinct from scored.segment_id").fetchall()[0][0])


def count_mismatches(connection: duckdb.DuckDBPyConnection, labels_in_scan_order: np.ndarray) -> int:
    """Rows whose SQL label differs from `labels_in_scan_order` (numpy's, in fixture_rows_0 scan order)."""
    row_ids = connection.sql("select row_id from fixture_rows_0").to_arrow_table().column(0).to_numpy()
    by_row_id = np.empty_like(labels_in_scan_order)
    by_row_id[row_ids] = labels_in_scan_order
    sql_labels = connection.sql("select segment_id from scored order by row_id").to_arrow_table().column(0).to_numpy()
    if len(sql_labels) != len(by_row_id):
        return abs(len(sql_labels) - len(by_row_id)) + len(by_row_id)
    return int(np.count_nonzero(sql_labels != by_row_id))


def print_report(timings: list[Timing], args: argparse.Namespace, threads: int, mismatches: int,
                 sklearn_mismatches: int, join_mismatches: int, expanded_mismatches: int) -> None:
    by_name = {timing.method: timing.median for timing in timings}
    sql = by_name[SQL]
    print()
    print(f"rows={args.rows:,}  features={args.features}  k={args.k}  repeats={args.repeats}  "
          f"duckdb threads={threads}  os.cpu_count()={os.cpu_count()}")
    print(f"duckdb {duckdb.__version__}  numpy {np.__version__}  scikit-learn {sklearn.__version__}  "
          f"pyarrow {pa.__version__}  python {sys.version.split()[0]}")
    print(f"label check: SQL vs numpy mismatches = {mismatches} (must be 0); "
          f"SQL vs sklearn = {sklearn_mismatches} (informational: sklearn rounds near-ties differently)")
    print(f"label check: join form vs macro = {join_mismatches} (must be 0); "
          f"expanded form vs macro = {expanded_mismatches} (informational: it rounds near-ties differently)")
    print()
    print(f"{'method':<42} {'median s':>9}   runs (s)")
    print("-" * 78)
    for timing in timings:
        runs = ", ".join(f"{run:.3f}" for run in timing.runs)
        print(f"{timing.method:<42} {timing.median:9.3f}   {runs}")
    print()
    ratios = [
        ("(numpy export+argmin) / SQL", by_name[NUMPY_EXPORT] / sql, ""),
        ("(sklearn export+predict) / SQL", by_name[SKLEARN_EXPORT] / sql, ""),
        ("SQL / (sklearn predict in memory)", sql / by_name[SKLEARN_MEMORY], ""),
        ("SQL / (numpy in memory)", sql / by_name[NUMPY_MEMORY], ""),
        ("join form / one projection (SQL)", by_name[SQL_JOIN] / sql, ""),
        ("expanded form / one projection (SQL)", by_name[SQL_EXPANDED] / sql, ""),
    ]
    # The speed target, both sides doing the same work: labels written back (a vs f), or not (g vs e, d).
    bar = [
        ("(sklearn export+predict+write) / SQL", by_name[SKLEARN_WRITE] / sql, ">= 5"),
        ("(sklearn export+predict) / SQL not stored", by_name[SKLEARN_EXPORT] / by_name[SQL_NOT_STORED], ">= 5"),
        ("SQL / (sklearn predict in memory)", sql / by_name[SKLEARN_MEMORY], "<= 4"),
        ("SQL not stored / (sklearn in memory)", by_name[SQL_NOT_STORED] / by_name[SKLEARN_MEMORY], "<= 4"),
    ]
    for label, ratio, _ in ratios:
        print(f"{label:<42} {ratio:9.2f}x")
    print()
    print("the speed target (both sides with or both without writing the labels):")
    for label, ratio, target in bar:
        met = (ratio >= 5) if target == ">= 5" else (ratio <= 4)
        print(f"{label:<42} {ratio:9.2f}x   bar {target}: {'met' if met else 'NOT met'}")


SQL = "a. SQL in DuckDB (create table as)"
NUMPY_EXPORT = "b. numpy: export + standardize + argmin"
NUMPY_MEMORY = "c. numpy in memory: standardize + argmin"
SKLEARN_MEMORY = "d. sklearn predict (standardized, in mem)"
SKLEARN_EXPORT = "e. sklearn: export + standardize + predict"
SKLEARN_WRITE = "f. sklearn: (e) + write labels to DuckDB"
SQL_NOT_STORED = "g. SQL in DuckDB, labels not stored"
SQL_JOIN = "h. SQL join form (cross join + arg_min)"
SQL_EXPANDED = "i. SQL expanded form (experiment)"


def run(args: argparse.Namespace, workdir: Path) -> None:
    database = workdir / "bench.duckdb"
    database.unlink(missing_ok=True)
    rng = np.random.default_rng(SEED)
    model = random_model(args.features, args.k, rng)

    start = time.perf_counter()
    write_fixture(database, args.rows, model, rng)
    print(f"generated {args.rows:,} x {args.features} rows in {time.perf_counter() - start:.1f} s", flush=True)
    start = time.perf_counter()
    scoring_sql = compile_scoring_sql(database, workdir)
    print(f"dbt compile in {time.perf_counter() - start:.1f} s ({len(scoring_sql):,} characters of SQL)", flush=True)

    with duckdb.connect(str(database)) as connection:
        threads = int(connection.sql("select current_setting('threads')").fetchall()[0][0])
        columns = fetch_features(connection, model)  # for the in-memory methods, outside the timings
        standardized = standardized_matrix(columns, model)
        kmeans = kmeans_with_centroids(model.centroids)
        results: dict[str, np.ndarray] = {}

        def sql() -> None:
            connection.execute(f"create or replace table scored as {scoring_sql}")

        def numpy_export() -> None:
            results["numpy"] = numpy_nearest(fetch_features(connection, model), model)

        def sklearn_export() -> None:
            results["sklearn"] = kmeans.predict(standardized_matrix(fetch_features(connection, model), model))

        def sklearn_write() -> None:
            # the labels go back next to their row ids, as the SQL's table has them (row ids read with the features)
            table = connection.sql(
                f"select row_id, {', '.join(model.feature_names)} from fixture_rows_0").to_arrow_table()
            features = [table.column(name).to_numpy() for name in model.feature_names]
            labels = pa.table({"row_id": table.column("row_id"),
                               "segment_id": kmeans.predict(standardized_matrix(features, model)).astype(np.int32)})
            connection.register("labels", labels)
            connection.execute("create or replace table sklearn_scored as select * from labels")
            connection.unregister("labels")

        def sql_not_stored() -> None:
            connection.sql(f"select count(*), sum(segment_id) from ({scoring_sql})").fetchall()

        def sql_join() -> None:
            connection.execute(f"create or replace table join_scored as {join_form_sql(model)}")

        def sql_expanded() -> None:
            connection.execute(f"create or replace table expanded_scored as {expanded_form_sql(model)}")

        timings = time_round_robin({
            SQL: sql,
            NUMPY_EXPORT: numpy_export,
            NUMPY_MEMORY: lambda: numpy_nearest(columns, model),
            SKLEARN_MEMORY: lambda: kmeans.predict(standardized),
            SKLEARN_EXPORT: sklearn_export,
            SKLEARN_WRITE: sklearn_write,
            SQL_NOT_STORED: sql_not_stored,
            SQL_JOIN: sql_join,
            SQL_EXPANDED: sql_expanded,
        }, args.repeats)

        mismatches = count_mismatches(connection, results["numpy"])
        sklearn_mismatches = count_mismatches(connection, results["sklearn"].astype(np.int64))
        join_mismatches = count_table_mismatches(connection, "join_scored")
        expanded_mismatches = count_table_mismatches(connection, "expanded_scored")

    print_report(timings, args, threads, mismatches, sklearn_mismatches, join_mismatches, expanded_mismatches)
    if mismatches or join_mismatches:
        sys.exit(f"SQL and numpy disagree on {mismatches} rows, the join form on {join_mismatches}: "
                 "the timings above are not comparable.")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--features", type=int, default=8)
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workdir", type=Path, help="kept afterwards; default: a temporary dir, removed")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        run(args, args.workdir.resolve())
        return
    workdir = Path(tempfile.mkdtemp(prefix="score_benchmark_"))
    try:
        run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
