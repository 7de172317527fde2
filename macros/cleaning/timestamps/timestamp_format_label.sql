{#- The name of the format a timestamp value was read with, for the build log, the
    source_timestamp_formats mart and the quarantine: a timestamp_formats entry as written, a
    timestamp_forms label, for D/M/YYYY values the order they were read in (day_month_labels), or null
    for a value in no known form. Arguments as for parse_timestamp_text. -#}
{% macro timestamp_format_label(text, form_column, day_first, source_name) %}
    {%- set forms = dbt_segments.timestamp_forms() -%}
    {%- set labels = dbt_segments.day_month_labels() -%}
    {%- set dmy = forms.day_month_year.pattern -%}
    {%- set first = dbt_segments.try_cast(dbt_segments.regex_group(text, dmy, 1), dbt.type_int()) -%}
    {%- set second = dbt_segments.try_cast(dbt_segments.regex_group(text, dmy, 2), dbt.type_int()) -%}
    {%- set day_order = dbt_segments.day_month_order_of_value(text, day_first) -%}
    case {{ form_column }}
        {%- for format in dbt_segments.timestamp_formats_for(source_name) %}
        when 'format_{{ loop.index }}' then '{{ format.label }}'
        {%- endfor %}
        {%- for code, form in forms.items() if code != 'day_month_year' %}
        when '{{ code }}' then '{{ form.label }}'
        {%- endfor %}
        when 'day_month_year' then
            case
                when {{ day_order }} then '{{ labels.day_first }}'
                when not {{ day_order }} then '{{ labels.month_first }}'
                when {{ first }} <= 12 and {{ second }} <= 12 then '{{ labels.ambiguous }}'
                else '{{ labels.neither }}'
            end
    end
{%- endmacro %}
