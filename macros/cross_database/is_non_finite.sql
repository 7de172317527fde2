{#- True when a number, given as the text it arrived as, is NaN, +Infinity or -Infinity (in any of the
    spellings DuckDB, PostgreSQL, Spark and pandas write). Such values pass `x <= 0` style checks (NaN
    sorts above every number) and poison sums, so cleaning rejects them with reason `non_finite_number`.
    The text is tested rather than the double: DuckDB folds `isnan(x)` and `x = 'NaN'` to false when
    Parquet statistics (which leave NaN out) say the column's range is finite, so the double-typed test
    silently misses the NaN rows of a Parquet file (measured with duckdb 1.x/2.0, November 2026). -#}
{% macro is_non_finite(text_expression) %}
    (lower({{ dbt_segments.clean_text(text_expression) }}) in
        ('nan', '+nan', '-nan', 'inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity'))
{%- endmacro %}
