{#- Classic RFM for every customer with at least one completed order up to the as-of date.
    Scores 1-5 are quintiles by cume_dist, so equal values always get equal scores (5 = best:
    most recent, most frequent, highest spend). The label comes from the rfm_segment_map seed,
    keyed by recency and frequency score, the usual RFM grid. -#}
{#- The logic is the customer_rfm_query macro (macros/features/); int_backtest_customer_rfm runs it at the
    back-test's earlier as-of date: one definition, two dates. -#}
{#- A customer table states recency, frequency and spend per customer instead (int_customer_table_purchases). -#}
{{ dbt_segments.customer_rfm_query(
    purchases=ref('int_customer_purchases') if var('customer_table', none) is none else ref('int_customer_table_purchases'),
    feature_window=ref('int_feature_window'),
    rfm_segment_map=ref('rfm_segment_map')) }}
