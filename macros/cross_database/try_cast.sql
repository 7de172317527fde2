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

{#- PostgreSQL (before 16) has no cast that returns null on bad input, so dbt.safe_cast is a plain cast
    there and one unparseable value would stop the build instead of quarantining its row. This override
    calls a small PL/pgSQL function that catches the conversion error; `create_try_cast_function`
    (an on-run-start hook of this package) creates it in the target schema. -#}
{% macro postgres__try_cast(expression, data_type) %}
    {{ target.schema }}.dbt_segments_try_cast(cast({{ expression }} as text), null::{{ data_type }})
{%- endmacro %}
