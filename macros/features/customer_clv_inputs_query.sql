{#- What the lifetime-value models read, per customer with a completed order up to the as-of date, in
    days as BG/NBD and Gamma-Gamma define them: a purchase is a day with a completed order line (two
    orders on one day are one purchase), and its value is what the customer paid on those lines.
    As a macro so the back-test computes the same inputs at its earlier as-of date. -#}
{% macro customer_clv_inputs_query(transactions=none, feature_window=none) %}
    {%- do dbt_segments.require_relations('customer_clv_inputs_query', [
        ('transactions', transactions, "ref('int_transactions_cleaned')"),
        ('feature_window', feature_window, "ref('int_feature_window')")]) -%}
    {{ return(adapter.dispatch('customer_clv_inputs_query', 'dbt_segments')(transactions, feature_window)) }}
{% endmacro %}

{% macro default__customer_clv_inputs_query(transactions, feature_window) %}
with transactions as (

    select * from {{ transactions }}

),

feature_window as (

    select * from {{ feature_window }}

),

purchase_days as (

    select
        transactions.customer_id,
        cast(transactions.ordered_at as date) as purchase_date,
        sum(transactions.net_amount) as purchase_value
    from transactions
    cross join feature_window
    where transactions.status = 'completed'
        and cast(transactions.ordered_at as date) <= feature_window.as_of_date
    group by transactions.customer_id, cast(transactions.ordered_at as date)

),

numbered as (

    select
        customer_id,
        purchase_date,
        purchase_value,
        row_number() over (partition by customer_id order by purchase_date) as purchase_number
    from purchase_days

),

aggregated as (

    select
        customer_id,
        count(*) - 1 as repeat_purchase_days,
        min(purchase_date) as first_purchase_date,
        max(purchase_date) as last_purchase_date,
        sum(case when purchase_number > 1 then purchase_value end) as repeat_purchase_value
    from numbered
    group by customer_id

),

final as (

    select
        aggregated.customer_id,
        aggregated.repeat_purchase_days,
        {{ dbt.datediff('aggregated.first_purchase_date', 'aggregated.last_purchase_date', 'day') }}
            as purchase_span_days,
        {{ dbt.datediff('aggregated.first_purchase_date', 'feature_window.as_of_date', 'day') }} as tenure_days,
        -- the Gamma-Gamma model's monetary value: the mean of the repeat purchases only (0 without any)
        cast(case
            when aggregated.repeat_purchase_days > 0
                then aggregated.repeat_purchase_value / aggregated.repeat_purchase_days
            else 0
        end as {{ dbt_segments.type_double() }}) as repeat_purchase_value
    from aggregated
    cross join feature_window

)

select * from final
{%- endmacro %}
