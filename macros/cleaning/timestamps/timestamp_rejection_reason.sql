{#- Why a parsed timestamp cannot be trusted, or null when it can. Shared by every cleaning model so
    the four sources quarantine bad timestamps with the same reasons:
      ambiguous_day_month_order (a D/M/YYYY value that reads both ways in a source that does not settle
      which; the build then stops naming the timestamp_formats var), unparseable_timestamp,
      timestamp_before_earliest_valid_date, timestamp_in_future.
    `format_label` is the value's timestamp_format_label. -#}
{% macro timestamp_rejection_reason(parsed_timestamp, format_label) %}
    case
        when {{ format_label }} = '{{ dbt_segments.day_month_labels().ambiguous }}' then 'ambiguous_day_month_order'
        when {{ parsed_timestamp }} is null then 'unparseable_timestamp'
        when {{ parsed_timestamp }} < cast('{{ var("earliest_valid_date") }}' as {{ dbt.type_timestamp() }})
            then 'timestamp_before_earliest_valid_date'
        when {{ parsed_timestamp }} > {{ dbt.current_timestamp() }} then 'timestamp_in_future'
    end
{%- endmacro %}
