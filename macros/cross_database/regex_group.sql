{#- The text of capture group `group` of `pattern` in `text`: '' when the group took no part in the
    match or nothing matched (PostgreSQL's null is turned into '' so every engine answers alike). -#}
{% macro regex_group(text, pattern, group) %}
    {{ return(adapter.dispatch('regex_group', 'dbt_segments')(text, pattern, group)) }}
{% endmacro %}

{% macro default__regex_group(text, pattern, group) -%}
    regexp_extract({{ text }}, '{{ pattern }}', {{ group }})
{%- endmacro %}

{% macro postgres__regex_group(text, pattern, group) -%}
    coalesce((regexp_match({{ text }}, '{{ pattern }}'))[{{ group }}], '')
{%- endmacro %}
