{#- Checks the drift and back-test settings (dbt vars) before any model is built -- it runs as an
    on-run-start hook beside validate_settings -- and stops the run with one message naming the var and
    the fix. The thresholds, epsilon and window are written into SQL, so they must be plain numbers and
    the date a real date. Returns a no-op statement. -#}
{% macro validate_monitoring_settings() %}
    {%- if not execute -%}{{ return('select 1') }}{%- endif -%}
    {%- for name in ['drift_psi_warn', 'drift_psi_error', 'drift_psi_epsilon'] -%}
        {%- set value = var(name) -%}
        {%- if value is string or value is boolean or value is not number or value <= 0 -%}
            {{ exceptions.raise_compiler_error(name ~ " is " ~ dbt_segments.shown(value) ~ ": set it to a number above 0 (defaults: drift_psi_warn 0.1, drift_psi_error 0.25, drift_psi_epsilon 0.0001).") }}
        {%- endif -%}
    {%- endfor -%}
    {%- if var('drift_psi_warn') > var('drift_psi_error') -%}
        {{ exceptions.raise_compiler_error("drift_psi_warn (" ~ var('drift_psi_warn') ~ ") is above drift_psi_error (" ~ var('drift_psi_error') ~ "): the warning threshold must not exceed the error threshold; lower drift_psi_warn or raise drift_psi_error.") }}
    {%- endif -%}
    {%- if var('drift_psi_epsilon') >= 0.01 -%}
        {{ exceptions.raise_compiler_error("drift_psi_epsilon is " ~ var('drift_psi_epsilon') ~ ": it stands in for an empty bin's share and must be far below a bin's share; set it below 0.01, e.g. 0.0001.") }}
    {%- endif -%}
    {%- set bins = dbt_segments.whole_number(var('drift_bins')) -%}
    {%- if bins is none or bins < 2 or bins > 100 -%}
        {{ exceptions.raise_compiler_error("drift_bins is " ~ dbt_segments.shown(var('drift_bins')) ~ ": set it to a whole number of quantile bins from 2 to 100, e.g. 10 (deciles).") }}
    {%- endif -%}
    {%- set days = dbt_segments.whole_number(var('backtest_outcome_days')) -%}
    {%- if days is none or days < 1 -%}
        {{ exceptions.raise_compiler_error("backtest_outcome_days is " ~ dbt_segments.shown(var('backtest_outcome_days')) ~ ": set it to a whole number of days >= 1, e.g. 90.") }}
    {%- endif -%}
    {%- if var('backtest_as_of_date') is not none and dbt_segments.date_var('backtest_as_of_date') is none -%}
        {{ exceptions.raise_compiler_error("backtest_as_of_date is " ~ dbt_segments.shown(var('backtest_as_of_date')) ~ ": set it to a date written YYYY-MM-DD, or to null for the as-of date minus backtest_outcome_days.") }}
    {%- endif -%}
    {{ return('select 1') }}
{% endmacro %}
