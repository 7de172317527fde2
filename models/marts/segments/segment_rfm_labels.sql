{#- How many customers of each segment carry each RFM label, for the model version in force (the pinned one,
    else the one segment_models publishes): one row per segment and rfm_label, label_rank 1 = the segment's
    most common label (ties: the alphabetically first). segment_dictionary names segments by that label.

    Its own table because it scores every customer (assign_segment): segment_dictionary reads the result many
    times, and an engine that inlines CTEs (Spark) would otherwise score the customers once per reference. -#}
{%- set scoring_version = dbt_segments.model_version_in_force(ref('segment_model_in_force')) -%}

with customer_features as (

    select * from {{ ref('customer_features') }}

),

scored as (

    {{ dbt_segments.assign_segment_in_force(ref('customer_features')) }}

),

label_counts as (

    select
        scored.segment_id,
        customer_features.rfm_label,
        count(*) as customers
    from scored
    inner join customer_features
        on scored.customer_id = customer_features.customer_id
    group by scored.segment_id, customer_features.rfm_label

),

final as (

    select
        cast('{{ scoring_version }}' as {{ dbt.type_string() }}) as model_version,
        cast(segment_id as {{ dbt.type_int() }}) as segment_id,
        cast(rfm_label as {{ dbt.type_string() }}) as rfm_label,
        cast(customers as {{ dbt.type_bigint() }}) as customers,
        cast(sum(customers) over (partition by segment_id) as {{ dbt.type_bigint() }}) as segment_customers,
        cast(
            row_number() over (partition by segment_id order by customers desc, rfm_label) as {{ dbt.type_int() }}
        ) as label_rank
    from label_counts

)

select * from final
