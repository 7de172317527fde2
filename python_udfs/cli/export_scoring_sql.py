"""Write the scoring SQL of a fitted segmentation as one standalone statement for another engine.

For teams that score outside dbt: the statement reads a table with the model's feature columns and
returns `<id>, segment_id, squared_distance, model_version` -- the same rule, the same arithmetic and
the same tie-break (lowest segment id) as the `assign_segment` macro: standardize ((x - mean) / scale,
null -> 0), squared Euclidean distance summed feature by feature, least(), first equal segment wins.
The statement is written once in PostgreSQL syntax and translated by sqlglot to the chosen dialect.

Usage:
    python -m python_udfs.cli.export_scoring_sql --database target/segments.duckdb --dialect snowflake \\
        [--model-version km-...] [--source-table analytics.customer_features] [--id-column customer_id] \\
        [--out score.sql]
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import sqlglot

from python_udfs.registry import IN_FORCE_TABLE, model_version_in_force

DIALECTS = ("duckdb", "postgres", "snowflake", "bigquery", "spark", "databricks", "trino")
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


class ExportError(ValueError):
    """The fit cannot be exported as asked; the message names the fix."""


@dataclass(frozen=True)
class FittedModel:
    model_version: str
    features: list[str]
    means: list[float]
    scales: list[float]
    centroids: dict[int, list[float]]  # segment_id -> scaled centroid, feature order


REGISTRY = (IN_FORCE_TABLE, "segment_model_scalers", "segment_model_centroids")


def read_model(database: Path, model_version: str | None = None) -> FittedModel:
    """One model version's scaler and centroids from a DuckDB file built by the project.

    From the model registry when the file has it (default: the version in force, segment_model_in_force,
    the one customer_segments is scored with), else from segment_scaler and segment_centroids (the latest fit).
    """
    if not Path(database).exists():
        raise ExportError(f"{database} does not exist: build the project first (dbt build) or pass --database.")
    with duckdb.connect(str(database), read_only=True) as connection:
        tables = {row[0] for row in connection.sql("select table_name from information_schema.tables").fetchall()}
        registry = set(REGISTRY) <= tables
        scaler_table, centroid_table = REGISTRY[1:] if registry else ("segment_scaler", "segment_centroids")
        for table in (scaler_table, centroid_table):
            if table not in tables:
                raise ExportError(f"{database} has no table {table}: build it (dbt build --select +segment_centroids).")
        versions = [row[0] for row in connection.sql(
            f"select distinct model_version from {centroid_table} order by 1").fetchall()]
        if model_version is None and registry:
            model_version = model_version_in_force(connection)
            if model_version is None:
                raise ExportError(f"no model version is published: pass --model-version (one of {versions}).")
        elif model_version is None:
            if len(versions) != 1:
                raise ExportError(f"{centroid_table} holds model versions {versions}: pass --model-version.")
            model_version = versions[0]
        if model_version not in versions:
            raise ExportError(f"model version {model_version!r} is not in {centroid_table} (it has {versions}).")
        scaler_filter = "where model_version = ?" if registry else "where ? is not null"
        scaler = connection.execute(f"select feature, mean, scale from {scaler_table} {scaler_filter} "
                                    "order by feature_position", [model_version]).fetchall()
        rows = connection.execute(
            f"select segment_id, feature, centroid_scaled from {centroid_table} "
            "where model_version = ? order by segment_id, feature_position", [model_version]).fetchall()
    features = [row[0] for row in scaler]
    bad = [name for name in features if not IDENTIFIER.match(name)]
    if bad:
        raise ExportError(f"scaler features {bad} are not plain lower-case column names: "
                          "refit with valid segment_features.")
    centroids: dict[int, list[float]] = {}
    for segment_id, feature, value in rows:
        values = centroids.setdefault(int(segment_id), [])
        if len(values) >= len(features) or features[len(values)] != feature:
            raise ExportError(f"centroid {segment_id} does not match the scaler's features: rebuild both together.")
        values.append(float(value))
    if not centroids or any(len(values) != len(features) for values in centroids.values()):
        raise ExportError("the centroid table lacks features of the scaler: rebuild both together.")
    return FittedModel(model_version, features, [float(row[1]) for row in scaler],
                       [float(row[2]) for row in scaler], centroids)


def _double(value: float) -> str:
    """A double as text cast to double precision: exact on every engine, and no `--` after a minus."""
    if value != value or value in (float("inf"), float("-inf")):
        raise ExportError(f"{value} is not a finite number: refit the model.")
    return f"cast('{value!r}' as double precision)"


def scoring_sql_postgres(model: FittedModel, source_table: str, id_column: str) -> str:
    """The statement in PostgreSQL syntax: the query assign_segment compiles to, clause for clause
    (tests/integration/test_export_scoring_sql.py parses both and compares them)."""
    if not IDENTIFIER.match(id_column):
        raise ExportError(f"--id-column {id_column!r} is not a plain lower-case column name.")
    ids = sorted(model.centroids)
    scaled = ",\n        ".join(
        # a null or NaN feature is imputed with the mean (0 in scaled space), as the macro does
        f"coalesce((nullif({name}, cast('NaN' as double precision)) - {_double(mean)}) / {_double(scale)}, 0)"
        f" as scaled_{position}"
        for position, (name, mean, scale) in enumerate(zip(model.features, model.means, model.scales)))
    distances = ",\n        ".join(
        " + ".join(f"(scaled_{p} - {_double(c)}) * (scaled_{p} - {_double(c)})"
                   for p, c in enumerate(model.centroids[k])) + f" as distance_{k}"
        for k in ids)
    nearest = f"distance_{ids[0]}" if len(ids) == 1 else f"least({', '.join(f'distance_{k}' for k in ids)})"
    branches = "\n        ".join(f"when distance_{k} = nearest_distance then {k}" for k in ids)
    return f"""select
    {id_column},
    case
        {branches}
    end as segment_id,
    nearest_distance as squared_distance,
    '{model.model_version}' as model_version
from (
    select *, {nearest} as nearest_distance
    from (
        select
        {id_column},
        {distances}
        from (
            select
            {id_column},
            {scaled}
            from {source_table}
        ) as standardized
    ) as squared
) as nearest"""


def scoring_sql(model: FittedModel, dialect: str, source_table: str = "customer_features",
                id_column: str = "customer_id") -> str:
    """The standalone scoring statement for `dialect`, one of DIALECTS."""
    if dialect not in DIALECTS:
        raise ExportError(f"dialect {dialect!r} is not supported: choose one of {', '.join(DIALECTS)}.")
    statement = scoring_sql_postgres(model, source_table, id_column)
    [translated] = sqlglot.transpile(statement, read="postgres", write=dialect, pretty=True,
                                     unsupported_level=sqlglot.ErrorLevel.RAISE)
    return translated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dialect", required=True, choices=DIALECTS)
    parser.add_argument("--database", type=Path, default=Path("target/segments.duckdb"),
                        help="DuckDB file the project built "
                             "(its model registry, or segment_scaler and segment_centroids)")
    parser.add_argument("--model-version", help="default: the published version (segment_models)")
    parser.add_argument("--source-table", default="customer_features", help="table to score, as the engine names it")
    parser.add_argument("--id-column", default="customer_id")
    parser.add_argument("--out", type=Path, help="file to write; default: standard output")
    args = parser.parse_args(argv)
    try:
        sql = scoring_sql(read_model(args.database, args.model_version), args.dialect, args.source_table,
                          args.id_column)
    except ExportError as error:
        print(f"export_scoring_sql: {error}", file=sys.stderr)
        return 2
    if args.out:
        args.out.write_text(sql + ";\n")
    else:
        print(sql + ";")
    return 0


if __name__ == "__main__":
    sys.exit(main())
