{#- Classic RFM for every customer with at least one completed order up to the as-of date.
    Scores 1-5 (5 = best: most recent, most frequent, highest spend) are quintiles that keep ties
    together (rfm_score: equal values get equal scores, a tie group the quintile of its middle, the
    worst value 1 and the best 5), so one-time buyers always get the lowest frequency score however
    many they are. The label comes from the rfm_segment_map seed, keyed by recency and frequency
    score, the usual RFM grid.
    As a macro so the back-test computes the same thing at an earlier as-of date: the model passes
    its refs, int_backtest_customer_rfm passes the back-test's. -#}
{% macro customer_rfm_query(purchases=none, feature_window=none, rfm_segment_map=none) %}
    {%- do dbt_segments.require_relations('customer_rfm_query', [
        ('purchases', purchases, "ref('int_customer_purchases')"),
        ('feature_window', feature_window, "ref('int_feature_window')"),
        ('rfm_segment_map', rfm_segment_map, "ref('rfm_segment_map')")]) -%}
    {{ return(adapter.dispatch('customer_rfm_query', 'dbt_segments')(purchases, feature_window, rfm_segment_map)) }}
{% endmacro %}

{% macro default__customer_rfm_query(purchases, feature_window, rfm_segment_map) %}
with purchases as (

    select * from {{ purchases }}

),

feature_window as (

    select * from {{ feature_window }}

),

rfm_segment_map as (

    select * from {{ rfm_segment_map }}

),

buyers as (

    select
        purchases.customer_id,
        feature_window.as_of_date,
        purchases.last_order_date,
        {{ dbt.datediff('purchases.last_order_date', 'feature_window.as_of_date', 'day') }} as recency_days,
        purchases.order_count as frequency,
        -- net of discounts and returns; a customer who returned more than they kept is at 0
        case when purchases.net_revenue > 0 then purchases.net_revenue else 0 end as monetary
    from purchases
    cross join feature_window
    where purchases.order_count > 0

),

scored as (

    select
        *,
        {{ dbt_segments.rfm_score('recency_days', higher_is_better=false) }} as recency_score,
        {{ dbt_segments.rfm_score('frequency') }} as frequency_score,
        {{ dbt_segments.rfm_score('monetary') }} as monetary_score
    from buyers

),

final as (

    select
        scored.customer_id,
        scored.as_of_date,
        scored.last_order_date,
        scored.recency_days,
        scored.frequency,
        scored.monetary,
        scored.recency_score,
        scored.frequency_score,
        scored.monetary_score,
        {{ dbt.concat([
            'cast(scored.recency_score as ' ~ dbt.type_string() ~ ')',
            'cast(scored.frequency_score as ' ~ dbt.type_string() ~ ')',
            'cast(scored.monetary_score as ' ~ dbt.type_string() ~ ')']) }} as rfm_cell,
        rfm_segment_map.rfm_label
    from scored
    left join rfm_segment_map
        on scored.recency_score = rfm_segment_map.recency_score
        and scored.frequency_score = rfm_segment_map.frequency_score

)

select * from final
{%- endmacro %}
