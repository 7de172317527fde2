{#- A date var as a date when it is a real YYYY-MM-DD date (or a YAML date), else none. -#}
{% macro date_var(name) %}
    {%- set value = var(name) -%}
    {%- if value is not string and value is not none and value.year is defined -%}
        {{ return(value if value.day is defined and value.hour is not defined else value.date()) }}
    {%- endif -%}
    {%- if value is string and modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value | trim) -%}
        {%- set parsed = modules.datetime.datetime.strptime(value | trim, '%Y-%m-%d')
            if modules.re.match('^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$', value | trim) else none -%}
        {{ return(parsed.date() if parsed is not none else none) }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}
