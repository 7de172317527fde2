{#- The columns segment_features may name: customer_features' declared columns and, once it exists,
    its live columns (lower case); empty when neither is known (e.g. installed without that model).
    For a customer table, the columns it fills (customer_table_settings), known before any build. -#}
{% macro feature_mart_columns() %}
    {%- set customer_table = dbt_segments.customer_table_settings() -%}
    {%- if customer_table is not none -%}
        {{ return((['customer_id', 'as_of_date', 'is_buyer', 'rfm_label'] + customer_table.filled_columns
                   + customer_table.feature_columns) | unique | list) }}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == 'customer_features' -%}
        {%- for column in node.columns -%}{%- do columns.append(column | lower) -%}{%- endfor -%}
        {%- set relation = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) -%}
        {%- if relation is not none -%}
            {%- for column in adapter.get_columns_in_relation(relation) -%}
                {%- do columns.append(column.name | lower) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(columns | unique | list) }}
{% endmacro %}
