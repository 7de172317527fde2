{#- Cast that returns null instead of failing on a value that does not convert, so cleaning can
    quarantine the row with a reason rather than stop the build. -#}
{% macro try_cast(expression, data_type) %}
    {{ return(adapter.dispatch('try_cast', 'dbt_segments')(expression, data_type)) }}
{% endmacro %}

{# dbt.safe_cast is the cross-database spelling; most adapters map it to their try_cast/safe_cast. #}
{% macro default__try_cast(expression, data_type) %}
    {{ dbt.safe_cast(expression, data_type) }}
{%- endmacro %}

{# dbt-duckdb does not override dbt.safe_cast, whose default is a plain cast that fails on bad input. #}
{% macro duckdb__try_cast(expression, data_type) %}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}
