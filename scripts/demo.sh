#!/usr/bin/env bash
# The main job on the embedded demo: set up, generate the demo data, build everything with dbt
# (seeds, models, Python models, tests) into target/segments.duckdb, and print the segments.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export DBT_PROFILES_DIR="$PWD/profiles"
.venv/bin/python -m python_udfs.demo.data --out data/raw --truth data/truth
.venv/bin/dbt build
.venv/bin/python -m python_udfs.cli.show_segments "${SEGMENTS_DUCKDB_PATH:-target/segments.duckdb}"
# The segmentation report: one self-contained HTML file (charts inlined; opens offline).
.venv/bin/python -m python_udfs.report "${SEGMENTS_DUCKDB_PATH:-target/segments.duckdb}" target/segment_report.html
