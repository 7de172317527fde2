{#- Purchase behaviour per customer up to the as-of date, from clean order lines.
    An order counts when it has a completed line; returns reduce net revenue and count as returned
    units; cancelled lines count only as cancellations.
    As a macro so the back-test computes the same thing at an earlier as-of date: the model passes
    its refs, int_backtest_customer_purchases passes the back-test's. -#}
{% macro customer_purchases_query(transactions=none, feature_window=none) %}
    {%- do dbt_segments.require_relations('customer_purchases_query', [
        ('transactions', transactions, "ref('int_transactions_cleaned')"),
        ('feature_window', feature_window, "ref('int_feature_window')")]) -%}
    {{ return(adapter.dispatch('customer_purchases_query', 'dbt_segments')(transactions, feature_window)) }}
{% endmacro %}

{% macro default__customer_purchases_query(transactions, feature_window) %}
with transactions as (

    select * from {{ transactions }}

),

feature_window as (

    select * from {{ feature_window }}

),

in_window as (

    select transactions.*
    from transactions
    cross join feature_window
    where cast(transactions.ordered_at as date) <= feature_window.as_of_date

),

channel_orders as (

    select
        customer_id,
        channel,
        count(distinct order_id) as order_count
    from in_window
    where status = 'completed'
    group by customer_id, channel

),

favourite_channel as (

    -- the channel with most orders; a tie goes to the alphabetically first channel
    select
        customer_id,
        channel,
        row_number() over (partition by customer_id order by order_count desc, channel) as channel_rank
    from channel_orders

),

aggregated as (

    select
        customer_id,
        count(distinct case when status = 'completed' then order_id end) as order_count,
        count(distinct case when status = 'cancelled' then order_id end) as cancelled_order_count,
        sum(case when status = 'completed' then quantity * unit_price else 0 end) as gross_amount,
        sum(case when status = 'completed' then discount_amount else 0 end) as discount_amount,
        sum(net_amount) as net_revenue,
        sum(case when status = 'completed' then quantity else 0 end) as units_purchased,
        sum(case when status = 'returned' then -quantity else 0 end) as units_returned,
        count(distinct case when status = 'completed' then product_category end) as category_count,
        min(case when status = 'completed' then cast(ordered_at as date) end) as first_order_date,
        max(case when status = 'completed' then cast(ordered_at as date) end) as last_order_date,
        min(cast(ordered_at as date)) as first_transaction_date
    from in_window
    group by customer_id

),

final as (

    select
        aggregated.*,
        favourite_channel.channel as favourite_channel
    from aggregated
    left join favourite_channel
        on aggregated.customer_id = favourite_channel.customer_id
        and favourite_channel.channel_rank = 1

)

select * from final
{%- endmacro %}
