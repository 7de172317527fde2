{#- True when `text` matches the regular expression `pattern` anywhere (anchor it with ^...$ for a
    whole-value match). Patterns written by this package use only what RE2 (DuckDB), Java (Spark) and
    PostgreSQL's regular expressions read alike: [..] classes, {m,n}, ?, |, (...) and (?:...), and no
    backslash (Spark reads it as a string escape). -#}
{% macro regex_matches(text, pattern) %}
    {{ return(adapter.dispatch('regex_matches', 'dbt_segments')(text, pattern)) }}
{% endmacro %}

{% macro default__regex_matches(text, pattern) -%}
    regexp_like({{ text }}, '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__regex_matches(text, pattern) -%}
    regexp_matches({{ text }}, '{{ pattern }}')
{%- endmacro %}

{% macro postgres__regex_matches(text, pattern) -%}
    ({{ text }} ~ '{{ pattern }}')
{%- endmacro %}

{% macro spark__regex_matches(text, pattern) -%}
    ({{ text }} rlike '{{ pattern }}')
{%- endmacro %}
