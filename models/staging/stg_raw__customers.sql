{#- Columns the data lacks are null here (raw_column); no rows at all when raw_customers_table is null. -#}
{%- set raw = dbt_segments.raw_table('customers', source('raw', 'customers')) -%}

with source as (

    select * from {{ raw.relation }}

),

renamed as (

    select
        {{ dbt_segments.id_text(dbt_segments.raw_column(raw, 'customer_id')) }} as customer_id,
        cast({{ dbt_segments.raw_column(raw, 'email') }} as {{ dbt.type_string() }}) as email,
        cast({{ dbt_segments.raw_column(raw, 'full_name') }} as {{ dbt.type_string() }}) as full_name,
        cast({{ dbt_segments.raw_column(raw, 'signup_date') }} as {{ dbt.type_string() }}) as signup_date_text,
        cast({{ dbt_segments.raw_column(raw, 'country') }} as {{ dbt.type_string() }}) as country,
        cast({{ dbt_segments.raw_column(raw, 'city') }} as {{ dbt.type_string() }}) as city,
        {{ dbt_segments.try_cast(dbt_segments.raw_column(raw, 'birth_year'), dbt.type_int()) }} as birth_year,
        cast({{ dbt_segments.raw_column(raw, 'acquisition_channel') }} as {{ dbt.type_string() }})
            as acquisition_channel,
        cast({{ dbt_segments.raw_column(raw, 'plan') }} as {{ dbt.type_string() }}) as plan,
        {{ dbt_segments.raw_other_columns(raw) }} as other_columns

    from source

)

select * from renamed
