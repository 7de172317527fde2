{#- Reads a timestamp that arrives as text in one of the formats raw feeds use, and returns it in UTC:
      YYYY-MM-DD HH:MI:SS and YYYY-MM-DDTHH:MI:SS (no zone: read as UTC, the feeds' convention),
      YYYY-MM-DDTHH:MI:SSZ and YYYY-MM-DD HH:MI:SS UTC (UTC),
      YYYY-MM-DDTHH:MI:SS+HH:MM / -HH:MM (ISO 8601 offset; converted to UTC),
      DD/MM/YYYY HH:MI (day first, UTC) and unix epoch seconds (digits only).
    The text is cleaned first (control characters, surrounding spaces). Anything else, including
    impossible dates such as 31/31/2024 and named zones such as CET, becomes null so the cleaning models
    can quarantine the row with reason `unparseable_timestamp`. -#}
{% macro parse_timestamp_text(text_column) %}
    {{ return(adapter.dispatch('parse_timestamp_text', 'dbt_segments')(text_column)) }}
{% endmacro %}

{% macro default__parse_timestamp_text(text_column) %}
    {%- set value = dbt_segments.clean_text(text_column) -%}
    {%- set date_and_time = dbt.concat(['substring(' ~ value ~ ', 1, 10)', "' '", 'substring(' ~ value ~ ', 12, 8)']) -%}
    {%- set offset_minutes = '(case when substring(' ~ value ~ ', 20, 1) = ' ~ "'+'" ~ ' then -1 else 1 end) * ('
        ~ dbt_segments.try_cast('substring(' ~ value ~ ', 21, 2)', dbt.type_int()) ~ ' * 60 + '
        ~ dbt_segments.try_cast('substring(' ~ value ~ ', 24, 2)', dbt.type_int()) ~ ')' -%}
    case
        when {{ value }} = '' then null
        when translate({{ value }}, '0123456789', '') = '' and length({{ value }}) between 1 and 11
            then {{ dbt.dateadd('second', 'cast(' ~ value ~ ' as ' ~ dbt.type_bigint() ~ ')', "cast('1970-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ")") }}
        when length({{ value }}) = 16 and substring({{ value }}, 3, 1) = '/' and substring({{ value }}, 6, 1) = '/'
            then {{ dbt_segments.try_cast(
                dbt.concat(['substring(' ~ value ~ ', 7, 4)', "'-'", 'substring(' ~ value ~ ', 4, 2)', "'-'",
                            'substring(' ~ value ~ ', 1, 2)', "' '", 'substring(' ~ value ~ ', 12, 5)', "':00'"]),
                dbt.type_timestamp()) }}
        when length({{ value }}) = 20 and substring({{ value }}, 11, 1) = 'T' and substring({{ value }}, 20, 1) = 'Z'
            then {{ dbt_segments.try_cast(date_and_time, dbt.type_timestamp()) }}
        when length({{ value }}) = 23 and substring({{ value }}, 11, 1) in ('T', ' ') and substring({{ value }}, 20, 4) = ' UTC'
            then {{ dbt_segments.try_cast(date_and_time, dbt.type_timestamp()) }}
        when length({{ value }}) = 25 and substring({{ value }}, 11, 1) in ('T', ' ')
                and substring({{ value }}, 20, 1) in ('+', '-') and substring({{ value }}, 23, 1) = ':'
            then {{ dbt.dateadd('minute', offset_minutes, dbt_segments.try_cast(date_and_time, dbt.type_timestamp())) }}
        when length({{ value }}) = 19 and substring({{ value }}, 11, 1) in ('T', ' ')
            then {{ dbt_segments.try_cast(date_and_time, dbt.type_timestamp()) }}
    end
{%- endmacro %}
