{#- What customer_rfm needs of a customer's purchases, as the customer table states them: the columns
    customer_table_columns maps to frequency (order_count), monetary (net_revenue) and recency_days
    (the last order was that many days before the as-of date). Without that mapping it is empty, so
    customer_rfm is empty and rfm_label null. -#}
{%- set settings = dbt_segments.customer_table_settings() %}

with customers as (

    select * from {{ ref('int_customer_table_cleaned') }}

),

feature_window as (

    select * from {{ ref('int_feature_window') }}

),

final as (

    select
        customers.customer_id,
        {%- if settings.has_rfm %}
        customers.{{ settings.columns.frequency }} as order_count,
        customers.{{ settings.columns.monetary }} as net_revenue,
        {{ dbt.dateadd(
            'day', '-1 * cast(round(customers.' ~ settings.columns.recency_days ~ ') as ' ~ dbt.type_int() ~ ')',
            'feature_window.as_of_date') }} as last_order_date
        {%- else %}
        cast(null as {{ dbt_segments.type_double() }}) as order_count,
        cast(null as {{ dbt_segments.type_double() }}) as net_revenue,
        cast(null as date) as last_order_date
        {%- endif %}
    from customers
    cross join feature_window
    {%- if not settings.has_rfm %}
    where 1 = 0
    {%- endif %}

)

select * from final
