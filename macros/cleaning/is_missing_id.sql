{#- True when an id is absent: null, blank after clean_text, or a placeholder for "no value". -#}
{% macro is_missing_id(id_column) %}
    ({{ id_column }} is null
        or {{ dbt_segments.clean_text(id_column) }} = ''
        or lower({{ dbt_segments.clean_text(id_column) }}) in ('null', 'none', 'nan', 'n/a', 'na', 'unknown', '-'))
{%- endmacro %}
