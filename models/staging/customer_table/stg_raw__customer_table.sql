{#- The raw customer table (customer_table var), one row per customer as it arrived: every column kept
    as text under its written name (customer_table_column_name: lower case, other characters as _), the
    id column as customer_id. Numbers stay text until int_customer_table_validated parses them. The
    table is found like every raw source (raw_table_relation: files on DuckDB, raw_schema elsewhere). -#}
{%- set relation = adapter.dispatch('raw_table_relation', 'dbt_segments')(
    'customer_table', source('raw', 'customer_table')) if execute else source('raw', 'customer_table') -%}
{%- set columns = dbt_segments.customer_table_source_columns(relation) %}

with source as (

    select * from {{ relation }}

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
