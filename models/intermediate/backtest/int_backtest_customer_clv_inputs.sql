{#- int_customer_clv_inputs at the back-test's as-of date: the same macro, the back-test's window. -#}
{{ dbt_segments.customer_clv_inputs_query(
    transactions=ref('int_transactions_cleaned'),
    feature_window=ref('int_backtest_window')) }}
