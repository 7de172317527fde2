{#- Which form a timestamp value is written in, as a code parse_timestamp_text and timestamp_format_label
    read: 'format_<n>' for the n-th format of the timestamp_formats var that reads it (tried in order;
    a format reads a value when its date and time are real), else the first of timestamp_forms whose
    shape the value has, else null (unparseable). `text` is the value after clean_text and lower(). -#}
{% macro timestamp_form(text, source_name) %}
    {%- set forms = dbt_segments.timestamp_forms() -%}
    case
        when {{ text }} is null or {{ text }} = '' then null
        {%- for format in dbt_segments.timestamp_formats_for(source_name) %}
        when {{ dbt_segments.regex_matches(text, format.pattern) }}
            and {{ dbt_segments.timestamp_from_format(text, format) }} is not null then 'format_{{ loop.index }}'
        {%- endfor %}
        when {{ dbt_segments.regex_matches(text, forms.iso_8601.pattern) }} then 'iso_8601'
        -- eight digits are a date when they make one (20240131), else epoch seconds
        when {{ dbt_segments.regex_matches(text, forms.yyyymmdd.pattern) }}
            and {{ dbt_segments.timestamp_from_parts(
                'substring(' ~ text ~ ', 1, 4)', 'substring(' ~ text ~ ', 5, 2)', 'substring(' ~ text ~ ', 7, 2)') }}
                is not null
            then 'yyyymmdd'
        when {{ dbt_segments.regex_matches(text, forms.yyyymmddhhmmss.pattern) }}
            and {{ dbt_segments.timestamp_from_parts(
                'substring(' ~ text ~ ', 1, 4)', 'substring(' ~ text ~ ', 5, 2)', 'substring(' ~ text ~ ', 7, 2)',
                'substring(' ~ text ~ ', 9, 2)', 'substring(' ~ text ~ ', 11, 2)', 'substring(' ~ text ~ ', 13, 2)') }}
                is not null
            then 'yyyymmddhhmmss'
        when {{ dbt_segments.regex_matches(text, forms.epoch_seconds.pattern) }} then 'epoch_seconds'
        when {{ dbt_segments.regex_matches(text, forms.epoch_milliseconds.pattern) }} then 'epoch_milliseconds'
        when {{ dbt_segments.regex_matches(text, forms.day_month_year.pattern) }} then 'day_month_year'
        when {{ dbt_segments.regex_matches(text, forms.year_month_day.pattern) }} then 'year_month_day'
    end
{%- endmacro %}
