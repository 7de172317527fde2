{#- int_customer_engagement at the back-test's as-of date: the same macro, the back-test's window. -#}
{{ dbt_segments.customer_engagement_query(
    events=ref('int_events_cleaned'),
    tickets=ref('int_support_tickets_cleaned'),
    feature_window=ref('int_backtest_window')) }}
