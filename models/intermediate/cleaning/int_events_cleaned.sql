with validated as (

    select * from {{ ref('int_events_validated') }}

),

final as (

    select
        event_id,
        customer_id,
        occurred_at,
        event_type,
        -- exact decimals, so summed engagement time is the same on every build
        cast(duration_seconds as {{ dbt.type_numeric() }}) as duration_seconds
    from validated
    where rejection_reason is null

)

select * from final
