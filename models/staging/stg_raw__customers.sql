{{ dbt_segments.require_source_columns(source('raw', 'customers')) }}

with source as (

    select * from {{ source('raw', 'customers') }}

),

renamed as (

    select
        cast({{ dbt_segments.raw_column('customers', 'customer_id') }} as {{ dbt.type_string() }}) as customer_id,
        cast({{ dbt_segments.raw_column('customers', 'email') }} as {{ dbt.type_string() }}) as email,
        cast({{ dbt_segments.raw_column('customers', 'full_name') }} as {{ dbt.type_string() }}) as full_name,
        cast({{ dbt_segments.raw_column('customers', 'signup_date') }} as {{ dbt.type_string() }}) as signup_date_text,
        cast({{ dbt_segments.raw_column('customers', 'country') }} as {{ dbt.type_string() }}) as country,
        cast({{ dbt_segments.raw_column('customers', 'city') }} as {{ dbt.type_string() }}) as city,
        cast({{ dbt_segments.raw_column('customers', 'birth_year') }} as {{ dbt.type_int() }}) as birth_year,
        cast({{ dbt_segments.raw_column('customers', 'acquisition_channel') }} as {{ dbt.type_string() }}) as acquisition_channel,
        cast({{ dbt_segments.raw_column('customers', 'plan') }} as {{ dbt.type_string() }}) as plan

    from source

)

select * from renamed
