{#- Continuous percentile of a column, as an aggregate (p between 0 and 1). -#}
{% macro percentile_cont(column, p) %}
    {%- if p is not number or p < 0 or p > 1 -%}
        {{ exceptions.raise_compiler_error(
            "percentile_cont: p must be a number between 0 and 1, got " ~ p ~ " (check the money_cap_quantile var).") }}
    {%- endif -%}
    {{ return(adapter.dispatch('percentile_cont', 'dbt_segments')(column, p)) }}
{% endmacro %}

{% macro default__percentile_cont(column, p) %}
    percentile_cont({{ p }}) within group (order by {{ column }})
{%- endmacro %}

{# Spark has no ordered-set aggregates; its percentile() interpolates the same way. #}
{% macro spark__percentile_cont(column, p) %}
    percentile({{ column }}, {{ p }})
{%- endmacro %}
