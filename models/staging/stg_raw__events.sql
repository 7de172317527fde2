with source as (

    select * from {{ source('raw', 'events') }}

),

renamed as (

    select
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(occurred_at as {{ dbt.type_string() }}) as occurred_at_text,
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        cast(duration_seconds as {{ dbt_segments.type_double() }}) as duration_seconds

    from source

)

select * from renamed
