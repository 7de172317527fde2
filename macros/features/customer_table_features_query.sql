{#- customer_features for a customer table (customer_table var): one row per clean customer whose signup
    date, when known, is on or before the as-of date; the same columns as for order lines, so the fit,
    scoring and every mart read one shape:
      - the columns customer_table_columns maps: recency_days, frequency, monetary (and from them
        avg_order_value = monetary / frequency, is_buyer = frequency > 0, the RFM label from
        customer_rfm, and the *_log columns, money capped at the money_cap_quantile of buyers as for
        order lines); tenure_days from the signup date;
      - every numeric column and derived feature of the table, under its own name;
      - the columns that describe order lines and events (returns, discounts, categories, sessions,
        tickets) null: a customer table does not say them. -#}
{% macro customer_table_features_query(customers=none, rfm=none, feature_window=none) %}
    {%- do dbt_segments.require_relations('customer_table_features_query', [
        ('customers', customers, "ref('int_customer_table_cleaned')"),
        ('rfm', rfm, "ref('customer_rfm')"),
        ('feature_window', feature_window, "ref('int_feature_window')")]) -%}
    {{ return(adapter.dispatch('customer_table_features_query', 'dbt_segments')(customers, rfm, feature_window)) }}
{% endmacro %}

{% macro default__customer_table_features_query(customers, rfm, feature_window) %}
{%- set settings = dbt_segments.customer_table_settings() -%}
{%- set mapped = settings.columns -%}
{%- set has_rfm = settings.has_rfm -%}
{#- the expression of every standard column this mode knows; the others are null -#}
{%- set known = {'customer_id': 'customer_id', 'as_of_date': 'as_of_date'} -%}
{%- if has_rfm -%}
    {%- do known.update({
        'is_buyer': mapped.frequency ~ ' > 0',
        'rfm_label': "coalesce(rfm_label, 'No purchase')",
        'recency_days': mapped.recency_days,
        'frequency': mapped.frequency,
        'monetary': mapped.monetary,
        'avg_order_value': 'avg_order_value',
        'recency_days_log': 'ln(1 + ' ~ mapped.recency_days ~ ')',
        'frequency_log': 'ln(1 + ' ~ mapped.frequency ~ ')',
        'monetary_log': 'ln(1 + least(' ~ mapped.monetary ~ ', money_caps.monetary_cap))',
        'avg_order_value_log': 'ln(1 + least(avg_order_value, money_caps.avg_order_value_cap))'}) -%}
{%- endif -%}
{%- if 'signup_date' in mapped -%}
    {%- do known.update({'tenure_days': 'tenure_days'}) -%}
{%- endif -%}
{%- set standard = dbt_segments.customer_table_standard_columns() %}

with customers as (

    select * from {{ customers }}

),

rfm as (

    select * from {{ rfm }}

),

feature_window as (

    select * from {{ feature_window }}

),

joined as (

    select
        customers.*,
        feature_window.as_of_date,
        rfm.rfm_label
    from customers
    cross join feature_window
    left join rfm
        on customers.customer_id = rfm.customer_id

),

known_by_as_of as (

    select
        *,
        {{ dbt.datediff('signup_date', 'as_of_date', 'day') }} as tenure_days
        {%- if has_rfm %},
        case
            when {{ mapped.frequency }} > 0 then {{ mapped.monetary }} / {{ mapped.frequency }}
            else 0
        end as avg_order_value
        {%- endif %}
    from joined
    -- a customer who signs up after the as-of date is not a customer yet at that date
    where signup_date is null or signup_date <= as_of_date

),

{%- if has_rfm %}

money_caps as (

    select
        {{ dbt_segments.percentile_cont(mapped.monetary, var('money_cap_quantile')) }} as monetary_cap,
        {{ dbt_segments.percentile_cont('avg_order_value', var('money_cap_quantile')) }} as avg_order_value_cap
    from known_by_as_of
    where {{ mapped.frequency }} > 0

),
{%- endif %}

final as (

    select
        {%- set selected = [] %}
        {%- for name, type in standard.items() %}
            {%- set null_value = 'cast(null as '
                ~ {'double': dbt_segments.type_double(), 'string': dbt.type_string(),
                   'int': dbt.type_int()}.get(type, type) ~ ')' %}
            {%- do selected.append(known.get(name, null_value) ~ ' as ' ~ name) %}
        {%- endfor %}
        {%- for column in settings.feature_columns if column not in standard %}
            {%- do selected.append(column) %}
        {%- endfor %}
        {{ selected | join(',\n        ') }}
    from known_by_as_of
    {%- if has_rfm %}
    cross join money_caps
    {%- endif %}

)

select * from final
{%- endmacro %}
