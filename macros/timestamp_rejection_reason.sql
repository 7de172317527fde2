{#- Why a parsed timestamp cannot be trusted, or null when it can. Shared by every cleaning model so
    the four sources quarantine bad timestamps with the same reasons:
      unparseable_timestamp, timestamp_before_earliest_valid_date, timestamp_in_future. -#}
{% macro timestamp_rejection_reason(parsed_timestamp) %}
    case
        when {{ parsed_timestamp }} is null then 'unparseable_timestamp'
        when {{ parsed_timestamp }} < cast('{{ var("earliest_valid_date") }}' as {{ dbt.type_timestamp() }})
            then 'timestamp_before_earliest_valid_date'
        when {{ parsed_timestamp }} > {{ dbt.current_timestamp() }} then 'timestamp_in_future'
    end
{%- endmacro %}
