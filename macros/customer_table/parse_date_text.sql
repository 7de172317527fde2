{#- A date that arrives as text, read with a strptime `format` ('%d-%m-%Y', '%m/%d/%Y', ...), or as
    YYYY-MM-DD when `format` is none; null when it does not read, so cleaning can quarantine the row.
    Day-first and month-first forms look alike, so the format is stated, never guessed. -#}
{% macro parse_date_text(text, format=none) %}
    {%- if format is not none and (format is not string or "'" in format) -%}
        {{ exceptions.raise_compiler_error(
            "parse_date_text: format " ~ format ~ " is not a strptime format without quotes, e.g. '%d-%m-%Y'.") }}
    {%- endif -%}
    {{ return(adapter.dispatch('parse_date_text', 'dbt_segments')(text, format)) }}
{% endmacro %}

{% macro default__parse_date_text(text, format) %}
    {%- if format is none -%}
        {{ dbt_segments.try_cast(text, 'date') }}
    {%- else -%}
        {#- strptime codes differ between engines (PostgreSQL's to_date, Spark's Java patterns) and neither
            returns null on a bad value: a format is read on DuckDB only -#}
        {{ exceptions.raise_compiler_error(
            "customer_table_date_format '" ~ format ~ "' is read on DuckDB only; on " ~ target.type
            ~ " store the dates as YYYY-MM-DD and set customer_table_date_format to null.") }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__parse_date_text(text, format) %}
    {%- if format is none -%}
        try_cast({{ text }} as date)
    {%- else -%}
        cast(try_strptime({{ text }}, '{{ format }}') as date)
    {%- endif -%}
{%- endmacro %}
