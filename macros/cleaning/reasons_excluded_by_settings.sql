{#- Rejection reasons that are a setting's choice, not a defect of the data (non_product_code_patterns):
    they are reconciled like every other, but do not count toward max_quarantined_share. -#}
{% macro reasons_excluded_by_settings() %}
    {{ return(['non_product_line']) }}
{% endmacro %}
