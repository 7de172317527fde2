{#- A float value (e.g. read with run_query) written as a SQL literal that every engine reads back
    as the same 64-bit double. The value goes through Python's shortest round-trip repr and a cast
    from text: a bare literal such as 0.12345678901234567 is read as DECIMAL by DuckDB and PostgreSQL,
    and a negative number after a minus sign would otherwise turn into `--`, a comment. -#}
{% macro double_literal(value) %}
    {%- if value is none -%}
        {{ exceptions.raise_compiler_error(
            "double_literal: got no value; pass a number"
            ~ " (a centroid or scaler table may have a null cell, rebuild it).") }}
    {%- endif -%}
    {%- set number = value | float -%}
    {%- if number != number or number > 1.7976931348623157e308 or number < -1.7976931348623157e308 -%}
        {{ exceptions.raise_compiler_error(
            "double_literal: " ~ value
            ~ " is not a finite number; refit the model so that its scaler and centroids are finite.") }}
    {%- endif -%}
    cast('{{ number }}' as {{ dbt_segments.type_double() }})
{%- endmacro %}
