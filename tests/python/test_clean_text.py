"""clean_text's DuckDB override (regular expressions) cleans every text exactly as the portable default
(translate) does, which PostgreSQL and Spark run: the override exists only for speed, so a difference
would make the same raw row kept on one engine and quarantined on another."""

from __future__ import annotations

import json
import random

import duckdb
import pyarrow as pa


def compiled_expressions(build) -> str:
    sql = ("select value, {{ dbt_segments.default__clean_text('value') }} as portable, "
           "{{ dbt_segments.duckdb__clean_text('value') }} as duckdb from samples")
    result = build.dbt("compile", "--quiet", "--inline", sql, "--output", "json")
    return json.loads(result.stdout)["compiled"]


def samples() -> list[str | None]:
    """Every code point 1..255 alone and inside an id, plus seeded random mixes of control characters,
    spaces, non-ASCII letters and ordinary characters."""
    rng = random.Random(20261125)
    alphabet = [chr(code) for code in range(1, 256)] + ["é", "€", "ß", " ", "C", "0"]
    values: list[str | None] = [None, "", " ", "C05", "\tC05\x07 ", "a\u00a0b", "\x7f"]
    values += [chr(code) for code in range(1, 256)]
    values += [f" C{chr(code)}05{chr(code)}" for code in range(1, 256)]
    values += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(50_000)]
    return values


def test_duckdb_override_cleans_exactly_as_the_portable_default(corpus_build):
    build, _, _ = corpus_build
    sql = compiled_expressions(build)
    assert "regexp_replace" in sql and "translate" in sql  # both forms really are compared

    connection = duckdb.connect()
    connection.register("samples", pa.table({"value": pa.array(samples(), pa.string())}))
    rows = connection.sql(sql).fetchall()

    differing = [(value, portable, fast) for value, portable, fast in rows if portable != fast]
    assert not differing, f"{len(differing)} values clean differently, e.g. {differing[:5]!r}"
    cleaned = {value: fast for value, _, fast in rows}
    assert cleaned["\tC05\x07 "] == "C05"  # tab to a space, then trimmed; bell deleted
    assert cleaned["a\u00a0b"] == "a b"  # the non-breaking space becomes a plain space
    assert cleaned["\x7f"] == ""
    assert cleaned[None] is None
