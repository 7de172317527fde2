{#- Checks the settings of the history, transition and export models before any model is built (an
    on-run-start hook, like validate_settings), with one message naming the var and the fix. -#}
{% macro validate_history_settings() %}
    {%- if not execute -%}{{ return('select 1') }}{%- endif -%}
    {#- each setting of the settings schema's group 'history' (type, bounds: settings_schema) -#}
    {%- do dbt_segments.check_setting_group('history') -%}
    {%- for name in ['history_observed_at', 'transitions_from_at', 'transitions_to_at', 'export_last_synced_at'] -%}
        {%- do dbt_segments.timestamp_var(name) -%}
    {%- endfor -%}
    {%- set from_at = dbt_segments.timestamp_var('transitions_from_at') -%}
    {%- set to_at = dbt_segments.timestamp_var('transitions_to_at') -%}
    {%- if from_at is not none and to_at is not none and from_at >= to_at -%}
        {{ exceptions.raise_compiler_error(
            "transitions_from_at (" ~ from_at ~ ") is not before transitions_to_at (" ~ to_at
            ~ "): set the earlier time in transitions_from_at, or set both to null for the last two scoring runs.") }}
    {%- endif -%}
    {#- the salt is checked where it is used; this only makes a bad one fail before anything runs -#}
    {%- do dbt_segments.email_sha256('email', env_var('SEGMENT_EXPORT_EMAIL_SALT', '')) -%}
    {{ return('select 1') }}
{% endmacro %}
