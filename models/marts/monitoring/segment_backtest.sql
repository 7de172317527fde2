{#- Do the segments differ on what the business cares about? Customers are segmented with their data
    up to the back-test's as-of date (features by the same macros as customer_features, scored by
    assign_segment with the model in force), then their outcomes in the following
    `backtest_outcome_days` are measured (int_backtest_outcomes). One row per segment:
      - churn_rate: share of customers without a completed order in the window, with its 95 % Wilson
        score interval (sound near 0 and 1, where the normal interval leaves [0, 1]);
      - mean revenue and mean orders per customer, each with a 95 % normal-approximation interval
        mean +- 1.96 * s / sqrt(n) (s the sample standard deviation; null below 2 customers).
    Sums are taken over exact numbers (decimals, integers) and turned into doubles only afterwards, so a
    parallel aggregate cannot change the last bit between two builds.
    The model in force was fitted on the later data, so this measures how well today's segments
    separate customers' futures, not how a model fitted back then would have done. -#}
{%- set z = dbt_segments.double_literal(1.959963984540054) %}
{%- set z_squared = dbt_segments.double_literal(1.959963984540054 * 1.959963984540054) %}

with backtest_segments as (

    select * from {{ ref('backtest_customer_segments') }}

),

outcomes as (

    select * from {{ ref('int_backtest_outcomes') }}

),

backtest_window as (

    select * from {{ ref('int_backtest_window') }}

),

segment_dictionary as (

    select * from {{ ref('segment_dictionary') }}

),

segmented as (

    select
        backtest_segments.segment_id,
        backtest_segments.model_version,
        outcomes.outcome_orders,
        outcomes.outcome_revenue,
        case when outcomes.churned then 1 else 0 end as churned
    from backtest_segments
    inner join outcomes
        on backtest_segments.customer_id = outcomes.customer_id

),

sums as (

    select
        segment_id,
        model_version,
        count(*) as customers,
        sum(churned) as churned_customers,
        sum(outcome_orders) as orders_sum,
        sum(outcome_orders * outcome_orders) as orders_sum_of_squares,
        sum(outcome_revenue) as revenue_sum,
        sum(outcome_revenue * outcome_revenue) as revenue_sum_of_squares
    from segmented
    group by segment_id, model_version

),

totals as (

    select
        sum(customers) as total_customers,
        sum(revenue_sum) as total_revenue
    from sums

),

moments as (

    select
        segment_id,
        model_version,
        customers,
        churned_customers,
        cast(churned_customers as {{ dbt_segments.type_double() }}) / customers as churn_rate,
        orders_sum,
        cast(orders_sum as {{ dbt_segments.type_double() }}) / customers as orders_mean,
        case when customers > 1 then
            (cast(orders_sum_of_squares as {{ dbt_segments.type_double() }})
             - cast(orders_sum as {{ dbt_segments.type_double() }})
             * cast(orders_sum as {{ dbt_segments.type_double() }}) / customers)
            / (customers - 1)
        end as orders_variance,
        revenue_sum,
        cast(revenue_sum as {{ dbt_segments.type_double() }}) / customers as revenue_mean,
        case when customers > 1 then
            (cast(revenue_sum_of_squares as {{ dbt_segments.type_double() }})
             - cast(revenue_sum as {{ dbt_segments.type_double() }})
             * cast(revenue_sum as {{ dbt_segments.type_double() }}) / customers)
            / (customers - 1)
        end as revenue_variance
    from sums

),

intervals as (

    select
        moments.*,
        -- Wilson score interval: centre and half-width
        (churn_rate + {{ z_squared }} / (2.0 * customers)) / (1 + {{ z_squared }} / customers) as churn_centre,
        {{ z }} / (1 + {{ z_squared }} / customers)
            * sqrt(churn_rate * (1 - churn_rate) / customers + {{ z_squared }} / (4.0 * customers * customers))
            as churn_half_width,
        -- a variance from sums can come out a hair below 0 when every value is equal: clamp it
        {{ z }} * sqrt(case when orders_variance > 0 then orders_variance else 0 end / customers) as orders_half_width,
        {{ z }} * sqrt(case when revenue_variance > 0 then revenue_variance else 0 end / customers)
            as revenue_half_width
    from moments

),

final as (

    select
        cast(intervals.segment_id as {{ dbt.type_int() }}) as segment_id,
        cast(segment_dictionary.segment_name as {{ dbt.type_string() }}) as segment_name,
        cast(intervals.model_version as {{ dbt.type_string() }}) as model_version,
        cast(backtest_window.as_of_date as date) as backtest_as_of_date,
        cast(backtest_window.outcome_window_end as date) as outcome_window_end,
        cast(backtest_window.outcome_days as {{ dbt.type_int() }}) as outcome_days,
        cast(intervals.customers as {{ dbt.type_bigint() }}) as customers,
        cast(cast(intervals.customers as {{ dbt_segments.type_double() }}) / totals.total_customers
            as {{ dbt_segments.type_double() }}) as customer_share,
        cast(intervals.churned_customers as {{ dbt.type_bigint() }}) as churned_customers,
        cast(intervals.churn_rate as {{ dbt_segments.type_double() }}) as churn_rate,
        -- the Wilson bound is exactly 0 when nobody churned (and 1 when everybody did); rounding can miss that
        cast(case
            when intervals.churned_customers = 0 then 0
            else intervals.churn_centre - intervals.churn_half_width
        end as {{ dbt_segments.type_double() }}) as churn_rate_ci_lower,
        cast(case
            when intervals.churned_customers = intervals.customers then 1
            else intervals.churn_centre + intervals.churn_half_width
        end as {{ dbt_segments.type_double() }}) as churn_rate_ci_upper,
        cast(intervals.orders_sum as {{ dbt.type_bigint() }}) as orders,
        cast(intervals.orders_mean as {{ dbt_segments.type_double() }}) as orders_per_customer,
        cast(case when intervals.customers > 1 then intervals.orders_mean - intervals.orders_half_width end
            as {{ dbt_segments.type_double() }}) as orders_per_customer_ci_lower,
        cast(case when intervals.customers > 1 then intervals.orders_mean + intervals.orders_half_width end
            as {{ dbt_segments.type_double() }}) as orders_per_customer_ci_upper,
        cast(intervals.revenue_sum as {{ dbt_segments.type_double() }}) as revenue,
        cast({{ dbt_segments.safe_divide('cast(intervals.revenue_sum as ' ~ dbt_segments.type_double() ~ ')',
                                         'totals.total_revenue') }}
            as {{ dbt_segments.type_double() }}) as revenue_share,
        cast(intervals.revenue_mean as {{ dbt_segments.type_double() }}) as revenue_per_customer,
        cast(case when intervals.customers > 1 then intervals.revenue_mean - intervals.revenue_half_width end
            as {{ dbt_segments.type_double() }}) as revenue_per_customer_ci_lower,
        cast(case when intervals.customers > 1 then intervals.revenue_mean + intervals.revenue_half_width end
            as {{ dbt_segments.type_double() }}) as revenue_per_customer_ci_upper
    from intervals
    cross join totals
    cross join backtest_window
    left join segment_dictionary
        on intervals.segment_id = segment_dictionary.segment_id

)

select * from final
