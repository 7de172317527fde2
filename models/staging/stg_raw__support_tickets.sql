{#- No rows at all when raw_support_tickets_table is null. -#}
{%- set raw = dbt_segments.raw_table('support_tickets', source('raw', 'support_tickets')) -%}

with source as (

    select * from {{ raw.relation }}

),

renamed as (

    select
        cast({{ dbt_segments.raw_column(raw, 'ticket_id') }} as {{ dbt.type_string() }}) as ticket_id,
        {{ dbt_segments.id_text(dbt_segments.raw_column(raw, 'customer_id')) }} as customer_id,
        cast({{ dbt_segments.raw_column(raw, 'created_at') }} as {{ dbt.type_string() }}) as created_at_text,
        cast({{ dbt_segments.raw_column(raw, 'ticket_type') }} as {{ dbt.type_string() }}) as ticket_type,
        {{ dbt_segments.raw_other_columns(raw) }} as other_columns

    from source

)

select * from renamed
