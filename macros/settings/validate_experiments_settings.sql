{#- Checks the holdout experiment settings before any model is built (an on-run-start hook, like
    validate_settings): the schema's group 'experiments' (experiments, experiment_salt,
    experiment_min_holdout_customers), then every experiment's fields (the macro experiments), with one
    message naming the var and the fix. Returns a no-op statement. -#}
{% macro validate_experiments_settings() %}
    {%- if not execute -%}{{ return('select 1') }}{%- endif -%}
    {%- do dbt_segments.check_setting_group('experiments') -%}
    {%- do dbt_segments.experiments() -%}
    {{ return('select 1') }}
{% endmacro %}
