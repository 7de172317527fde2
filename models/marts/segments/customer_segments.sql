{#- Every customer of customer_features with their segment, scored in the warehouse by the
    nearest-centroid macro against the fitted scaler and centroids. What BI and reverse-ETL read. -#}
with scored as (

    {{ dbt_segments.assign_segment(
        ref('customer_features'),
        id_column='customer_id',
        scaler=ref('segment_scaler'),
        centroids=ref('segment_centroids'),
        model_version=var('model_version', none)) }}

),

segment_dictionary as (

    select * from {{ ref('segment_dictionary') }}

),

final as (

    select
        cast(scored.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(scored.segment_id as {{ dbt.type_int() }}) as segment_id,
        cast(segment_dictionary.segment_name as {{ dbt.type_string() }}) as segment_name,
        cast(sqrt(scored.squared_distance) as {{ dbt_segments.type_double() }}) as distance_to_centroid,
        cast(scored.model_version as {{ dbt.type_string() }}) as model_version,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }}) as scored_at
    from scored
    left join segment_dictionary
        on scored.segment_id = segment_dictionary.segment_id

)

select * from final
