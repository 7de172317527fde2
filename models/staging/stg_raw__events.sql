{{ dbt_segments.require_source_columns(source('raw', 'events')) }}

with source as (

    select * from {{ source('raw', 'events') }}

),

renamed as (

    select
        cast({{ dbt_segments.raw_column('events', 'event_id') }} as {{ dbt.type_string() }}) as event_id,
        cast({{ dbt_segments.raw_column('events', 'customer_id') }} as {{ dbt.type_string() }}) as customer_id,
        cast({{ dbt_segments.raw_column('events', 'occurred_at') }} as {{ dbt.type_string() }}) as occurred_at_text,
        cast({{ dbt_segments.raw_column('events', 'event_type') }} as {{ dbt.type_string() }}) as event_type,
        {{ dbt_segments.try_cast(dbt_segments.raw_column('events', 'duration_seconds'), dbt_segments.type_double()) }} as duration_seconds,
        cast({{ dbt_segments.raw_column('events', 'duration_seconds') }} as {{ dbt.type_string() }}) as duration_seconds_text

    from source

)

select * from renamed
