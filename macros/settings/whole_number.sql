{#- The value as an integer when it is a whole number (7, 7.0, "7"), else none. -#}
{% macro whole_number(value) %}
    {%- if value is boolean or value is none -%}{{ return(none) }}{%- endif -%}
    {%- if value is number -%}
        {{ return(value | int if value == (value | int) else none) }}
    {%- endif -%}
    {%- if value is string and modules.re.match('^\s*-?[0-9]+\s*$', value) -%}
        {{ return(value | trim | int) }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}
