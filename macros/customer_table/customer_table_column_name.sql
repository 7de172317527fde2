{#- A column name of the user's table as the package writes it: lower case, every run of characters
    other than letters, digits and _ as one _ ("Customer ID" -> customer_id), a leading digit prefixed
    with _. The vars name columns as the table spells them; this is how every model sees them. -#}
{% macro customer_table_column_name(name) %}
    {%- set lowered = modules.re.sub('[^a-z0-9_]+', '_', (name | string) | trim | lower) -%}
    {{ return('_' ~ lowered if modules.re.match('^[0-9]', lowered) else lowered) }}
{% endmacro %}
