"""Real warehouses for the cross-warehouse tests: a throw-away PostgreSQL cluster and the loaders that
put the raw data and a DuckDB fit into it.

The PostgreSQL server comes from the Debian `postgresql` package (requirements-system.txt). It is
initdb'ed in a temporary folder, listens on a free localhost port only, and is stopped (and its files
removed with the folder) at teardown. PostgreSQL refuses to run as root, so as root it runs as the
Debian `postgres` user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

RAW_TABLES = ("customers", "transactions", "events", "support_tickets")


def postgres_bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not candidates:
        raise RuntimeError("PostgreSQL server binaries are missing: install the Debian package `postgresql` "
                           "(listed in requirements-system.txt; scripts/install_system_packages.sh installs it).")
    return Path(candidates[-1]).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresServer:
    root: Path
    port: int
    user: str
    database: str = "segments"

    @property
    def env(self) -> dict[str, str]:
        """What integration_tests/profiles.yml reads for its postgres target."""
        return {"SEGMENTS_PG_HOST": "127.0.0.1", "SEGMENTS_PG_PORT": str(self.port),
                "SEGMENTS_PG_USER": self.user, "SEGMENTS_PG_DATABASE": self.database}

    def connect(self):
        import psycopg2

        return psycopg2.connect(host="127.0.0.1", port=self.port, user=self.user, dbname=self.database)

    def query(self, sql: str) -> pd.DataFrame:
        with self.connect() as connection, connection.cursor() as cursor:
            cursor.execute(sql)
            columns = [column.name for column in cursor.description]
            return pd.DataFrame(cursor.fetchall(), columns=columns)


def _as_server_user(command: list[str], user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--", *command] if user else command


def start_postgres() -> tuple[PostgresServer, callable]:
    """initdb + start a private cluster; returns the server and a stop function."""
    bin_dir = postgres_bin_dir()
    run_as = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="segments_pg_"))
    if run_as:
        entry = pwd.getpwnam(run_as)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    user = run_as or pwd.getpwuid(os.geteuid()).pw_name
    data = root / "data"
    subprocess.run(_as_server_user([str(bin_dir / "initdb"), "-D", str(data), "-U", user, "--auth=trust",
                                    "--encoding=UTF8", "--locale=C"], run_as),
                   check=True, capture_output=True)
    port = free_port()
    options = (f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
               "-c full_page_writes=off -c shared_buffers=64MB")
    subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"),
                                    "-o", options, "-w", "start"], run_as), check=True, capture_output=True)

    def stop() -> None:
        subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                                       run_as), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)

    try:
        server = PostgresServer(root=root, port=port, user=user)
        deadline = time.monotonic() + 30
        while True:
            try:
                import psycopg2

                connection = psycopg2.connect(host="127.0.0.1", port=port, user=user, dbname="postgres")
                connection.autocommit = True
                try:
                    connection.cursor().execute(f"create database {server.database}")
                finally:
                    connection.close()
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        return server, stop
    except Exception:
        stop()
        raise


DUCKDB_TO_POSTGRES = {"VARCHAR": "text", "INTEGER": "integer", "BIGINT": "bigint", "DOUBLE": "double precision",
                      "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "timestamp"}


def load_postgres_table(server: PostgresServer, schema: str, name: str, select_sql: str,
                        attach: Path | None = None) -> int:
    """Create schema.name from a DuckDB query (same column types) and COPY its rows in; returns the row count.

    DuckDB writes the CSV, doubles in their shortest round-trip form, so PostgreSQL reads the same bits back.
    """
    with duckdb.connect() as connection:
        if attach is not None:  # select_sql reads source.<table>
            connection.execute(f"attach '{attach}' as source (read_only)")
        described = connection.sql(f"describe {select_sql}").fetchall()
        csv_path = server.root / f"{schema}.{name}.csv"
        connection.execute(f"copy ({select_sql}) to '{csv_path}' (header false, nullstr '\\N')")
        rows = connection.sql(f"select count(*) from ({select_sql})").fetchall()[0][0]
    columns = ", ".join(f'"{column}" {DUCKDB_TO_POSTGRES[column_type]}' for column, column_type, *_ in described)
    with server.connect() as connection, connection.cursor() as cursor, open(csv_path) as data:
        cursor.execute(f"create schema if not exists {schema}")
        cursor.execute(f"drop table if exists {schema}.{name}")
        cursor.execute(f"create table {schema}.{name} ({columns})")
        cursor.copy_expert(f"copy {schema}.{name} from stdin with (format csv, null '\\N')", data)
    csv_path.unlink()
    return rows


SPARK_LOADER = r"""
import json, sys
import duckdb
from pyspark.sql import SparkSession

spark_dir, tables = sys.argv[1], json.loads(sys.argv[2])
spark = (SparkSession.builder.master("local[1]")
         .config("spark.sql.warehouse.dir", f"{spark_dir}/warehouse")
         .config("spark.hadoop.javax.jdo.option.ConnectionURL",
                 f"jdbc:derby:;databaseName={spark_dir}/metastore_db;create=true")
         .config("spark.sql.shuffle.partitions", "1").config("spark.ui.enabled", "false")
         .enableHiveSupport().getOrCreate())
for qualified, (select_sql, attach) in tables.items():
    spark.sql(f"create database if not exists {qualified.split('.')[0]}")
    with duckdb.connect() as connection:
        if attach:
            connection.execute(f"attach '{attach}' as source (read_only)")
        frame = connection.sql(select_sql).df()
    spark.createDataFrame(frame).write.mode("overwrite").saveAsTable(qualified)
spark.stop()
"""


# A local Spark session on small tables spends most of its CPU in the JVM's optimizing compiler and garbage
# collector: the client compiler alone and the serial collector cut the Spark leg's CPU by a quarter
# (measured: 220 to 161 CPU-seconds), without touching what Spark computes. The client compiler alone gets
# a 48 MB code cache by default, which a whole dbt build fills ("Out of space in CodeCache"): it gets the
# default of the tiered compiler back. For every JVM the tests start.
SPARK_JVM_ENV = {"JAVA_TOOL_OPTIONS": "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=240m -XX:+UseSerialGC"}


def load_spark_tables(spark_dir: Path, tables: dict[str, tuple[str, str | None]]) -> None:
    """Write DuckDB query results as Spark tables into the metastore the dbt `spark` target uses.

    In a child process: the embedded Derby metastore admits one JVM at a time, and dbt starts its own.
    """
    import json
    import sys

    result = subprocess.run([sys.executable, "-c", SPARK_LOADER, str(spark_dir), json.dumps(tables)],
                            capture_output=True, text=True, env={**os.environ, **SPARK_JVM_ENV})
    if result.returncode != 0:
        raise RuntimeError(f"loading the Spark tables failed:\n{result.stderr[-3000:]}")


def read_spark_tables(spark_dir: Path, tables: list[str]) -> dict[str, pd.DataFrame]:
    """Spark tables as pandas frames: the parquet files Spark wrote for each (<warehouse>/<schema>.db/<table>),
    read with DuckDB. Reading them back through Spark costs another JVM, about 11 s."""
    frames = {}
    with duckdb.connect() as connection:
        for table in tables:
            schema, name = table.split(".")
            files = spark_dir / "warehouse" / f"{schema}.db" / name / "*.parquet"
            frames[table] = connection.sql(f"select * from read_parquet('{files}')").df()
    return frames
