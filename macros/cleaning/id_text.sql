{#- An id as text. A numeric id column (customer ids exported from a spreadsheet or pandas arrive as
    doubles, e.g. 17850.0) casts to '17850.0' on DuckDB and Spark: a whole number written with a zero
    fraction keeps only its digits, so '17850.0' and '17850' are one customer on every engine and in
    every source. Any other text is left as it is. -#}
{% macro id_text(expression) %}
    {%- set text = 'cast(' ~ expression ~ ' as ' ~ dbt.type_string() ~ ')' -%}
    {%- set point = dbt.position("'.'", text) -%}
    case
        when {{ point }} > 1
            and translate(substring({{ text }}, 1, {{ point }} - 1), '0123456789', '') = ''
            and translate(substring({{ text }}, {{ point }} + 1), '0', '') = ''
            then substring({{ text }}, 1, {{ point }} - 1)
        else {{ text }}
    end
{%- endmacro %}
