{#- The raw customer table (customer_table var), one row per customer as it arrived: every column kept
    as text under its written name (customer_table_column_name: lower case, other characters as _), the
    id column as customer_id. Numbers stay text until int_customer_table_validated parses them. -#}
{%- set columns = dbt_segments.customer_table_source_columns(source('raw', 'customer_table')) %}

with source as (

    select * from {{ source('raw', 'customer_table') }}

),

renamed as (

    select
        {%- for raw_name, name in columns %}
        cast({{ adapter.quote(raw_name) }} as {{ dbt.type_string() }}) as {{ name }}{{ "," if not loop.last }}
        {%- else %}
        *
        {%- endfor %}
    from source

)

select * from renamed
