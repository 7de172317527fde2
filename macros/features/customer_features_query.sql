{#- One row per customer known by the as-of date: RFM plus behavioural features, ready to cluster.
    Imputation (documented in models/marts/features/_features__models.yml):
      - a customer with no completed order has frequency, money and rate features 0, recency equal
        to their tenure (inactive since they arrived), and is_buyer = false;
      - a customer with no events or tickets has 0 for every engagement and support feature
        (has_engagement = false);
      - a missing or invalid signup date falls back to the first order or event.
    Money features are capped at the `money_cap_quantile` of buyers, then log1p-transformed;
    counts with long tails are log1p-transformed too (the *_log columns).
    As a macro so the back-test computes the same thing at an earlier as-of date: the model passes
    its refs, int_backtest_customer_features passes the back-test's. -#}
{% macro customer_features_query(customers=none, purchases=none, engagement=none, rfm=none, feature_window=none) %}
    {%- do dbt_segments.require_relations('customer_features_query', [
        ('customers', customers, "ref('int_customers_cleaned')"),
        ('purchases', purchases, "ref('int_customer_purchases')"),
        ('engagement', engagement, "ref('int_customer_engagement')"),
        ('rfm', rfm, "ref('customer_rfm')"),
        ('feature_window', feature_window, "ref('int_feature_window')")]) -%}
    {{ return(adapter.dispatch('customer_features_query', 'dbt_segments')(
        customers, purchases, engagement, rfm, feature_window)) }}
{% endmacro %}

{% macro default__customer_features_query(customers, purchases, engagement, rfm, feature_window) %}
with customers as (

    select * from {{ customers }}

),

purchases as (

    select * from {{ purchases }}

),

engagement as (

    select * from {{ engagement }}

),

rfm as (

    select * from {{ rfm }}

),

feature_window as (

    select * from {{ feature_window }}

),

joined as (

    select
        customers.customer_id,
        feature_window.as_of_date,
        coalesce(customers.signup_date, purchases.first_transaction_date, engagement.first_event_date) as start_date,
        rfm.customer_id is not null as is_buyer,
        engagement.customer_id is not null as has_engagement,
        rfm.recency_days,
        coalesce(rfm.frequency, 0) as frequency,
        coalesce(rfm.monetary, 0) as monetary,
        coalesce(rfm.rfm_label, 'No purchase') as rfm_label,
        coalesce(purchases.gross_amount, 0) as gross_amount,
        coalesce(purchases.discount_amount, 0) as discount_amount,
        coalesce(purchases.units_purchased, 0) as units_purchased,
        coalesce(purchases.units_returned, 0) as units_returned,
        coalesce(purchases.category_count, 0) as category_diversity,
        coalesce(purchases.cancelled_order_count, 0) as cancelled_order_count,
        purchases.favourite_channel,
        purchases.last_order_date,
        coalesce(engagement.session_count, 0) as session_count,
        coalesce(engagement.sessions_last_90_days, 0) as sessions_last_90_days,
        coalesce(engagement.page_view_count, 0) as page_view_count,
        coalesce(engagement.app_open_count, 0) as app_open_count,
        coalesce(engagement.engagement_seconds, 0) / 60.0 as engagement_minutes,
        engagement.last_event_date,
        coalesce(engagement.ticket_count, 0) as ticket_count,
        coalesce(engagement.complaint_count, 0) as complaint_count
    from customers
    cross join feature_window
    left join purchases
        on customers.customer_id = purchases.customer_id
    left join engagement
        on customers.customer_id = engagement.customer_id
    left join rfm
        on customers.customer_id = rfm.customer_id

),

known_by_as_of as (

    select
        *,
        {{ dbt.datediff('start_date', 'as_of_date', 'day') }} as tenure_days
    from joined
    -- customers who arrive after the as-of date are not customers yet at that date
    where start_date <= as_of_date

),

money_caps as (

    select
        {{ dbt_segments.percentile_cont('monetary', var('money_cap_quantile')) }} as monetary_cap,
        {{ dbt_segments.percentile_cont(
            '(gross_amount - discount_amount) / frequency', var('money_cap_quantile')) }} as avg_order_value_cap
    from known_by_as_of
    where is_buyer

),

derived as (

    select
        known_by_as_of.*,
        coalesce(recency_days, tenure_days) as recency_days_imputed,
        case when is_buyer then (gross_amount - discount_amount) / frequency else 0 end as avg_order_value,
        case when units_purchased > 0 then least(units_returned * 1.0 / units_purchased, 1.0) else 0 end as return_rate,
        case when gross_amount > 0 then discount_amount / gross_amount else 0 end as discount_share,
        session_count * 30.0 / (case when tenure_days > 30 then tenure_days else 30 end) as sessions_per_month,
        {{ dbt.datediff(
            'case when last_event_date > last_order_date or last_order_date is null'
            ~ ' then last_event_date else last_order_date end',
            'as_of_date', 'day') }} as days_since_last_activity_raw
    from known_by_as_of

),

final as (

    select
        derived.customer_id,
        derived.as_of_date,
        derived.is_buyer,
        derived.has_engagement,
        derived.rfm_label,
        derived.recency_days_imputed as recency_days,
        derived.frequency,
        derived.monetary,
        derived.avg_order_value,
        derived.return_rate,
        derived.discount_share,
        derived.category_diversity,
        derived.cancelled_order_count,
        derived.favourite_channel,
        derived.tenure_days,
        derived.session_count,
        derived.sessions_last_90_days,
        derived.sessions_per_month,
        derived.page_view_count,
        derived.app_open_count,
        derived.engagement_minutes,
        -- never active: inactive since they arrived
        coalesce(derived.days_since_last_activity_raw, derived.tenure_days) as days_since_last_activity,
        derived.ticket_count,
        derived.complaint_count,
        ln(1 + derived.recency_days_imputed) as recency_days_log,
        ln(1 + derived.frequency) as frequency_log,
        ln(1 + least(derived.monetary, money_caps.monetary_cap)) as monetary_log,
        ln(1 + least(derived.avg_order_value, money_caps.avg_order_value_cap)) as avg_order_value_log,
        ln(1 + derived.sessions_per_month) as sessions_per_month_log,
        ln(1 + derived.sessions_last_90_days) as sessions_last_90_days_log
    from derived
    cross join money_caps

)

select * from final
{%- endmacro %}
