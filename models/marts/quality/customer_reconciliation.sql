{#- Every customer the raw data names, and whether they were segmented or why not. Customers seen:
    the customers kept from the customers table (or, without one, taken from the order lines) and every
    customer id named on an order line (a line without a customer id names nobody). Outcomes:
      segmented                  in customer_features (so in customer_segments)
      every_line_quarantined     not segmented because every order line naming them was quarantined
                                 (and nothing else dates them: no signup date, no clean event);
                                 line_rejection_reason is the reason most of their lines got
      starts_after_as_of_date    their signup, first clean order line or first event is after the as-of
                                 date: not a customer yet on that date
      no_dated_activity          a customer record with no signup date, no order line and no event -#}

with customers as (

    select customer_id, signup_date from {{ ref('int_customers_cleaned') }}

),

lines as (

    select customer_id, rejection_reason
    from {{ ref('int_transactions_validated') }}
    where not {{ dbt_segments.is_missing_id('customer_id') }}

),

events as (

    select customer_id, count(*) as kept_events
    from {{ ref('int_events_cleaned') }}
    group by customer_id

),

features as (

    select customer_id from {{ ref('customer_features') }}

),

customers_seen as (

    select customer_id from customers
    union
    select customer_id from lines

),

line_counts as (

    select
        customer_id,
        count(*) as line_count,
        sum(case when rejection_reason is null then 1 else 0 end) as kept_lines
    from lines
    group by customer_id

),

line_reasons as (

    -- the reason most of a customer's quarantined lines got (ties: the first alphabetically)
    select
        customer_id,
        rejection_reason,
        row_number() over (partition by customer_id order by count(*) desc, rejection_reason) as reason_rank
    from lines
    where rejection_reason is not null
    group by customer_id, rejection_reason

),

outcomes as (

    select
        customers_seen.customer_id,
        case
            when features.customer_id is not null then 'segmented'
            when customers.customer_id is null then 'every_line_quarantined'
            when coalesce(line_counts.kept_lines, 0) = 0 and coalesce(line_counts.line_count, 0) > 0
                and customers.signup_date is null and events.customer_id is null then 'every_line_quarantined'
            when customers.signup_date is not null or coalesce(line_counts.kept_lines, 0) > 0
                or events.customer_id is not null then 'starts_after_as_of_date'
            else 'no_dated_activity'
        end as customer_outcome,
        line_reasons.rejection_reason as top_line_rejection_reason
    from customers_seen
    left join customers
        on customers_seen.customer_id = customers.customer_id
    left join features
        on customers_seen.customer_id = features.customer_id
    left join line_counts
        on customers_seen.customer_id = line_counts.customer_id
    left join events
        on customers_seen.customer_id = events.customer_id
    left join line_reasons
        on customers_seen.customer_id = line_reasons.customer_id
        and line_reasons.reason_rank = 1

),

counted as (

    select
        customer_outcome,
        case
            when customer_outcome = 'every_line_quarantined' then top_line_rejection_reason
        end as line_rejection_reason,
        count(*) as customers
    from outcomes
    group by
        customer_outcome,
        case when customer_outcome = 'every_line_quarantined' then top_line_rejection_reason end

),

final as (

    select
        customer_outcome,
        line_rejection_reason,
        customers,
        cast(sum(customers) over () as {{ dbt.type_bigint() }}) as customers_seen,
        {{ dbt_segments.safe_divide('customers * 1.0', 'sum(customers) over ()') }} as share_of_customers
    from counted

)

select * from final
