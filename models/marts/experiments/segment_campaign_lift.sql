{#- What a campaign did: one row per experiment, segment (at assignment, customer_experiment_groups) and
    outcome, comparing the treatment with the holdout over the experiment's window.

    - outcomes per customer from the cleaned order lines (int_transactions_cleaned) ordered in
      [start_date, end_date]: revenue (sum of net_amount: paid, returns negative, cancelled lines 0),
      orders (distinct orders with a completed line, as the back-test counts them) and conversion (1 with at
      least one such order, else 0); a customer without orders counts 0. Sums and sums of squares are taken
      over exact decimals and turned into doubles only afterwards, so a parallel aggregate cannot change
      the last bit between two builds;
    - the means of treatment and holdout, absolute lift (treatment - holdout) and relative lift (absolute
      / holdout mean, null when that is 0), and a 95% interval for the difference of means by the Welch
      normal approximation: lift +- 1.96 x sqrt(s_t^2 / n_t + s_h^2 / n_h), sample variances; for the
      conversion rate the same with one converted and one unconverted customer added to each group
      (Agresti-Caffo: p~ = (x + 1) / (n + 2), centred on p~_t - p~_h, variance p~(1 - p~) / (n + 2)), which
      stays a real interval when a group converts 0 % or 100 %;
    - lift_status: window_open while the window has not ended by the as-of date (int_feature_window; every
      outcome figure null, counts shown), too_few_customers when the holdout or the treatment has fewer than
      experiment_min_holdout_customers (means and lift shown, interval null), else measured. -#}
{%- set min_customers = var('experiment_min_holdout_customers') | int %}
{%- set z = dbt_segments.double_literal(1.959963984540054) %}

with groups as (

    select * from {{ ref('customer_experiment_groups') }}

),

transactions as (

    select * from {{ ref('int_transactions_cleaned') }}

),

feature_window as (

    select * from {{ ref('int_feature_window') }}

),

experiments as (

    select distinct experiment_name, start_date, end_date
    from groups

),

window_lines as (

    select
        experiments.experiment_name,
        transactions.customer_id,
        transactions.order_id,
        transactions.status,
        transactions.net_amount
    from transactions
    inner join experiments
        on cast(transactions.ordered_at as date) >= experiments.start_date
        and cast(transactions.ordered_at as date) <= experiments.end_date

),

customer_window_outcomes as (

    select
        experiment_name,
        customer_id,
        sum(net_amount) as revenue,
        count(distinct case when status = 'completed' then order_id end) as orders
    from window_lines
    group by experiment_name, customer_id

),

customer_outcomes as (

    select
        groups.experiment_name,
        groups.segment_id,
        groups.experiment_group,
        cast(coalesce(customer_window_outcomes.revenue, 0) as {{ dbt.type_numeric() }}) as revenue,
        cast(coalesce(customer_window_outcomes.orders, 0) as {{ dbt.type_numeric() }}) as orders,
        cast(case when customer_window_outcomes.orders > 0 then 1 else 0 end as {{ dbt.type_numeric() }})
            as conversion
    from groups
    left join customer_window_outcomes
        on groups.experiment_name = customer_window_outcomes.experiment_name
        and groups.customer_id = customer_window_outcomes.customer_id

),

unpivoted as (

    {% for outcome, label in [('revenue', 'revenue_per_customer'), ('conversion', 'conversion_rate'),
                              ('orders', 'orders_per_customer')] %}
    select experiment_name, segment_id, experiment_group, '{{ label }}' as outcome, {{ outcome }} as outcome_value
    from customer_outcomes
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

group_stats as (

    select
        experiment_name,
        segment_id,
        outcome,
        sum(case when experiment_group = 'treatment' then 1 else 0 end) as treatment_customers,
        sum(case when experiment_group = 'holdout' then 1 else 0 end) as holdout_customers,
        {%- for group in ['treatment', 'holdout'] %}
        sum(case when experiment_group = '{{ group }}' then outcome_value else 0 end) as {{ group }}_sum,
        sum(case when experiment_group = '{{ group }}' then outcome_value * outcome_value else 0 end)
            as {{ group }}_sum_of_squares{{ "," if not loop.last }}
        {%- endfor %}
    from unpivoted
    group by experiment_name, segment_id, outcome

),

moments as (

    select
        experiment_name,
        segment_id,
        outcome,
        treatment_customers,
        holdout_customers,
        {%- for group in ['treatment', 'holdout'] %}
        {%- set total = 'cast(' ~ group ~ '_sum as ' ~ dbt_segments.type_double() ~ ')' %}
        {{ dbt_segments.safe_divide(total, group ~ '_customers') }} as {{ group }}_mean,
        -- a variance from sums can come out a hair below 0 when every value is equal: clamp it
        case when {{ group }}_customers > 1 then
            greatest(0, (cast({{ group }}_sum_of_squares as {{ dbt_segments.type_double() }})
                         - {{ total }} * {{ total }} / {{ group }}_customers) / ({{ group }}_customers - 1))
        end as {{ group }}_variance{{ "," if not loop.last }}
        {%- endfor %}
    from group_stats

),

measured as (

    select
        moments.*,
        experiments.start_date,
        experiments.end_date,
        case
            when experiments.end_date > feature_window.as_of_date then 'window_open'
            when moments.treatment_customers < {{ min_customers }}
                or moments.holdout_customers < {{ min_customers }} then 'too_few_customers'
            else 'measured'
        end as lift_status,
        moments.treatment_mean - moments.holdout_mean as absolute_lift
    from moments
    inner join experiments
        on moments.experiment_name = experiments.experiment_name
    cross join feature_window

),

{#- a share's interval adds one converted and one unconverted customer to each group (Agresti-Caffo):
    a group that converts 0 % or 100 % has no sample variance, and the plain interval would shrink to a
    point beside 0 #}
interval_inputs as (

    select
        measured.*,
        case
            when outcome = 'conversion_rate'
                then (treatment_mean * treatment_customers + 1) / (treatment_customers + 2)
                    - (holdout_mean * holdout_customers + 1) / (holdout_customers + 2)
            else absolute_lift
        end as interval_centre,
        case
            when outcome = 'conversion_rate'
                then {{ dbt_segments.safe_divide(
                    '((treatment_mean * treatment_customers + 1) / (treatment_customers + 2))
                     * (1 - (treatment_mean * treatment_customers + 1) / (treatment_customers + 2))',
                    'treatment_customers + 2') }}
            else {{ dbt_segments.safe_divide('treatment_variance', 'treatment_customers') }}
        end as treatment_squared_error,
        case
            when outcome = 'conversion_rate'
                then {{ dbt_segments.safe_divide(
                    '((holdout_mean * holdout_customers + 1) / (holdout_customers + 2))
                     * (1 - (holdout_mean * holdout_customers + 1) / (holdout_customers + 2))',
                    'holdout_customers + 2') }}
            else {{ dbt_segments.safe_divide('holdout_variance', 'holdout_customers') }}
        end as holdout_squared_error
    from measured

),

with_interval as (

    select
        interval_inputs.*,
        interval_centre - {{ z }} * sqrt(treatment_squared_error + holdout_squared_error) as interval_lower,
        interval_centre + {{ z }} * sqrt(treatment_squared_error + holdout_squared_error) as interval_upper
    from interval_inputs

),

final as (

    select
        cast(experiment_name as {{ dbt.type_string() }}) as experiment_name,
        cast(segment_id as {{ dbt.type_int() }}) as segment_id,
        cast(outcome as {{ dbt.type_string() }}) as outcome,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        cast(lift_status as {{ dbt.type_string() }}) as lift_status,
        cast(treatment_customers + holdout_customers as {{ dbt.type_int() }}) as customers,
        cast(treatment_customers as {{ dbt.type_int() }}) as treatment_customers,
        cast(holdout_customers as {{ dbt.type_int() }}) as holdout_customers,
        cast(case when lift_status != 'window_open' then treatment_mean end as {{ dbt_segments.type_double() }})
            as treatment_mean,
        cast(case when lift_status != 'window_open' then holdout_mean end as {{ dbt_segments.type_double() }})
            as holdout_mean,
        cast(case when lift_status != 'window_open' then absolute_lift end as {{ dbt_segments.type_double() }})
            as absolute_lift,
        cast(case
            when lift_status != 'window_open' then {{ dbt_segments.safe_divide('absolute_lift', 'holdout_mean') }}
        end as {{ dbt_segments.type_double() }}) as relative_lift,
        cast(case when lift_status = 'measured' then interval_lower end as {{ dbt_segments.type_double() }})
            as lift_ci_lower,
        cast(case when lift_status = 'measured' then interval_upper end as {{ dbt_segments.type_double() }})
            as lift_ci_upper
    from with_interval

)

select * from final
