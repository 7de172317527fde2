{#- True for a plain lower-case column name (a letter or _, then letters, digits, _): the only feature
    names written unquoted into SQL by the scoring, drift and report macros. -#}
{% macro is_plain_column_name(name) %}
    {{ return(name is string and modules.re.match('^[a-z_][a-z0-9_]*$', name) is not none) }}
{% endmacro %}
