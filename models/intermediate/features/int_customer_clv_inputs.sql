{#- The lifetime-value models' inputs at the as-of date (the customer_clv_inputs_query macro;
    int_backtest_customer_clv_inputs runs it at the back-test's date). -#}
{{ dbt_segments.customer_clv_inputs_query(
    transactions=ref('int_transactions_cleaned'),
    feature_window=ref('int_feature_window')) }}
