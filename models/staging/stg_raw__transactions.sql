{#- Columns the data lacks are null here (raw_column); the cleaning model gives them their defaults. -#}
{%- set raw = dbt_segments.raw_table('transactions', source('raw', 'transactions')) -%}

with source as (

    select * from {{ raw.relation }}

),

renamed as (

    select
        cast({{ dbt_segments.raw_column(raw, 'order_id') }} as {{ dbt.type_string() }}) as order_id,
        cast({{ dbt_segments.raw_column(raw, 'line_number') }} as {{ dbt.type_int() }}) as line_number,
        {{ dbt_segments.id_text(dbt_segments.raw_column(raw, 'customer_id')) }} as customer_id,
        cast({{ dbt_segments.raw_column(raw, 'ordered_at') }} as {{ dbt.type_string() }}) as ordered_at_text,
        cast({{ dbt_segments.raw_column(raw, 'product_category') }} as {{ dbt.type_string() }}) as product_category_raw,
        cast({{ dbt_segments.raw_column(raw, 'product_code') }} as {{ dbt.type_string() }}) as product_code,
        {{ dbt_segments.try_cast(dbt_segments.raw_column(raw, 'quantity'), dbt.type_int()) }} as quantity,
        {{ dbt_segments.try_cast(dbt_segments.raw_column(raw, 'unit_price'), dbt_segments.type_double()) }}
            as unit_price,
        {{ dbt_segments.try_cast(dbt_segments.raw_column(raw, 'line_amount'), dbt_segments.type_double()) }}
            as line_amount,
        {{ dbt_segments.try_cast(dbt_segments.raw_column(raw, 'discount_amount'), dbt_segments.type_double()) }}
            as discount_amount,
        cast({{ dbt_segments.raw_column(raw, 'channel') }} as {{ dbt.type_string() }}) as channel,
        cast({{ dbt_segments.raw_column(raw, 'status') }} as {{ dbt.type_string() }}) as status,
        -- the numbers as they arrived, so a value that is not a number (text feeds) or does not fit is
        -- quarantined as unparseable_number instead of failing the build or passing as null
        cast({{ dbt_segments.raw_column(raw, 'quantity') }} as {{ dbt.type_string() }}) as quantity_text,
        cast({{ dbt_segments.raw_column(raw, 'unit_price') }} as {{ dbt.type_string() }}) as unit_price_text,
        cast({{ dbt_segments.raw_column(raw, 'line_amount') }} as {{ dbt.type_string() }}) as line_amount_text,
        cast({{ dbt_segments.raw_column(raw, 'discount_amount') }} as {{ dbt.type_string() }}) as discount_amount_text,
        {{ dbt_segments.raw_other_columns(raw) }} as other_columns

    from source

)

select * from renamed
