{#- Reads a timestamp written in the form `form_column` names (timestamp_form) and returns it in UTC, or
    null when the value is not a real time in that form (31/31/2024, 2024-02-30, 25:00), so the cleaning
    models quarantine it with reason `unparseable_timestamp`. `text` is the value after clean_text and
    lower(); `day_first` is the source's day_month_order (true, false, or null when undecided): a
    D/M/YYYY value is read day first or month first as its source writes them, one that can only be read
    one way is read that way, and one that reads both ways in an undecided source stays null (reason
    `ambiguous_day_month_order`, which stops the build naming the timestamp_formats var). -#}
{% macro parse_timestamp_text(text, form_column, day_first, source_name) %}
    {{ return(adapter.dispatch('parse_timestamp_text', 'dbt_segments')(text, form_column, day_first, source_name)) }}
{% endmacro %}

{% macro default__parse_timestamp_text(text, form_column, day_first, source_name) %}
    {%- set forms = dbt_segments.timestamp_forms() -%}
    {%- set epoch = "cast('1970-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ")" -%}
    {%- set has_time = "(substring(" ~ text ~ ", 11, 1) in ('t', ' ') and substring(" ~ text ~ ", 14, 1) = ':')" -%}
    {%- set has_seconds = "(" ~ has_time ~ " and substring(" ~ text ~ ", 17, 1) = ':')" -%}
    {%- set iso_pattern = forms.iso_8601.pattern -%}
    {%- set dmy = forms.day_month_year.pattern -%}
    {%- set ymd = forms.year_month_day.pattern -%}
    {%- set day_order = dbt_segments.day_month_order_of_value(text, day_first) -%}
    case {{ form_column }}
        {%- for format in dbt_segments.timestamp_formats_for(source_name) %}
        when 'format_{{ loop.index }}' then {{ dbt_segments.timestamp_from_format(text, format) }}
        {%- endfor %}
        -- the common ISO shapes are cast as they are (after a space replaces the t); the rest by parts
        when 'iso_8601' then case
            when length({{ text }}) = 19 and {{ has_seconds }} then {{ dbt_segments.try_cast(
                dbt.concat(['substring(' ~ text ~ ', 1, 10)', "' '", 'substring(' ~ text ~ ', 12, 8)']),
                dbt.type_timestamp()) }}
            when length({{ text }}) = 16 and {{ has_time }} then {{ dbt_segments.try_cast(
                dbt.concat(['substring(' ~ text ~ ', 1, 10)', "' '", 'substring(' ~ text ~ ', 12, 5)', "':00'"]),
                dbt.type_timestamp()) }}
            when length({{ text }}) = 10 then {{ dbt_segments.try_cast(
                dbt.concat([text, "' 00:00:00'"]), dbt.type_timestamp()) }}
            else {{ dbt_segments.timestamp_from_parts(
            'substring(' ~ text ~ ', 1, 4)', 'substring(' ~ text ~ ', 6, 2)', 'substring(' ~ text ~ ', 9, 2)',
            "case when " ~ has_time ~ " then substring(" ~ text ~ ", 12, 2) else '0' end",
            "case when " ~ has_time ~ " then substring(" ~ text ~ ", 15, 2) else '0' end",
            "case when " ~ has_seconds ~ " then substring(" ~ text ~ ", 18, 2) else '0' end",
            fraction=dbt_segments.regex_group(text, iso_pattern, 7),
            zone=dbt_segments.regex_group(text, iso_pattern, 8)) }}
        end
        when 'yyyymmdd' then {{ dbt_segments.timestamp_from_parts(
            'substring(' ~ text ~ ', 1, 4)', 'substring(' ~ text ~ ', 5, 2)', 'substring(' ~ text ~ ', 7, 2)') }}
        when 'yyyymmddhhmmss' then {{ dbt_segments.timestamp_from_parts(
            'substring(' ~ text ~ ', 1, 4)', 'substring(' ~ text ~ ', 5, 2)', 'substring(' ~ text ~ ', 7, 2)',
            'substring(' ~ text ~ ', 9, 2)', 'substring(' ~ text ~ ', 11, 2)', 'substring(' ~ text ~ ', 13, 2)') }}
        when 'epoch_seconds' then {{ dbt.dateadd('second', 'cast(' ~ text ~ ' as ' ~ dbt.type_bigint() ~ ')', epoch) }}
        when 'epoch_milliseconds' then {{ dbt.dateadd(
            'second',
            'cast(floor(cast(' ~ text ~ ' as ' ~ dbt.type_bigint() ~ ') / 1000) as ' ~ dbt.type_bigint() ~ ')',
            epoch) }}
        when 'day_month_year' then
            case
                when {{ day_order }} then {{ dbt_segments.timestamp_from_parts(
                    dbt_segments.regex_group(text, dmy, 3), dbt_segments.regex_group(text, dmy, 2),
                    dbt_segments.regex_group(text, dmy, 1),
                    dbt_segments.hour_of_day(dbt_segments.regex_group(text, dmy, 4),
                                             dbt_segments.regex_group(text, dmy, 7)),
                    dbt_segments.regex_group(text, dmy, 5), dbt_segments.regex_group(text, dmy, 6)) }}
                when not {{ day_order }} then {{ dbt_segments.timestamp_from_parts(
                    dbt_segments.regex_group(text, dmy, 3), dbt_segments.regex_group(text, dmy, 1),
                    dbt_segments.regex_group(text, dmy, 2),
                    dbt_segments.hour_of_day(dbt_segments.regex_group(text, dmy, 4),
                                             dbt_segments.regex_group(text, dmy, 7)),
                    dbt_segments.regex_group(text, dmy, 5), dbt_segments.regex_group(text, dmy, 6)) }}
            end
        when 'year_month_day' then {{ dbt_segments.timestamp_from_parts(
            dbt_segments.regex_group(text, ymd, 1), dbt_segments.regex_group(text, ymd, 2),
            dbt_segments.regex_group(text, ymd, 3), dbt_segments.regex_group(text, ymd, 4),
            dbt_segments.regex_group(text, ymd, 5), dbt_segments.regex_group(text, ymd, 6)) }}
    end
{%- endmacro %}

{#- The hour of the day from an hour text and an am/pm text ('' when the value has none). -#}
{% macro hour_of_day(hour, am_pm) %}
    {{ return("case when " ~ am_pm ~ " = '' then " ~ hour
        ~ " else cast(mod(" ~ dbt_segments.try_cast(hour, dbt.type_int()) ~ ", 12) + case when " ~ am_pm
        ~ " = 'pm' then 12 else 0 end as " ~ dbt.type_string() ~ ") end") }}
{% endmacro %}
