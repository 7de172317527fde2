{{ dbt_segments.require_source_columns(source('raw', 'support_tickets')) }}

with source as (

    select * from {{ source('raw', 'support_tickets') }}

),

renamed as (

    select
        cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(created_at as {{ dbt.type_string() }}) as created_at_text,
        cast(ticket_type as {{ dbt.type_string() }}) as ticket_type

    from source

)

select * from renamed
