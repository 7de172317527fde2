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
    {%- set codes = dbt_segments.clean_text_code_points() -%}
    trim(translate(translate({{ text }},
        {{ dbt_segments.characters(codes.to_space) }},
        '{{ " " * (codes.to_space | length) }}'),
        {{ dbt_segments.characters(codes.deleted) }}, ''))
{%- endmacro %}

{#- DuckDB's translate() costs about 0.5 us a row (5.4 s for two calls over 11M event ids, measured);
    its RE2 regular expressions do the same work about 10x faster. Most values hold no control
    character, so they are only trimmed. -#}
{% macro duckdb__clean_text(text) %}
    {%- set codes = dbt_segments.clean_text_code_points() -%}
    {%- set to_space = dbt_segments.regex_class(codes.to_space) -%}
    {%- set deleted = dbt_segments.regex_class(codes.deleted) -%}
    case
        when regexp_matches({{ text }}, '{{ dbt_segments.regex_class(codes.to_space + codes.deleted) }}')
            then trim(regexp_replace(regexp_replace({{ text }}, '{{ to_space }}', ' ', 'g'), '{{ deleted }}', '', 'g'))
        else trim({{ text }})
    end
{%- endmacro %}

{#- The code points clean_text turns into a space, and the ones it deletes (every other control character). -#}
{% macro clean_text_code_points() %}
    {%- set to_space = [9, 10, 11, 12, 13, 160] -%}
    {%- set deleted = [] -%}
    {%- for code in range(1, 32) if code not in to_space -%}{%- do deleted.append(code) -%}{%- endfor -%}
    {%- do deleted.append(127) -%}
    {{ return({'to_space': to_space, 'deleted': deleted}) }}
{%- endmacro %}

{#- An RE2 character class matching exactly these code points, e.g. [\x{9}\x{a}]. -#}
{% macro regex_class(code_points) %}
    {%- set parts = [] -%}
    {%- for code in code_points -%}{%- do parts.append('\\x{' ~ '%x' | format(code) ~ '}') -%}{%- endfor -%}
    {{ return('[' ~ parts | join('') ~ ']') }}
{%- endmacro %}

{#- A SQL text expression holding the characters with these code points, built with chr(). -#}
{% macro characters(code_points) %}
    {%- set parts = [] -%}
    {%- for code in code_points -%}{%- do parts.append('chr(' ~ code ~ ')') -%}{%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}
