{#- Customers that passed cleaning, one row per customer id. Without a customers table
    (raw_customers_table: null) every customer id on the order lines is a customer, with no profile
    columns and no signup date: tenure then starts at their first clean order line. -#}
-- depends_on: {{ ref('stg_raw__transactions') }}

with validated as (

    select * from {{ ref('int_customers_validated') }}

),

{% if not dbt_segments.raw_source_enabled('customers') %}
order_line_customers as (

    select distinct
        {{ dbt_segments.clean_text('customer_id') }} as customer_id
    from {{ ref('stg_raw__transactions') }}
    where not {{ dbt_segments.is_missing_id('customer_id') }}

),
{% endif %}

final as (

    select
        customer_id,
        email,
        full_name,
        signup_date,
        country,
        city,
        birth_year,
        acquisition_channel,
        plan
    from validated
    where rejection_reason is null
    {% if not dbt_segments.raw_source_enabled('customers') %}
    union all
    select
        customer_id,
        cast(null as {{ dbt.type_string() }}) as email,
        cast(null as {{ dbt.type_string() }}) as full_name,
        cast(null as date) as signup_date,
        cast(null as {{ dbt.type_string() }}) as country,
        cast(null as {{ dbt.type_string() }}) as city,
        cast(null as {{ dbt.type_int() }}) as birth_year,
        cast(null as {{ dbt.type_string() }}) as acquisition_channel,
        cast(null as {{ dbt.type_string() }}) as plan
    from order_line_customers
    {% endif %}

)

select * from final
