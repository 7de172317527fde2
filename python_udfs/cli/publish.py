"""Publish a finished DuckDB build to the file BI tools read, atomically.

DuckDB lets one process write a database file and, while it does, no other process can open that file,
not even read-only (measured with duckdb 2.0.1: "Could not set lock on file"); and a reader holding the
file open makes `dbt build` fail at its first statement. So readers should not open the file dbt builds.
dbt builds the working file; when the build has passed, this module copies it beside the published
file and renames the copy over it. A rename is atomic: a reader opening the published file gets the old
database or the new one, complete, never a half-written one; a reader that already has the old file open
keeps reading it until it reconnects. A failed build is never published, so readers keep the last good
marts.

    python -m python_udfs.cli.publish target/segments.duckdb target/published/segments.duckdb
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

import duckdb


def publish(built: str | Path, published: str | Path) -> Path:
    """Copy the built database to `published` by write-then-rename; returns the published path."""
    built, published = Path(built), Path(published)
    if not built.exists():
        raise FileNotFoundError(f"{built} does not exist: run dbt build first (SEGMENTS_DUCKDB_PATH names it).")
    # fold the write-ahead log into the file, so the single file copied is the whole database; this
    # also fails, with DuckDB's lock message, if dbt is still writing it
    with duckdb.connect(str(built)) as connection:
        connection.execute("checkpoint")
    published.parent.mkdir(parents=True, exist_ok=True)
    staging = published.with_name(f".{published.name}.publishing")
    shutil.copyfile(built, staging)
    with open(staging, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(staging, published)
    return published


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("built", help="the DuckDB file dbt build wrote")
    parser.add_argument("published", help="the DuckDB file BI tools open read-only")
    arguments = parser.parse_args(argv)
    print(f"published {publish(arguments.built, arguments.published)}")


if __name__ == "__main__":
    main()
