with source as (

    select * from {{ source('raw', 'transactions') }}

),

renamed as (

    select
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(line_number as {{ dbt.type_int() }}) as line_number,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(ordered_at as {{ dbt.type_string() }}) as ordered_at_text,
        cast(product_category as {{ dbt.type_string() }}) as product_category_raw,
        cast(quantity as {{ dbt.type_int() }}) as quantity,
        cast(unit_price as {{ dbt_segments.type_double() }}) as unit_price,
        cast(discount_amount as {{ dbt_segments.type_double() }}) as discount_amount,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(status as {{ dbt.type_string() }}) as status

    from source

)

select * from renamed
