{#- The time this build records changes at (history rows open and close, export rows change): the
    history_observed_at var, or when the dbt run started. One clock for every history model of a build. -#}
{% macro history_observed_at() %}
    {%- set observed = dbt_segments.timestamp_var('history_observed_at') -%}
    {{ return(observed if observed is not none else run_started_at.strftime('%Y-%m-%d %H:%M:%S')) }}
{% endmacro %}
