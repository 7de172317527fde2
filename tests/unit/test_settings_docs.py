"""docs/settings.md documents every var of dbt_project.yml, with its default, and names no var that does not exist.

Pure Python (no dbt): the settings reference is the tables of docs/settings.md whose header starts with
`var`, one var per row, its name in backticks in the first cell and its default in the second. A var added
to or removed from dbt_project.yml, or a default changed there, fails this test until the reference follows.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.unit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SETTINGS_DOC = PROJECT_ROOT / "docs" / "settings.md"


def project_vars() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())["vars"]


def table_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def documented_settings(text: str) -> dict[str, str]:
    """{var: its default cell} from every table of `text` whose header's first cell is `var`."""
    documented: dict[str, str] = {}
    in_settings_table = False
    for line in text.splitlines():
        if not line.lstrip().startswith("|"):
            in_settings_table = False
            continue
        cells = table_cells(line)
        if cells[0] == "var":
            in_settings_table = True
            continue
        if not in_settings_table or set(cells[0]) <= set("-: "):
            continue
        names = re.findall(r"`([^`]+)`", cells[0])
        assert len(names) == 1, f"docs/settings.md: one var per row, in backticks; got {cells[0]!r}"
        assert names[0] not in documented, f"docs/settings.md documents {names[0]} twice"
        assert len(cells) >= 4 and all(cells[1:4]), (
            f"docs/settings.md: {names[0]} needs a default, allowed values and a meaning")
        documented[names[0]] = cells[1]
    return documented


def default_value(cell: str):
    """The default a cell writes (`null`, `0.99`, `[3, 10]`, `"1990-01-01"`), read as YAML."""
    value = yaml.safe_load(cell.replace("`", ""))
    return value.isoformat() if isinstance(value, datetime.date) else value


def test_every_var_is_documented_and_every_documented_var_exists():
    documented = documented_settings(SETTINGS_DOC.read_text())
    declared = project_vars()
    undocumented = sorted(set(declared) - set(documented))
    unknown = sorted(set(documented) - set(declared))
    assert not undocumented, f"vars of dbt_project.yml missing from docs/settings.md: {undocumented}"
    assert not unknown, f"docs/settings.md documents vars dbt_project.yml does not have: {unknown}"


def test_documented_defaults_are_the_project_defaults():
    documented = documented_settings(SETTINGS_DOC.read_text())
    wrong = {
        name: (documented[name], value)
        for name, value in project_vars().items()
        if name in documented and default_value(documented[name]) != value
    }
    assert not wrong, f"defaults in docs/settings.md differ from dbt_project.yml ({{var: (doc, project)}}): {wrong}"


def test_the_parser_reads_one_var_per_row_and_ignores_other_tables():
    text = "\n".join([
        "| column | without it |", "|---|---|", "| `order_id` | one order |", "",
        "| var | default | allowed values | meaning |", "|---|---|---|---|",
        "| `as_of_date` | null | a date | when |", "| `segment_k_range` | `[3, 10]` | two numbers | K range |",
    ])
    assert documented_settings(text) == {"as_of_date": "null", "segment_k_range": "`[3, 10]`"}
    assert default_value("`[3, 10]`") == [3, 10]
    assert default_value('"1990-01-01"') == "1990-01-01"
