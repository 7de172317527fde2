{#- True unless the source's raw_<table>_table var is null. -#}
{% macro raw_source_enabled(table_name) %}
    {{ return(var(dbt_segments.raw_table_var(table_name), table_name) is not none) }}
{% endmacro %}
