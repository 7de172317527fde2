"""The scoring-SQL export writes the statement the assign_segment macro compiles to.

python_udfs' export_scoring_sql writes the scoring rule a second time (in Python, for engines outside
dbt). Here the macro's compiled query for the demo's model in force and the exported statement are
parsed by sqlglot and must be the same tree: in PostgreSQL (the export's own syntax; the macro has no
dialect overrides on PostgreSQL or DuckDB) and in DuckDB (the export translated by sqlglot); every other
dialect is the same tree translated.
"""

from __future__ import annotations

import json

import pytest
import sqlglot

from python_udfs.cli.export_scoring_sql import DIALECTS, read_model, scoring_sql, scoring_sql_postgres

SOURCE = '"segments"."main"."customer_features"'


@pytest.fixture(scope="module")
def compiled_macro(demo_build):
    """(the macro's compiled query for customer_features, the exported model)."""
    result = demo_build.dbt("compile", "--quiet", "--output", "json", "--inline",
                            "{{ dbt_segments.assign_segment_in_force(ref('customer_features')) }}")
    compiled = json.loads(result.stdout)["compiled"]
    assert SOURCE in compiled  # the relation the export is given below
    return compiled, read_model(demo_build.database)


@pytest.mark.parametrize("dialect", ["postgres", "duckdb"])
def test_the_export_is_the_macros_query(compiled_macro, dialect):
    macro, model = compiled_macro
    exported = (scoring_sql_postgres(model, SOURCE, "customer_id") if dialect == "postgres"
                else scoring_sql(model, dialect, source_table=SOURCE))
    assert sqlglot.parse_one(exported, read=dialect) == sqlglot.parse_one(macro, read=dialect)
    assert f"'{model.model_version}' as model_version" in macro


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_dialect_gets_the_macros_query_translated(compiled_macro, dialect):
    macro, model = compiled_macro
    [translated] = sqlglot.transpile(macro, read="postgres", write=dialect, pretty=True)
    assert scoring_sql(model, dialect, source_table=SOURCE) == translated
