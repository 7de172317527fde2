{#- For one D/M/YYYY value: true to read it day first, false month first, null when it reads both ways
    in a source whose order is undecided (day_first null) or reads neither way. -#}
{% macro day_month_order_of_value(text, day_first) %}
    {%- set dmy = dbt_segments.timestamp_forms().day_month_year.pattern -%}
    {%- set first = dbt_segments.try_cast(dbt_segments.regex_group(text, dmy, 1), dbt.type_int()) -%}
    {%- set second = dbt_segments.try_cast(dbt_segments.regex_group(text, dmy, 2), dbt.type_int()) -%}
    {{ return("(case when " ~ day_first ~ " is not null then " ~ day_first
              ~ " when " ~ first ~ " > 12 and " ~ second ~ " <= 12 then true"
              ~ " when " ~ second ~ " > 12 and " ~ first ~ " <= 12 then false end)") }}
{% endmacro %}
