{#- Checks every setting of one group of the settings schema (settings, history or monitoring: the
    on-run-start validator that checks it) with setting_value, which stops the run at the first bad one. -#}
{% macro check_setting_group(group) %}
    {%- for name, setting in dbt_segments.settings_schema().items() if setting.group == group -%}
        {%- do dbt_segments.setting_value(name) -%}
    {%- endfor -%}
{% endmacro %}
