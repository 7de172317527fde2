#!/usr/bin/env bash
# The linters scripts/test.sh runs before the tests: ruff (pyproject.toml) over the Python, sqlfluff
# (.sqlfluff) over the models, macros and SQL tests, and a plain 120-column check over every SQL line,
# which also reaches the lines of Jinja branches sqlfluff's templater never renders.
set -euo pipefail
cd "$(dirname "$0")/.."

.venv/bin/ruff check .
.venv/bin/sqlfluff lint models macros tests --processes 2
too_long=$(find models macros tests -name '*.sql' -print0 | xargs -0 awk 'length > 120 && !/noqa/ { print FILENAME ":" FNR }')
if [ -n "$too_long" ]; then
    echo "SQL lines longer than 120 characters:"
    echo "$too_long"
    exit 1
fi
