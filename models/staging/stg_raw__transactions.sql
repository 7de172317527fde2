{{ dbt_segments.require_source_columns(source('raw', 'transactions')) }}

with source as (

    select * from {{ source('raw', 'transactions') }}

),

renamed as (

    select
        cast({{ dbt_segments.raw_column('transactions', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
        cast({{ dbt_segments.raw_column('transactions', 'line_number') }} as {{ dbt.type_int() }}) as line_number,
        cast({{ dbt_segments.raw_column('transactions', 'customer_id') }} as {{ dbt.type_string() }}) as customer_id,
        cast({{ dbt_segments.raw_column('transactions', 'ordered_at') }} as {{ dbt.type_string() }}) as ordered_at_text,
        cast({{ dbt_segments.raw_column('transactions', 'product_category') }} as {{ dbt.type_string() }}) as product_category_raw,
        {{ dbt_segments.try_cast(dbt_segments.raw_column('transactions', 'quantity'), dbt.type_int()) }} as quantity,
        {{ dbt_segments.try_cast(dbt_segments.raw_column('transactions', 'unit_price'), dbt_segments.type_double()) }} as unit_price,
        {{ dbt_segments.try_cast(dbt_segments.raw_column('transactions', 'discount_amount'), dbt_segments.type_double()) }} as discount_amount,
        cast({{ dbt_segments.raw_column('transactions', 'channel') }} as {{ dbt.type_string() }}) as channel,
        cast({{ dbt_segments.raw_column('transactions', 'status') }} as {{ dbt.type_string() }}) as status,
        -- the numbers as they arrived, so a value that is not a number (text feeds) or does not fit is
        -- quarantined as unparseable_number instead of failing the build or passing as null
        cast({{ dbt_segments.raw_column('transactions', 'quantity') }} as {{ dbt.type_string() }}) as quantity_text,
        cast({{ dbt_segments.raw_column('transactions', 'unit_price') }} as {{ dbt.type_string() }}) as unit_price_text,
        cast({{ dbt_segments.raw_column('transactions', 'discount_amount') }} as {{ dbt.type_string() }}) as discount_amount_text

    from source

)

select * from renamed
