{#- A list var as a list: a list, or the text of one (from --vars or a yml config), or comma-separated text;
    one value (a mapping too) is a list of one, null an empty list. Python reads lists the same way
    (python_udfs.settings_schema). -#}
{% macro list_var(name) %}
    {%- set value = var(name) -%}
    {%- if value is none -%}{{ return([]) }}{%- endif -%}
    {%- if value is string -%}
        {%- set text = value | trim -%}
        {%- if text.startswith('[') -%}
            {%- set value = fromyaml(text) -%}
        {%- else -%}
            {%- set value = text.split(',') | map('trim') | reject('equalto', '') | list -%}
        {%- endif -%}
    {%- endif -%}
    {%- if value is string or value is number or value is mapping -%}{{ return([value]) }}{%- endif -%}
    {{ return(value | list) }}
{% endmacro %}
