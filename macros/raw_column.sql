{#- Column mapping for projects that install this package: the name a raw source column has in the
    installing project's data. The var raw_<table>_columns maps the package's column names (those of
    models/staging/_raw__sources.yml) to the project's, e.g.
        raw_transactions_columns: {customer_id: client_ref, ordered_at: order_ts}
    A column it does not name keeps the package's name. Only the staging models call raw_column, so
    every later model sees the package's names whatever the raw data call them. -#}
{% macro raw_column(table_name, column_name) %}
    {{ return(adapter.dispatch('raw_column', 'dbt_segments')(table_name, column_name)) }}
{% endmacro %}

{% macro default__raw_column(table_name, column_name) %}
    {%- set mapping = dbt_segments.raw_column_mapping(table_name) -%}
    {{ return(mapping.get(column_name, column_name)) }}
{% endmacro %}

{#- The checked mapping of one raw table: {package column: project column}. Refuses, naming the var and
    the fix, a mapping that is not a mapping, a key that is not a column of that source, a value that
    is not a plain identifier (it is written into SQL) and two columns mapped to one. -#}
{% macro raw_column_mapping(table_name) %}
    {%- set var_name = 'raw_' ~ table_name ~ '_columns' -%}
    {%- set mapping = var(var_name, {}) or {} -%}
    {%- if mapping is string or mapping is not mapping -%}
        {{ exceptions.raise_compiler_error(var_name ~ " is " ~ mapping ~ ": give a mapping from this package's column names to yours, e.g. {customer_id: client_ref}.") }}
    {%- endif -%}
    {%- if execute and mapping -%}
        {%- set declared = [] -%}
        {%- for node in graph.sources.values() if node.package_name == 'dbt_segments' and node.source_name == 'raw' and node.name == table_name -%}
            {%- for column in node.columns -%}{%- do declared.append(column | lower) -%}{%- endfor -%}
        {%- endfor -%}
        {%- set unknown = mapping.keys() | map('lower') | reject('in', declared) | list -%}
        {%- if declared and unknown -%}
            {{ exceptions.raise_compiler_error(var_name ~ " maps " ~ unknown ~ ", which raw " ~ table_name ~ " does not have: its keys are this package's column names " ~ declared ~ ", its values the names in your data.") }}
        {%- endif -%}
        {%- for key, value in mapping.items() -%}
            {%- if value is not string or not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', value) -%}
                {{ exceptions.raise_compiler_error(var_name ~ " maps " ~ key ~ " to " ~ value ~ ", which is not a plain column name (letters, digits and _): rename that column in a view and map to the view's name.") }}
            {%- endif -%}
        {%- endfor -%}
        {%- set targets = mapping.values() | map('lower') | list -%}
        {%- for value in targets | unique if targets.count(value) > 1 -%}
            {{ exceptions.raise_compiler_error(var_name ~ " maps more than one column to " ~ value ~ ": each of your columns can stand for one column of this package.") }}
        {%- endfor -%}
    {%- endif -%}
    {{ return(mapping) }}
{% endmacro %}
