{#- Whether one source writes its D/M/YYYY timestamps day first, as one row with column day_first: true
    when some value can only be day first (a first number above 12) and none can only be month first,
    false the other way round, null when no value settles it or values settle it both ways. Never a
    guess: a source left null has its values that read both ways quarantined as
    ambiguous_day_month_order, and the build stops naming the timestamp_formats var. `relation` holds
    the raw values in `text_column`; values a timestamp_formats entry reads are not D/M/YYYY values. -#}
{% macro day_month_order(relation, text_column, source_name) %}
    {%- set text = 'lower(' ~ dbt_segments.clean_text(text_column) ~ ')' -%}
    {%- set dmy = dbt_segments.timestamp_forms().day_month_year.pattern -%}
    {%- set first = dbt_segments.try_cast(dbt_segments.regex_group('value', dmy, 1), dbt.type_int()) -%}
    {%- set second = dbt_segments.try_cast(dbt_segments.regex_group('value', dmy, 2), dbt.type_int()) -%}
    select
        case
            when max(only_day_first) = 1 and max(only_month_first) = 0 then true
            when max(only_month_first) = 1 and max(only_day_first) = 0 then false
        end as day_first
    from (
        select
            case when {{ first }} > 12 and {{ second }} <= 12 then 1 else 0 end as only_day_first,
            case when {{ second }} > 12 and {{ first }} <= 12 then 1 else 0 end as only_month_first
        from (
            select {{ text }} as value
            from {{ relation }}
            -- only values with a separator after their first one or two characters can be D/M/YYYY: the
            -- rest (most of a source) skip clean_text
            where substring(trim({{ text_column }}), 2, 1) in ('/', '.', '-')
                or substring(trim({{ text_column }}), 3, 1) in ('/', '.', '-')
        ) as raw_values
        where {{ dbt_segments.regex_matches('value', dmy) }}
        {%- for format in dbt_segments.timestamp_formats_for(source_name) %}
            and not coalesce({{ dbt_segments.regex_matches('value', format.pattern) }}
                             and {{ dbt_segments.timestamp_from_format('value', format) }} is not null, false)
        {%- endfor %}
    ) as day_month_numbers
{%- endmacro %}
