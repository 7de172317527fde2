{#- segment_model_in_force's post-hook: say in the dbt log which version scores this build and why
    (published by the gate, or pinned). Returns no SQL. -#}
{% macro log_model_in_force(in_force) %}
    {%- set version = dbt_segments.model_version_in_force(in_force, required=false) -%}
    {%- if version is not none -%}
        {%- set because = run_query("select in_force_because from " ~ in_force).columns[0].values()[0] -%}
        {%- do log("scoring model version: " ~ version ~ " (" ~ because ~ ")", info=true) -%}
    {%- endif -%}
{% endmacro %}
