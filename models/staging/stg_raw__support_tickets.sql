{{ dbt_segments.require_source_columns(source('raw', 'support_tickets')) }}

with source as (

    select * from {{ source('raw', 'support_tickets') }}

),

renamed as (

    select
        cast({{ dbt_segments.raw_column('support_tickets', 'ticket_id') }} as {{ dbt.type_string() }}) as ticket_id,
        cast({{ dbt_segments.raw_column('support_tickets', 'customer_id') }} as {{ dbt.type_string() }}) as customer_id,
        cast({{ dbt_segments.raw_column('support_tickets', 'created_at') }} as {{ dbt.type_string() }}) as created_at_text,
        cast({{ dbt_segments.raw_column('support_tickets', 'ticket_type') }} as {{ dbt.type_string() }}) as ticket_type

    from source

)

select * from renamed
