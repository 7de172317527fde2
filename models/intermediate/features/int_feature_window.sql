{#- The one date every feature is measured at. The `as_of_date` var sets it; left null, it is the
    date of the latest clean order line, so a rebuild on the same data gives the same features.
    Every mart depends on it, so the checks that need the cleaned data run while it compiles: the
    quarantine share and day/month order of every source (check_quarantine_share) and the settings
    that need data (check_data_window). A customer table (customer_table var) has its own rule:
    customer_table_feature_window. -#}
{%- if var('customer_table', none) is not none -%}
{{ dbt_segments.customer_table_feature_window(ref('int_customer_table_cleaned'), ref('int_customer_table_validated')) }}
{%- else -%}
{{ dbt_segments.check_quarantine_share() }}
{{ dbt_segments.check_data_window(ref('int_transactions_cleaned'), ref('int_customers_cleaned')) }}

with transactions as (

    select * from {{ ref('int_transactions_cleaned') }}

),

-- an aggregate without group by: exactly one row, also when the as_of_date var is set
latest_order as (

    select cast(max(ordered_at) as date) as latest_order_date
    from transactions

),

final as (

    select
        {% if var('as_of_date') -%}
        cast('{{ var("as_of_date") }}' as date)
        {%- else -%}
        latest_order_date
        {%- endif %} as as_of_date
    from latest_order

)

select * from final
{%- endif %}
