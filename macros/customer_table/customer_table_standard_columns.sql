{#- The columns customer_features has in every mode, with the type of each that is not a double. A
    customer table fills the ones in customer_table_settings().filled_columns; the others describe order
    lines and events, which a customer table does not have, and are null. -#}
{% macro customer_table_standard_columns() %}
    {{ return({
        'customer_id': 'string', 'as_of_date': 'date', 'is_buyer': 'boolean', 'has_engagement': 'boolean',
        'rfm_label': 'string', 'recency_days': 'double', 'frequency': 'double', 'monetary': 'double',
        'avg_order_value': 'double', 'return_rate': 'double', 'discount_share': 'double',
        'category_diversity': 'double', 'cancelled_order_count': 'double', 'favourite_channel': 'string',
        'tenure_days': 'int', 'session_count': 'double', 'sessions_last_90_days': 'double',
        'sessions_per_month': 'double', 'page_view_count': 'double', 'app_open_count': 'double',
        'engagement_minutes': 'double', 'days_since_last_activity': 'double', 'ticket_count': 'double',
        'complaint_count': 'double', 'recency_days_log': 'double', 'frequency_log': 'double',
        'monetary_log': 'double', 'avg_order_value_log': 'double', 'sessions_per_month_log': 'double',
        'sessions_last_90_days_log': 'double'}) }}
{% endmacro %}
