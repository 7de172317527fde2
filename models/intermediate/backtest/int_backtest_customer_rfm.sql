{#- customer_rfm at the back-test's as-of date: the same macro, the back-test's window. -#}
{{ dbt_segments.customer_rfm_query(
    purchases=ref('int_backtest_customer_purchases'),
    feature_window=ref('int_backtest_window'),
    rfm_segment_map=ref('rfm_segment_map')) }}
