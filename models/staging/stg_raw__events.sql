{#- No rows at all when raw_events_table is null. -#}
{%- set raw = dbt_segments.raw_table('events', source('raw', 'events')) -%}

with source as (

    select * from {{ raw.relation }}

),

renamed as (

    select
        cast({{ dbt_segments.raw_column(raw, 'event_id') }} as {{ dbt.type_string() }}) as event_id,
        {{ dbt_segments.id_text(dbt_segments.raw_column(raw, 'customer_id')) }} as customer_id,
        cast({{ dbt_segments.raw_column(raw, 'occurred_at') }} as {{ dbt.type_string() }}) as occurred_at_text,
        cast({{ dbt_segments.raw_column(raw, 'event_type') }} as {{ dbt.type_string() }}) as event_type,
        {{ dbt_segments.try_cast(dbt_segments.raw_column(raw, 'duration_seconds'), dbt_segments.type_double()) }}
            as duration_seconds,
        cast({{ dbt_segments.raw_column(raw, 'duration_seconds') }} as {{ dbt.type_string() }})
            as duration_seconds_text,
        {{ dbt_segments.raw_other_columns(raw) }} as other_columns

    from source

)

select * from renamed
