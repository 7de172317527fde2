{#- Purchase behaviour per customer up to the as-of date, from clean order lines.
    An order counts when it has a completed line; returns reduce net revenue and count as returned
    units; cancelled lines count only as cancellations. -#}
{#- The logic is the customer_purchases_query macro (macros/features/); int_backtest_customer_purchases runs it at the
    back-test's earlier as-of date: one definition, two dates. -#}
{{ dbt_segments.customer_purchases_query(
    transactions=ref('int_transactions_cleaned'),
    feature_window=ref('int_feature_window')) }}
