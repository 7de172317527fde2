{#- A 'YYYY-MM-DD HH:MM:SS' text as a SQL timestamp literal. -#}
{% macro timestamp_literal(text) -%}
    cast('{{ text }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
