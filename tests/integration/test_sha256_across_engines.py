"""The sha256_hex macro's SQL gives hashlib's hex digest on DuckDB, a real PostgreSQL server and a local
Spark session (SEGMENTS_TEST_SPARK=0 skips Spark), so segment_export's e-mail hashes match wherever it
is built. The macro file is rendered with plain Jinja (its dialect macros use only their argument); dbt's
dispatch picking them is exercised by the DuckDB build and the PostgreSQL leg of test_cross_warehouse."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import jinja2
import pytest

from warehouses import SPARK_JVM_ENV, start_postgres

MACROS = Path(__file__).resolve().parents[2] / "macros" / "cross_database" / "sha256_hex.sql"
# ASCII, a plus tag, non-ASCII letters (UTF-8 bytes must be hashed, not code points), a salted value, empty
VALUES = ["a@example.com", "known.person+jürgen@example.com", "zoë.ñandú@exämple.com", "pepper-42b@example.com", ""]
EXPECTED = {value: hashlib.sha256(value.encode("utf-8")).hexdigest() for value in VALUES}


def expression(dialect: str) -> str:
    """The SQL the macro `<dialect>__sha256_hex` writes for the column `value`."""
    template = jinja2.Environment().from_string(MACROS.read_text() + "{{ " + dialect + "__sha256_hex('value') }}")
    return template.render().strip()


def values_sql() -> str:
    rows = ", ".join(f"('{value}')" for value in VALUES)
    return f"(values {rows}) as samples (value)"


def test_duckdb_override_matches_hashlib():
    assert expression("duckdb") == "sha256(value)"
    rows = duckdb.sql(f"select value, {expression('duckdb')} from {values_sql()}").fetchall()
    assert dict(rows) == EXPECTED


def test_postgres_override_matches_hashlib():
    server, stop = start_postgres()
    try:
        rows = server.query(f"select value, {expression('postgres')} as digest from {values_sql()}")
    finally:
        stop()
    assert dict(zip(rows["value"], rows["digest"])) == EXPECTED


SPARK_HASH = r"""
import json, sys
from pyspark.sql import SparkSession

spark = (SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")
         .config("spark.sql.warehouse.dir", sys.argv[2]).getOrCreate())
rows = spark.sql(sys.argv[1]).collect()
print("@@" + json.dumps({row[0]: row[1] for row in rows}))
spark.stop()
"""


def test_spark_default_matches_hashlib(tmp_path):
    if os.environ.get("SEGMENTS_TEST_SPARK") == "0":
        pytest.skip("SEGMENTS_TEST_SPARK=0: the Spark leg is switched off")
    sql = f"select value, {expression('default')} from {values_sql()}"
    result = subprocess.run([sys.executable, "-c", SPARK_HASH, sql, str(tmp_path / "warehouse")],
                            capture_output=True, text=True, cwd=tmp_path, env={**os.environ, **SPARK_JVM_ENV})
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.split("@@")[-1]) == EXPECTED
