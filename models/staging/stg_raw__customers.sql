{{ dbt_segments.require_source_columns(source('raw', 'customers')) }}

with source as (

    select * from {{ source('raw', 'customers') }}

),

renamed as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(email as {{ dbt.type_string() }}) as email,
        cast(full_name as {{ dbt.type_string() }}) as full_name,
        cast(signup_date as {{ dbt.type_string() }}) as signup_date_text,
        cast(country as {{ dbt.type_string() }}) as country,
        cast(city as {{ dbt.type_string() }}) as city,
        cast(birth_year as {{ dbt.type_int() }}) as birth_year,
        cast(acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
        cast(plan as {{ dbt.type_string() }}) as plan

    from source

)

select * from renamed
