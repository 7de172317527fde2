{#- A message of the settings schema with each {key} replaced by the text of values[key]: the same
    messages, filled the same way, as python_udfs.settings_schema.message. -#}
{% macro settings_message(template, values) %}
    {%- set text = namespace(value=template) -%}
    {%- for key, value in values.items() -%}
        {%- set text.value = text.value | replace('{' ~ key ~ '}', value | string) -%}
    {%- endfor -%}
    {{ return(text.value) }}
{% endmacro %}
