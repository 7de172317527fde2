{#- A var's value as a message shows it: text in double quotes, anything else as written. -#}
{% macro shown(value) %}
    {{ return('"' ~ value ~ '"' if value is string else value | string) }}
{% endmacro %}
