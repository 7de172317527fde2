{#- The labels a day_month_year value gets once its source's order is known (or not). -#}
{% macro day_month_labels() %}
    {{ return({'day_first': 'D/M/YYYY (day first)', 'month_first': 'M/D/YYYY (month first)',
               'ambiguous': 'D/M/YYYY or M/D/YYYY (ambiguous)', 'neither': 'D/M/YYYY or M/D/YYYY'}) }}
{% endmacro %}
