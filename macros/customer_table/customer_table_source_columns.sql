{#- The columns of the raw customer table, read at compile time: [(name as the table spells it, name as
    the models write it)], the id column first as customer_id. Stops, naming the var and the fix, when a
    column a customer_table* var names is not in the table, or two columns would get the same name.
    Returns [] at parse time, before anything can be read. -#}
{% macro customer_table_source_columns(source_relation) %}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set settings = dbt_segments.customer_table_settings() -%}
    {%- set found = run_query('select * from ' ~ source_relation ~ ' where 1 = 0').column_names | list -%}
    {%- set by_name = {} -%}
    {%- for column in found -%}
        {%- set name = 'customer_id' if column == settings.id_column
            else dbt_segments.customer_table_column_name(column) -%}
        {%- if name in by_name -%}
            {{ exceptions.raise_compiler_error(
                "customer table " ~ source_relation ~ ": columns " ~ by_name[name] ~ " and " ~ column
                ~ " would both be named " ~ name ~ " (lower case, other characters as _"
                ~ (", and the id column is named customer_id" if name == 'customer_id' else "")
                ~ "): rename one in your table.") }}
        {%- endif -%}
        {%- do by_name.update({name: column}) -%}
    {%- endfor -%}
    {%- if settings.id_column not in found -%}
        {{ exceptions.raise_compiler_error(
            "customer table " ~ source_relation ~ " has no column " ~ dbt_segments.shown(settings.id_column)
            ~ " (customer_table_id_column; it has " ~ found
            ~ "): set customer_table_id_column to the column holding the customer id, spelled as in the table.") }}
    {%- endif -%}
    {%- set derived_names = settings.derived_features | map(attribute=0) | list -%}
    {%- set named = settings.numeric_columns + (settings.columns.values() | reject('in', derived_names) | list) -%}
    {%- set missing = named | reject('in', by_name.keys() | list) | list -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            "customer table " ~ source_relation ~ " has no column(s) " ~ missing
            ~ " named by customer_table_numeric_columns / customer_table_columns (it has " ~ found
            ~ ", compared in lower case with other characters as _): fix those vars or the table.") }}
    {%- endif -%}
    {%- set columns = [(settings.id_column, 'customer_id')] -%}
    {%- for column in found if column != settings.id_column -%}
        {%- do columns.append((column, dbt_segments.customer_table_column_name(column))) -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}
