{#- customer_features at the back-test's as-of date: the same macro over the back-test's purchases,
    engagement and RFM, so every feature (caps and quantiles included) is what customer_features would
    have held on that date. -#}
{{ dbt_segments.customer_features_query(
    customers=ref('int_customers_cleaned'),
    purchases=ref('int_backtest_customer_purchases'),
    engagement=ref('int_backtest_customer_engagement'),
    rfm=ref('int_backtest_customer_rfm'),
    feature_window=ref('int_backtest_window')) }}
