{#- The SQL for one declared raw column in a staging model: the column of the raw data that stands for
    it (quoted when its name is not a plain identifier, e.g. "Customer ID"), or `null` when the data has
    no such column (an optional column: the cleaning models apply its default). `raw` is what raw_table
    returned for the source. Only the staging models call raw_column, so every later model sees the
    package's names whatever the raw data call them. -#}
{% macro raw_column(raw, column_name) %}
    {{ return(adapter.dispatch('raw_column', 'dbt_segments')(raw, column_name)) }}
{% endmacro %}

{% macro default__raw_column(raw, column_name) %}
    {{ return(raw.columns.get(column_name, 'null')) }}
{% endmacro %}
