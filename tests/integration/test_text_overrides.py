"""The DuckDB overrides of clean_text (regular expressions) and category_key (translate only where a label has
an accent) give exactly what the portable defaults (translate) give, which PostgreSQL and Spark run: the
overrides exist only for speed, so a difference would keep a raw row on one engine and quarantine it, or map
its category differently, on another."""

from __future__ import annotations

import json
import random

import duckdb
import pyarrow as pa
import pytest

ACCENTED = "àáâãäåāçćčèéêëēėìíîïīñńòóôõöøōùúûüūýÿśšźżžÀÉÑØ"


def compiled_pair(build, macro: str) -> str:
    sql = (f"select value, {{{{ dbt_segments.default__{macro}('value') }}}} as portable, "
           f"{{{{ dbt_segments.duckdb__{macro}('value') }}}} as duckdb from samples")
    result = build.dbt("compile", "--quiet", "--inline", sql, "--output", "json")
    return json.loads(result.stdout)["compiled"]


def samples() -> list[str | None]:
    """Every code point 1..255 alone and inside an id, accented letters alone and in labels, plus seeded
    random mixes of control characters, spaces, accents and ordinary characters."""
    rng = random.Random(20261125)
    alphabet = [chr(code) for code in range(1, 256)] + list(ACCENTED) + ["€", "ß", " ", "C", "0", "&"]
    values: list[str | None] = [None, "", " ", "C05", "\tC05\x07 ", "a\u00a0b", "\x7f", "Home & Garden",
                                " HÔME &GÄRDEN\t", "Électronique", "bøøks"]
    values += [chr(code) for code in range(1, 256)] + list(ACCENTED)
    values += [f" C{chr(code)}05{chr(code)}" for code in range(1, 256)]
    values += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(50_000)]
    return values


@pytest.mark.parametrize("macro", ["clean_text", "category_key"])
def test_duckdb_override_gives_exactly_the_portable_result(corpus_build, macro):
    build, _, _ = corpus_build
    sql = compiled_pair(build, macro)
    assert "translate" in sql and "regexp_matches" in sql  # both forms really are compared

    connection = duckdb.connect()
    connection.register("samples", pa.table({"value": pa.array(samples(), pa.string())}))
    rows = connection.sql(sql).fetchall()

    differing = [(value, portable, fast) for value, portable, fast in rows if portable != fast]
    assert not differing, f"{len(differing)} values differ, e.g. {differing[:5]!r}"
    result = {value: fast for value, _, fast in rows}
    assert result[None] is None
    if macro == "clean_text":
        assert result["\tC05\x07 "] == "C05"  # tab to a space, then trimmed; bell deleted
        assert result["a\u00a0b"] == "a b"  # the non-breaking space becomes a plain space
        assert result["\x7f"] == ""
    else:
        assert result["Home & Garden"] == result[" HÔME &GÄRDEN\t"] == "home&garden"
        assert result["Électronique"] == "electronique"
        assert result["bøøks"] == "books"
