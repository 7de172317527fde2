#!/usr/bin/env bash
# Set up and run every test: pytest over the python_udfs package, the full dbt build of the demo
# (its data tests and unit tests), the scoring checks against scikit-learn and the archetype recovery.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/install_system_packages.sh
export DBT_PROFILES_DIR="$PWD/profiles"
# two workers, one per core; tests that share a build run on one of them (tests/python/conftest.py)
.venv/bin/python -m pytest -n 2 --dist loadgroup "$@"
