{#- One row per customer known by the as-of date: RFM plus behavioural features, ready to cluster.
    Imputation (documented in models/marts/features/_features__models.yml):
      - a customer with no completed order has frequency, money and rate features 0, recency equal
        to their tenure (inactive since they arrived), and is_buyer = false;
      - a customer with no events or tickets has 0 for every engagement and support feature
        (has_engagement = false);
      - a missing or invalid signup date falls back to the first order or event.
    Money features are capped at the `money_cap_quantile` of buyers, then log1p-transformed;
    counts with long tails are log1p-transformed too (the *_log columns). -#}
{#- The logic is the customer_features_query macro (macros/features/); int_backtest_customer_features runs it at the
    back-test's earlier as-of date: one definition, two dates. -#}
{#- A customer table (customer_table var) gives the same columns from its own (customer_table_features_query). -#}
{%- if var('customer_table', none) is none %}
{{ dbt_segments.customer_features_query(
    customers=ref('int_customers_cleaned'),
    purchases=ref('int_customer_purchases'),
    engagement=ref('int_customer_engagement'),
    rfm=ref('customer_rfm'),
    feature_window=ref('int_feature_window')) }}
{%- else %}
{{ dbt_segments.customer_table_features_query(
    customers=ref('int_customer_table_cleaned'),
    rfm=ref('customer_rfm'),
    feature_window=ref('int_feature_window')) }}
{%- endif %}
