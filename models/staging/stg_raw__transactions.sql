{{ dbt_segments.require_source_columns(source('raw', 'transactions')) }}

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
        {{ dbt_segments.try_cast('quantity', dbt.type_int()) }} as quantity,
        {{ dbt_segments.try_cast('unit_price', dbt_segments.type_double()) }} as unit_price,
        {{ dbt_segments.try_cast('discount_amount', dbt_segments.type_double()) }} as discount_amount,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(status as {{ dbt.type_string() }}) as status,
        -- the numbers as they arrived, so a value that is not a number (text feeds) or does not fit is
        -- quarantined as unparseable_number instead of failing the build or passing as null
        cast(quantity as {{ dbt.type_string() }}) as quantity_text,
        cast(unit_price as {{ dbt.type_string() }}) as unit_price_text,
        cast(discount_amount as {{ dbt.type_string() }}) as discount_amount_text

    from source

)

select * from renamed
