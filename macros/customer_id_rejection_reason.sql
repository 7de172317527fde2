{#- Why a row's customer id cannot be trusted, or null when it can: missing (null, empty or blank)
    or unknown to the cleaned customers. `known_customer_id` is the id joined from the cleaned
    customers (null when the join found nothing). -#}
{% macro customer_id_rejection_reason(customer_id, known_customer_id) %}
    case
        when {{ customer_id }} is null or trim({{ customer_id }}) = '' then 'missing_customer_id'
        when {{ known_customer_id }} is null then 'unknown_customer_id'
    end
{%- endmacro %}
