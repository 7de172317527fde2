"""Find columns that look like personal data (PII) in the marts of a built DuckDB file.

Marts are what BI tools and the CRM sync read, so none may carry an e-mail, a person's name, a phone
number, a street address or a birth date; the one exception is the hashed e-mail of ``segment_export``.
The check is on column NAMES (what the models' code decides), which is why it runs over the built
database's ``information_schema`` after ``dbt build`` rather than as a dbt test: a dbt test can only
depend on the models it refs, so it could run before marts it does not name are built, and it would
have to be told about every new mart. Which relations are marts comes from dbt's ``manifest.json``
(models under ``models/marts/``).

Name rules (lower-cased names, split on ``_``; ``segment_name`` or ``feature_display_name`` are not a
person's name):

- e-mail: any name containing ``email``, ``e_mail`` or the word ``mail``;
- person's name: ``name`` alone, or ``full``/``first``/``last``/``given``/``family``/``middle``/
  ``customer``/``contact``/``person``/``user`` followed by ``name``, ``firstname``, ``lastname``, ``surname``;
- phone: ``phone``, ``telephone``, ``msisdn``, ``mobile``;
- address (street, also IP): ``address``, ``street``, ``postcode``, ``zip``/``postal`` + ``code``;
- birth date or year: ``birth``, ``birthday``, ``dob``.

Usage (exit status 1 and one line per column when something is found)::

    python -m python_udfs.cli.pii_scan target/segments.duckdb target/manifest.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import duckdb

# (table, column) pairs allowed although their name matches: hashed, never raw.
ALLOWED = {("segment_export", "email_sha256")}

PII_PATTERNS = {
    "e-mail": re.compile(r"e_?mail|(^|_)mail(_|$)"),
    "name": re.compile(r"^name$|(^|_)(full|first|last|given|family|middle|customer|contact|person|user)_?name(_|$)"
                       r"|(^|_)(firstname|lastname|surname)(_|$)"),
    "phone": re.compile(r"phone|msisdn|(^|_)mobile(_|$)"),
    "address": re.compile(r"address|street|postcode|(^|_)(zip|postal)_?code(_|$)"),
    "birth date": re.compile(r"birth|(^|_)dob(_|$)"),
}


def pii_kind(column: str) -> str | None:
    """The kind of personal data a column name suggests, or None."""
    name = column.lower()
    for kind, pattern in PII_PATTERNS.items():
        if pattern.search(name):
            return kind
    return None


def pii_columns(columns: list[tuple[str, str]], allowed: set[tuple[str, str]] = ALLOWED) -> list[tuple[str, str, str]]:
    """(table, column, kind) for every (table, column) whose name looks like PII and is not allowed."""
    found = []
    for table, column in columns:
        kind = pii_kind(column)
        if kind and (table.lower(), column.lower()) not in allowed:
            found.append((table, column, kind))
    return found


def mart_names(manifest_path: str | Path) -> list[str]:
    """Relation names of the enabled models under models/marts/ in a dbt manifest."""
    manifest = json.loads(Path(manifest_path).read_text())
    return sorted(node.get("alias") or node["name"] for node in manifest["nodes"].values()
                  if node["resource_type"] == "model" and node["path"].replace("\\", "/").startswith("marts/"))


def scan_duckdb(database: str | Path, marts: list[str]) -> list[tuple[str, str, str]]:
    """PII-like columns of the given marts in a DuckDB file; a mart that is not built is skipped."""
    with duckdb.connect(str(database), read_only=True) as connection:
        columns = connection.execute(
            "select table_name, column_name from information_schema.columns "
            "where list_contains(?, table_name) order by table_name, ordinal_position", [marts]).fetchall()
    return pii_columns(columns)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database")
    parser.add_argument("manifest")
    args = parser.parse_args(argv)
    marts = mart_names(args.manifest)
    found = scan_duckdb(args.database, marts)
    for table, column, kind in found:
        print(f"{table}.{column}: looks like {kind}; drop it from the mart or hash it as segment_export does")
    if not found:
        print(f"no PII-like column in {len(marts)} marts")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
