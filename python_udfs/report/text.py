"""How the report writes values: escaped text, percentages, numbers, the "not available yet" note."""

from __future__ import annotations

import html

import pandas as pd


NOT_AVAILABLE = "Not available yet"


def esc(value) -> str:
    return html.escape("" if value is None else str(value))


def pct(value, digits: int = 1) -> str:
    return "–" if value is None or pd.isna(value) else f"{100 * float(value):.{digits}f}%"


def number(value, digits: int = 0) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):,.{digits}f}"


def missing_note(what: str, table: str) -> str:
    return (f'<p class="missing"><strong>{NOT_AVAILABLE}:</strong> {esc(what)} '
            f'(this warehouse has no <code>{esc(table)}</code> table yet).</p>')
