{#- Checks the drift and back-test settings (dbt vars) before any model is built -- it runs as an
    on-run-start hook beside validate_settings -- and stops the run with one message naming the var and
    the fix. The thresholds, epsilon and window are written into SQL, so they must be plain numbers and
    the date a real date (settings_schema); then the checks between them. Returns a no-op statement. -#}
{% macro validate_monitoring_settings() %}
    {%- if not execute -%}{{ return('select 1') }}{%- endif -%}
    {#- each setting of the settings schema's group 'monitoring' (type, bounds: settings_schema) -#}
    {%- do dbt_segments.check_setting_group('monitoring') -%}
    {%- if var('drift_psi_warn') > var('drift_psi_error') -%}
        {{ exceptions.raise_compiler_error(
            "drift_psi_warn (" ~ var('drift_psi_warn') ~ ") is above drift_psi_error (" ~ var('drift_psi_error')
            ~ "): the warning threshold must not exceed the error threshold; "
            ~ "lower drift_psi_warn or raise drift_psi_error.") }}
    {%- endif -%}
    {%- if var('drift_psi_epsilon') >= 0.01 -%}
        {{ exceptions.raise_compiler_error(
            "drift_psi_epsilon is " ~ var('drift_psi_epsilon') ~ ": it stands in for an empty bin's share "
            ~ "and must be far below a bin's share; set it below 0.01, e.g. 0.0001.") }}
    {%- endif -%}
    {{ return('select 1') }}
{% endmacro %}
