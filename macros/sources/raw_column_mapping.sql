{#- The checked mapping of one raw table (var raw_<table>_columns): {package column: the data's column},
    keys in lower case. A value of null says the data has no such column (its default applies). Refuses,
    naming the var and the fix, a mapping that is not a mapping, a key that is not a column of that
    source, a name that cannot be written safely into SQL (empty, or holding a quote character, a
    backslash or a control character; any other name, e.g. "Customer ID", is quoted by the adapter) and
    two columns mapped to one. -#}
{% macro raw_column_mapping(table_name) %}
    {%- set var_name = 'raw_' ~ table_name ~ '_columns' -%}
    {%- set mapping = var(var_name, {}) or {} -%}
    {%- if mapping is string or mapping is not mapping -%}
        {{ exceptions.raise_compiler_error(
            var_name ~ " is " ~ mapping
            ~ ": give a mapping from this package's column names to yours, e.g. {customer_id: client_ref}.") }}
    {%- endif -%}
    {%- set checked = {} -%}
    {%- for key, value in mapping.items() -%}
        {%- do checked.update({key | string | lower: value}) -%}
    {%- endfor -%}
    {%- if execute and checked -%}
        {%- set declared = dbt_segments.raw_source_columns(table_name).keys() | list -%}
        {%- set unknown = checked.keys() | reject('in', declared) | list -%}
        {%- if declared and unknown -%}
            {{ exceptions.raise_compiler_error(
                var_name ~ " maps " ~ unknown ~ ", which raw " ~ table_name
                ~ " does not have: its keys are this package's column names " ~ declared
                ~ ", its values the names in your data.") }}
        {%- endif -%}
        {%- for key, value in checked.items() if value is not none -%}
            {%- if value is not string or not dbt_segments.is_safe_raw_column_name(value) -%}
                {{ exceptions.raise_compiler_error(
                    var_name ~ " maps " ~ key ~ " to " ~ dbt_segments.shown(value)
                    ~ ", which cannot be written safely into SQL (a column name may hold spaces and punctuation,"
                    ~ " but no quote character, backslash or control character):"
                    ~ " rename that column in a view and map to the view's name.") }}
            {%- endif -%}
        {%- endfor -%}
        {%- set targets = checked.values() | reject('none') | map('lower') | list -%}
        {%- for value in targets | unique if targets.count(value) > 1 -%}
            {{ exceptions.raise_compiler_error(
                var_name ~ " maps more than one column to " ~ value
                ~ ": each of your columns can stand for one column of this package.") }}
        {%- endfor -%}
    {%- endif -%}
    {{ return(checked) }}
{% endmacro %}
