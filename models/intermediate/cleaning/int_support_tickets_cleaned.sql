with validated as (

    select * from {{ ref('int_support_tickets_validated') }}

),

final as (

    select
        ticket_id,
        customer_id,
        created_at,
        ticket_type
    from validated
    where rejection_reason is null

)

select * from final
