{#- Whether a number lies within a setting's bounds (minimum, maximum: inclusive; above, below: exclusive). -#}
{% macro setting_in_bounds(setting, value) %}
    {{ return((setting.get('minimum') is none or value >= setting.minimum)
              and (setting.get('maximum') is none or value <= setting.maximum)
              and (setting.get('above') is none or value > setting.above)
              and (setting.get('below') is none or value < setting.below)) }}
{% endmacro %}
