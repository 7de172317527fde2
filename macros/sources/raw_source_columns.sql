{#- The declared columns of a raw source table: {column: its meta} in the order of _raw__sources.yml. -#}
{% macro raw_source_columns(table_name) %}
    {%- set columns = {} -%}
    {%- for node in graph.sources.values()
        if node.package_name == 'dbt_segments' and node.source_name == 'raw' and node.name == table_name -%}
        {%- for name, column in node.columns.items() -%}
            {%- do columns.update({name | lower: column.meta or {}}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}
