{#- True when a value that arrives as text is absent: null, blank after clean_text, or a placeholder
    exports write for "no value" (NA, N/A, null, none, unknown, -). NaN is not among them: in a number
    it is non-finite (is_non_finite), as in the order-line cleaning. -#}
{% macro is_missing_value(text) %}
    ({{ text }} is null
        or {{ dbt_segments.clean_text(text) }} = ''
        or lower({{ dbt_segments.clean_text(text) }}) in ('na', 'n/a', 'null', 'none', 'unknown', '-'))
{%- endmacro %}
