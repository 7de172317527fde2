{#- One row per segment: how big it is, what its customers look like (means in original units),
    its share of revenue, its mix of classic RFM labels and what it is predicted to be worth
    (segment_lifetime_value; null with a customer table, which has no order history to fit CLV on). -#}
{%- set has_lifetime_value = var('customer_table', none) is none -%}
{%- set profile_features = ['recency_days', 'frequency', 'monetary', 'avg_order_value', 'return_rate',
                            'discount_share', 'category_diversity', 'tenure_days', 'sessions_per_month',
                            'sessions_last_90_days', 'engagement_minutes', 'days_since_last_activity',
                            'complaint_count'] -%}

with customer_segments as (

    select * from {{ ref('customer_segments') }}

),

customer_features as (

    select * from {{ ref('customer_features') }}

),

{% if has_lifetime_value %}
segment_lifetime_value as (

    select * from {{ ref('segment_lifetime_value') }}

),
{% endif %}

segmented as (

    select
        customer_segments.segment_id,
        customer_segments.segment_name,
        customer_segments.model_version,
        customer_features.*
    from customer_segments
    inner join customer_features
        on customer_segments.customer_id = customer_features.customer_id

),

totals as (

    select
        count(*) as total_customers,
        sum(monetary) as total_revenue
    from segmented

),

segment_means as (

    select
        segment_id,
        segment_name,
        model_version,
        count(*) as customer_count,
        sum(monetary) as revenue,
        {%- for feature in profile_features %}
        -- exact decimals (6 places): a parallel avg() of doubles adds in a varying order and can differ
        -- in the last bit between two builds of the same data
        avg(cast({{ feature }} as {{ dbt.type_numeric() }})) as avg_{{ feature }}{{ "," if not loop.last }}
        {%- endfor %}
    from segmented
    group by segment_id, segment_name, model_version

),

label_counts as (

    select
        segment_id,
        rfm_label,
        count(*) as label_customers,
        row_number() over (partition by segment_id order by count(*) desc, rfm_label) as label_rank
    from segmented
    group by segment_id, rfm_label

),

label_mix as (

    select
        label_counts.segment_id,
        {{ dbt_segments.ordered_listagg(
            dbt.concat(['label_counts.rfm_label', "' '",
                        'cast(cast(round(100.0 * label_counts.label_customers / segment_means.customer_count, 0) as '
                        ~ dbt.type_int() ~ ') as ' ~ dbt.type_string() ~ ')',
                        "'%'"]),
            "'; '",
            'label_counts.label_rank') }} as rfm_label_mix,
        max(case when label_counts.label_rank = 1 then label_counts.rfm_label end) as top_rfm_label,
        max(
            case
                when label_counts.label_rank = 1
                    then 1.0 * label_counts.label_customers / segment_means.customer_count
            end
        ) as top_rfm_label_share
    from label_counts
    inner join segment_means
        on label_counts.segment_id = segment_means.segment_id
    group by label_counts.segment_id

),

final as (

    select
        cast(segment_means.segment_id as {{ dbt.type_int() }}) as segment_id,
        cast(segment_means.segment_name as {{ dbt.type_string() }}) as segment_name,
        cast(segment_means.model_version as {{ dbt.type_string() }}) as model_version,
        cast(segment_means.customer_count as {{ dbt.type_bigint() }}) as customer_count,
        cast(
            1.0 * segment_means.customer_count / totals.total_customers as {{ dbt_segments.type_double() }}
        ) as customer_share,
        cast(segment_means.revenue as {{ dbt_segments.type_double() }}) as revenue,
        cast(
            {{ dbt_segments.safe_divide('segment_means.revenue', 'totals.total_revenue') }}
            as {{ dbt_segments.type_double() }}
        ) as revenue_share,
        {%- for feature in profile_features %}
        cast(segment_means.avg_{{ feature }} as {{ dbt_segments.type_double() }}) as avg_{{ feature }},
        {%- endfor %}
        cast(label_mix.top_rfm_label as {{ dbt.type_string() }}) as top_rfm_label,
        cast(label_mix.top_rfm_label_share as {{ dbt_segments.type_double() }}) as top_rfm_label_share,
        cast(label_mix.rfm_label_mix as {{ dbt.type_string() }}) as rfm_label_mix,
        {%- for column in ['total_clv', 'mean_clv', 'mean_p_alive', 'predicted_value_share'] %}
        cast({{ 'segment_lifetime_value.' ~ column if has_lifetime_value else 'null' }}
            as {{ dbt_segments.type_double() }}) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from segment_means
    cross join totals
    left join label_mix
        on segment_means.segment_id = label_mix.segment_id
    {% if has_lifetime_value %}
    left join segment_lifetime_value
        on segment_means.segment_id = segment_lifetime_value.segment_id
    {% endif %}

)

select * from final
