{#- Classic RFM for every customer with at least one completed order up to the as-of date.
    Scores 1-5 (5 = best) are quintiles that keep ties together, with the worst value always 1 and the
    best always 5 (macros/features/rfm_score.sql), so one-time buyers get the lowest frequency score
    however many they are. The label comes from the rfm_segment_map seed, keyed by recency and
    frequency score, the usual RFM grid. -#}
{#- The logic is the customer_rfm_query macro (macros/features/); int_backtest_customer_rfm runs it at the
    back-test's earlier as-of date: one definition, two dates. -#}
{#- A customer table states recency, frequency and spend per customer instead (int_customer_table_purchases). -#}
{{ dbt_segments.customer_rfm_query(
    purchases=ref('int_customer_purchases') if var('customer_table', none) is none
        else ref('int_customer_table_purchases'),
    feature_window=ref('int_feature_window'),
    rfm_segment_map=ref('rfm_segment_map')) }}
