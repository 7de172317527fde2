{#- numerator / denominator, or null when the denominator is 0 or null (never a division error). -#}
{% macro safe_divide(numerator, denominator) %}
    {{ return(adapter.dispatch('safe_divide', 'dbt_segments')(numerator, denominator)) }}
{% endmacro %}

{% macro default__safe_divide(numerator, denominator) %}
    ({{ numerator }}) / nullif({{ denominator }}, 0)
{%- endmacro %}
