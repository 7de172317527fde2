{#- The raw sources as the cleaning models see them: source_table, staging model, validated
    model (whose rows without a rejection reason are the source's kept rows), timestamp column,
    and what one row is called in messages. One list, so the reconciliation, the timestamp-format summary
    and the quarantine-share check never disagree. A customer table (customer_table var) replaces the
    four order-line sources. -#}
{% macro cleaning_sources() %}
    {%- if var('customer_table', none) is not none -%}
        {{ return([
            {'source_table': 'customer_table', 'staged': 'stg_raw__customer_table',
             'validated': 'int_customer_table_validated', 'timestamp_column': none, 'rows_called': 'customer rows'},
        ]) }}
    {%- endif -%}
    {{ return([
        {'source_table': 'customers', 'staged': 'stg_raw__customers',
         'validated': 'int_customers_validated', 'timestamp_column': none, 'rows_called': 'customer rows'},
        {'source_table': 'transactions', 'staged': 'stg_raw__transactions',
         'validated': 'int_transactions_validated', 'timestamp_column': 'ordered_at', 'rows_called': 'order lines'},
        {'source_table': 'events', 'staged': 'stg_raw__events',
         'validated': 'int_events_validated', 'timestamp_column': 'occurred_at', 'rows_called': 'events'},
        {'source_table': 'support_tickets', 'staged': 'stg_raw__support_tickets',
         'validated': 'int_support_tickets_validated', 'timestamp_column': 'created_at', 'rows_called': 'tickets'},
    ]) }}
{% endmacro %}
