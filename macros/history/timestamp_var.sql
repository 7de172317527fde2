{#- A var holding a point in time, UTC, as 'YYYY-MM-DD HH:MM:SS' text (a date alone means its midnight),
    or none when the var is null. Anything else stops the run naming the var and the fix: the value is
    written into SQL. -#}
{% macro timestamp_var(name) %}
    {%- set value = var(name, none) -%}
    {%- if value is none or (value is string and value | trim == '') -%}{{ return(none) }}{%- endif -%}
    {%- if value is not string and value.year is defined -%}
        {#- YAML reads 2026-11-20 as a date and 2026-11-20 10:00:00 as a datetime -#}
        {%- set text = value.strftime('%Y-%m-%d %H:%M:%S') -%}
    {%- elif value is string and modules.re.match(
        '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?)?$',
        value | trim) -%}
        {%- set text = value | trim | replace('T', ' ') -%}
        {%- set text = text ~ (' 00:00:00' if text | length == 10 else (':00' if text | length == 16 else '')) -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            name ~ " is " ~ dbt_segments.shown(value) ~ ": set it to a UTC time 'YYYY-MM-DD HH:MM:SS'"
            ~ " (or a date 'YYYY-MM-DD', meaning its midnight), or to null.") }}
    {%- endif -%}
    {{ return(text) }}
{% endmacro %}
