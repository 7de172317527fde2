{#- Text as it should be compared: control characters removed (tab, newline, carriage return,
    vertical tab, form feed and the non-breaking space become a plain space; every other control
    character is deleted), then leading and trailing spaces trimmed. Raw exports carry stray tabs
    and bell characters in ids and labels; without this `C001<TAB>` would be an unknown customer. -#}
{% macro clean_text(text) %}
    {{ return(adapter.dispatch('clean_text', 'dbt_segments')(text)) }}
{% endmacro %}

{#- translate() and chr() exist in DuckDB, PostgreSQL and Spark SQL alike, and translate() deletes
    characters of `from` that have no counterpart in `to` on all three; no regular expressions, whose
    flags differ between engines. -#}
{% macro default__clean_text(text) %}
    {%- set to_space = [9, 10, 11, 12, 13, 160] -%}
    {%- set deleted = [] -%}
    {%- for code in range(1, 32) if code not in to_space -%}{%- do deleted.append(code) -%}{%- endfor -%}
    {%- do deleted.append(127) -%}
    trim(translate(translate({{ text }},
        {{ dbt_segments.characters(to_space) }},
        '{{ " " * (to_space | length) }}'),
        {{ dbt_segments.characters(deleted) }}, ''))
{%- endmacro %}

{#- A SQL text expression holding the characters with these code points, built with chr(). -#}
{% macro characters(code_points) %}
    {%- set parts = [] -%}
    {%- for code in code_points -%}{%- do parts.append('chr(' ~ code ~ ')') -%}{%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}
