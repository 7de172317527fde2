"""A BI-like reader in its own process: opens a DuckDB file read-only again and again until a stop file
appears, and prints one JSON line per attempt: what customer_segments held, or the error it got."""

import json
import sys
import time
from pathlib import Path

import duckdb

database, stop_file = sys.argv[1], Path(sys.argv[2])
while not stop_file.exists():
    try:
        with duckdb.connect(database, read_only=True) as connection:
            rows, segments, versions = connection.sql(
                "select count(*), count(distinct segment_id), string_agg(distinct model_version, ',') "
                "from customer_segments").fetchall()[0]
        print(json.dumps({"rows": rows, "segments": segments, "version": versions}), flush=True)
    except Exception as error:  # the reader reports what a BI tool would see
        print(json.dumps({"error": f"{type(error).__name__}: {error}"}), flush=True)
    time.sleep(0.02)
