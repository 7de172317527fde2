{#- What each segment is worth going forward: per segment of customer_segments, its customers' predicted
    lifetime value (customer_lifetime_value) in total and on average, their mean P(alive) and the segment's
    share of all predicted value. CLV is summed as an exact decimal, so a parallel sum cannot change the
    last bit between two builds. No CLV (the fit skipped): the value columns are null. -#}
with customer_segments as (

    select * from {{ ref('customer_segments') }}

),

customer_lifetime_value as (

    select * from {{ ref('customer_lifetime_value') }}

),

valued as (

    select
        customer_segments.segment_id,
        customer_segments.segment_name,
        customer_segments.model_version,
        customer_lifetime_value.clv_model_version,
        customer_lifetime_value.customer_id as valued_customer_id,
        cast(customer_lifetime_value.clv as {{ dbt.type_numeric() }}) as clv,
        cast(customer_lifetime_value.p_alive as {{ dbt.type_numeric() }}) as p_alive
    from customer_segments
    left join customer_lifetime_value
        on customer_segments.customer_id = customer_lifetime_value.customer_id

),

segment_sums as (

    select
        segment_id,
        segment_name,
        model_version,
        max(clv_model_version) as clv_model_version,
        count(*) as customers,
        count(valued_customer_id) as valued_customers,
        sum(clv) as total_clv,
        sum(p_alive) as p_alive_sum
    from valued
    group by segment_id, segment_name, model_version

),

totals as (

    select sum(total_clv) as all_clv
    from segment_sums

),

final as (

    select
        cast(segment_sums.segment_id as {{ dbt.type_int() }}) as segment_id,
        cast(segment_sums.segment_name as {{ dbt.type_string() }}) as segment_name,
        cast(segment_sums.model_version as {{ dbt.type_string() }}) as model_version,
        cast(segment_sums.clv_model_version as {{ dbt.type_string() }}) as clv_model_version,
        cast(segment_sums.customers as {{ dbt.type_bigint() }}) as customers,
        cast(segment_sums.valued_customers as {{ dbt.type_bigint() }}) as valued_customers,
        cast(segment_sums.total_clv as {{ dbt_segments.type_double() }}) as total_clv,
        cast({{ dbt_segments.safe_divide('segment_sums.total_clv', 'segment_sums.valued_customers') }}
            as {{ dbt_segments.type_double() }}) as mean_clv,
        cast({{ dbt_segments.safe_divide('segment_sums.p_alive_sum', 'segment_sums.valued_customers') }}
            as {{ dbt_segments.type_double() }}) as mean_p_alive,
        cast({{ dbt_segments.safe_divide('segment_sums.total_clv', 'totals.all_clv') }}
            as {{ dbt_segments.type_double() }}) as predicted_value_share
    from segment_sums
    cross join totals

)

select * from final
