{#- Web/app engagement and support contact per customer up to the as-of date. -#}
{#- The logic is the customer_engagement_query macro (macros/features/); int_backtest_customer_engagement runs it at the
    back-test's earlier as-of date: one definition, two dates. -#}
{{ dbt_segments.customer_engagement_query(
    events=ref('int_events_cleaned'),
    tickets=ref('int_support_tickets_cleaned'),
    feature_window=ref('int_feature_window')) }}
