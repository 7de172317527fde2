with validated as (

    select * from {{ ref('int_transactions_validated') }}

),

final as (

    select
        order_id,
        line_number,
        customer_id,
        ordered_at,
        product_category,
        is_unmapped_category,
        quantity,
        -- exact decimals: sums of doubles depend on the order a parallel engine adds them in, and
        -- features must not change between two builds of the same data
        cast(unit_price as {{ dbt.type_numeric() }}) as unit_price,
        cast(discount_amount as {{ dbt.type_numeric() }}) as discount_amount,
        channel,
        status,
        status = 'returned' as is_return,
        status = 'cancelled' as is_cancelled,
        -- money the customer actually paid (negative for a return); a cancelled line paid nothing
        case
            when status = 'cancelled' then 0
            else cast(quantity * unit_price - sign(quantity) * discount_amount as {{ dbt.type_numeric() }})
        end as net_amount
    from validated
    where rejection_reason is null

)

select * from final
