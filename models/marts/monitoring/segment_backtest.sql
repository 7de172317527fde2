{#- Do the segments differ on what the business cares about? Customers are segmented with their data
    up to the back-test's as-of date (features by the same macros as customer_features, scored by
    assign_segment with the model in force), then their outcomes in the following
    `backtest_outcome_days` are measured (int_backtest_outcomes). One row per segment:
      - churn_rate: share of customers without a completed order in the window, with its 95 % Wilson
        score interval (sound near 0 and 1, where the normal interval leaves [0, 1]);
      - mean revenue and mean orders per customer, each with a 95 % normal-approximation interval
        mean +- 1.96 * s / sqrt(n) (s the sample standard deviation; null below 2 customers).
      - how well lifetime value ranked the customers (int_backtest_customer_lifetime_value: the CLV models
        fitted on the data up to the back-test's as-of date): the Spearman correlation of CLV with the
        revenue spent in the window (average ranks for ties) and the top-decile lift, the revenue per
        customer of the tenth with the highest CLV over that of all; within the segment and, in the
        all_customers_ columns, over every customer. Null when the CLV fit was skipped.
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

backtest_clv as (

    select * from {{ ref('int_backtest_customer_lifetime_value') }}

),

segmented as (

    select
        backtest_segments.customer_id,
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

{#- the same ranking figures within each segment and over all customers (one group) -#}
{%- for scope, group_key in [('segment', 'segmented.segment_id'), ('all_customers', '0')] %}

clv_ranked_{{ scope }} as (

    -- doubled average ranks are whole numbers: 2 x rank + ties - 1; centred on the doubled mean rank n + 1
    -- they stay below n in size, so the correlation's sums are exact integers
    select
        {{ group_key }} as group_key,
        segmented.outcome_revenue,
        count(*) over (partition by {{ group_key }}) as group_customers,
        2 * rank() over (partition by {{ group_key }} order by backtest_clv.clv)
            + count(*) over (partition by {{ group_key }}, backtest_clv.clv) - 1 as clv_rank,
        2 * rank() over (partition by {{ group_key }} order by segmented.outcome_revenue)
            + count(*) over (partition by {{ group_key }}, segmented.outcome_revenue) - 1 as revenue_rank,
        row_number() over (partition by {{ group_key }} order by backtest_clv.clv desc, segmented.customer_id)
            as clv_position
    from segmented
    inner join backtest_clv
        on segmented.customer_id = backtest_clv.customer_id

),

clv_ranking_{{ scope }} as (

    select
        group_key,
        sum(cast((clv_rank - group_customers - 1) * (revenue_rank - group_customers - 1) as {{ dbt.type_bigint() }}))
            as rank_products,
        sum(cast((clv_rank - group_customers - 1) * (clv_rank - group_customers - 1) as {{ dbt.type_bigint() }}))
            as clv_rank_squares,
        sum(cast((revenue_rank - group_customers - 1) * (revenue_rank - group_customers - 1)
            as {{ dbt.type_bigint() }})) as revenue_rank_squares,
        -- the top decile: the ceil(n / 10) customers with the highest CLV (ties by customer id)
        sum(case when clv_position * 10 <= group_customers + 9 then outcome_revenue else 0 end) as top_decile_revenue,
        sum(case when clv_position * 10 <= group_customers + 9 then 1 else 0 end) as top_decile_customers,
        sum(outcome_revenue) as group_revenue,
        count(*) as ranked_customers
    from clv_ranked_{{ scope }}
    group by group_key

),

clv_agreement_{{ scope }} as (

    select
        group_key,
        case when clv_rank_squares > 0 and revenue_rank_squares > 0 then
            cast(rank_products as {{ dbt_segments.type_double() }})
            / sqrt(cast(clv_rank_squares as {{ dbt_segments.type_double() }}))
            / sqrt(cast(revenue_rank_squares as {{ dbt_segments.type_double() }}))
        end as clv_rank_correlation,
        {{ dbt_segments.safe_divide(
            'cast(top_decile_revenue as ' ~ dbt_segments.type_double() ~ ') * ranked_customers',
            'cast(group_revenue as ' ~ dbt_segments.type_double() ~ ') * top_decile_customers') }}
            as clv_top_decile_lift
    from clv_ranking_{{ scope }}

),
{%- endfor %}

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
            as {{ dbt_segments.type_double() }}) as revenue_per_customer_ci_upper,
        cast(clv_agreement_segment.clv_rank_correlation as {{ dbt_segments.type_double() }}) as clv_rank_correlation,
        cast(clv_agreement_segment.clv_top_decile_lift as {{ dbt_segments.type_double() }}) as clv_top_decile_lift,
        cast(clv_agreement_all_customers.clv_rank_correlation as {{ dbt_segments.type_double() }})
            as all_customers_clv_rank_correlation,
        cast(clv_agreement_all_customers.clv_top_decile_lift as {{ dbt_segments.type_double() }})
            as all_customers_clv_top_decile_lift
    from intervals
    cross join totals
    cross join backtest_window
    left join segment_dictionary
        on intervals.segment_id = segment_dictionary.segment_id
    left join clv_agreement_segment
        on intervals.segment_id = clv_agreement_segment.group_key
    left join clv_agreement_all_customers
        on 1 = 1

)

select * from final
