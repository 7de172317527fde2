{{ dbt_segments.require_source_columns(source('raw', 'events')) }}

with source as (

    select * from {{ source('raw', 'events') }}

),

renamed as (

    select
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(occurred_at as {{ dbt.type_string() }}) as occurred_at_text,
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        {{ dbt_segments.try_cast('duration_seconds', dbt_segments.type_double()) }} as duration_seconds,
        cast(duration_seconds as {{ dbt.type_string() }}) as duration_seconds_text

    from source

)

select * from renamed
