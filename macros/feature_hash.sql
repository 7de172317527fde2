{#- A text hash of a row's values in `columns` (md5 through dbt.hash): equal values, equal hash, so an
    incremental model can tell which rows changed. Each value is cast to text (a double's text is its
    shortest exact form on DuckDB and PostgreSQL), a null becomes a marker no number can print as, and a
    separator keeps ('1', '23') apart from ('12', '3'). No columns: a null hash. -#}
{% macro feature_hash(columns) %}
    {{ return(adapter.dispatch('feature_hash', 'dbt_segments')(columns)) }}
{% endmacro %}

{% macro default__feature_hash(columns) %}
    {%- if columns is string -%}
        {{ exceptions.raise_compiler_error("feature_hash takes a list of column names, got the text '" ~ columns ~ "'; pass ['" ~ columns ~ "'].") }}
    {%- endif -%}
    {%- if columns | length == 0 -%}
        cast(null as {{ dbt.type_string() }})
    {%- else -%}
        {%- set parts = [] -%}
        {%- for column in columns -%}
            {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
            {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
        {%- endfor -%}
        {{ dbt.hash(dbt.concat(parts)) }}
    {%- endif -%}
{% endmacro %}
