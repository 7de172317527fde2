#!/usr/bin/env bash
# Set up, run the linters (scripts/lint.sh), then every test: the unit tests of the python_udfs package
# (tests/unit) and the integration tests (tests/integration: dbt builds of the demo and of real-world
# shaped data, PostgreSQL and Spark, the report in Chromium). The fast loop alone: pytest -m unit.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/install_system_packages.sh
bash scripts/lint.sh
export DBT_PROFILES_DIR="$PWD/profiles"
# two workers, one per core; tests that share a build run on one of them (tests/integration/conftest.py)
.venv/bin/python -m pytest -n 2 --dist loadgroup --no-loadscope-reorder "$@"
