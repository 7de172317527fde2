{#- What each customer of the back-test's as-of date did in the outcome window
    (as_of_date, outcome_window_end], counted as the features count it: completed orders (distinct order
    ids with a completed line) and net revenue (what they paid, net of discounts, minus returns; it can
    be negative when returns of earlier orders outweigh new ones). churned = no completed order in the
    window. -#}
with customers as (

    select customer_id from {{ ref('int_backtest_customer_features') }}

),

transactions as (

    select * from {{ ref('int_transactions_cleaned') }}

),

backtest_window as (

    select * from {{ ref('int_backtest_window') }}

),

in_outcome_window as (

    select transactions.*
    from transactions
    cross join backtest_window
    where cast(transactions.ordered_at as date) > backtest_window.as_of_date
        and cast(transactions.ordered_at as date) <= backtest_window.outcome_window_end

),

outcomes as (

    select
        customer_id,
        count(distinct case when status = 'completed' then order_id end) as orders,
        sum(net_amount) as revenue
    from in_outcome_window
    group by customer_id

),

final as (

    select
        customers.customer_id,
        coalesce(outcomes.orders, 0) as outcome_orders,
        cast(coalesce(outcomes.revenue, 0) as {{ dbt.type_numeric() }}) as outcome_revenue,
        coalesce(outcomes.orders, 0) = 0 as churned
    from customers
    left join outcomes
        on customers.customer_id = outcomes.customer_id

)

select * from final
