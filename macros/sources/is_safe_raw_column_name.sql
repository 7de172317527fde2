{#- True for a column name that adapter.quote writes safely into SQL on every engine: not blank, and no
    quote character (' " `), backslash or control character. -#}
{% macro is_safe_raw_column_name(name) %}
    {{ return(name is string and name | trim != '' and not modules.re.search('["\'`\\\\\\x00-\\x1f\\x7f]', name)) }}
{% endmacro %}
