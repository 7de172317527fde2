{#- Every staged support ticket with the reason it is rejected (null when it is kept).
    Rules, first match wins:
      exact_duplicate, missing_customer_id / unknown_customer_id,
      unparseable_timestamp / timestamp_before_earliest_valid_date / timestamp_in_future,
      unknown_ticket_type (not question, complaint, billing or technical),
      duplicate_ticket_id (a second, different ticket with the same id; the earliest is kept). -#}
{%- set raw_columns = ['ticket_id', 'customer_id', 'created_at_text', 'ticket_type'] -%}

with tickets as (

    select * from {{ ref('stg_raw__support_tickets') }}

),

customers as (

    select customer_id from {{ ref('int_customers_cleaned') }}

),

parsed as (

    select
        tickets.*,
        customers.customer_id as known_customer_id,
        {{ dbt_segments.parse_timestamp_text('tickets.created_at_text') }} as created_at,
        lower({{ dbt_segments.clean_text('tickets.ticket_type') }}) as clean_ticket_type,
        {{ dbt_segments.exact_copy_number(raw_columns, 'tickets') }} as copy_number
    from tickets
    left join customers
        on {{ dbt_segments.clean_text('tickets.customer_id') }} = customers.customer_id

),

flagged as (

    select
        *,
        coalesce(
            case when copy_number > 1 then 'exact_duplicate' end,
            {{ dbt_segments.customer_id_rejection_reason('customer_id', 'known_customer_id') }},
            {{ dbt_segments.timestamp_rejection_reason('created_at') }},
            case
                when clean_ticket_type is null
                    or clean_ticket_type not in ('question', 'complaint', 'billing', 'technical')
                    then 'unknown_ticket_type'
            end
        ) as row_rejection_reason
    from parsed

),

ranked as (

    select
        *,
        row_number() over (
            partition by ticket_id, row_rejection_reason is null
            order by created_at, {{ raw_columns | join(', ') }}
        ) as key_rank
    from flagged

),

decided as (

    select
        *,
        coalesce(
            row_rejection_reason,
            case when key_rank > 1 then 'duplicate_ticket_id' end
        ) as rejection_reason
    from ranked

),

final as (

    select
        ticket_id,
        {{ dbt_segments.clean_text('customer_id') }} as customer_id,
        created_at,
        clean_ticket_type as ticket_type,
        rejection_reason,
        -- only a rejected row needs its raw text, and building it for every row costs as much as the checks
        case when rejection_reason is not null then {{ dbt_segments.record_as_text(raw_columns) }} end as raw_record

    from decided

)

select * from final
