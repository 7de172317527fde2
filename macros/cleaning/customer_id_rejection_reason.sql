{#- Why a row's customer id cannot be trusted, or null when it can: missing (null, empty, blank, or a
    placeholder an export writes for "no value": null, none, nan, n/a, na, unknown, -) or unknown to
    the cleaned customers. `known_customer_id` is the id joined from the cleaned customers (null when
    the join found nothing). Ids are compared after clean_text (control characters removed, trimmed). -#}
{% macro customer_id_rejection_reason(customer_id, known_customer_id) %}
    case
        when {{ dbt_segments.is_missing_id(customer_id) }} then 'missing_customer_id'
        when {{ known_customer_id }} is null then 'unknown_customer_id'
    end
{%- endmacro %}
