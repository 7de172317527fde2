{#- Reads a timestamp that arrives as text in one of the formats raw feeds use, all in UTC:
      YYYY-MM-DD HH:MI:SS, YYYY-MM-DDTHH:MI:SSZ (ISO 8601), DD/MM/YYYY HH:MI (day first),
      and unix epoch seconds (digits only).
    Anything else, including impossible dates such as 31/31/2024, becomes null so the cleaning
    models can quarantine the row with reason `unparseable_timestamp`. -#}
{% macro parse_timestamp_text(text_column) %}
    {{ return(adapter.dispatch('parse_timestamp_text', 'dbt_segments')(text_column)) }}
{% endmacro %}

{% macro default__parse_timestamp_text(text_column) %}
    {%- set value = 'trim(' ~ text_column ~ ')' -%}
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
            then {{ dbt_segments.try_cast(
                dbt.concat(['substring(' ~ value ~ ', 1, 10)', "' '", 'substring(' ~ value ~ ', 12, 8)']),
                dbt.type_timestamp()) }}
        when length({{ value }}) = 19 and substring({{ value }}, 11, 1) = ' '
            then {{ dbt_segments.try_cast(value, dbt.type_timestamp()) }}
    end
{%- endmacro %}
