{#- The registry's centroids: every fitted model version's centroids, in segment_centroids' long format.
    Append-only: the latest fit is added the first time its model version is seen; full_refresh=false keeps
    the history through --full-refresh, so a pinned older version can still be scored. -#}
{{ config(materialized='incremental', incremental_strategy='append', full_refresh=false) }}

with centroids as (

    select * from {{ ref('segment_centroids') }}

),

final as (

    select
        model_version,
        segment_id,
        feature_position,
        feature,
        centroid_scaled,
        centroid_value,
        training_customers,
        segment_origin_version
    from centroids
    {%- if is_incremental() %}
    where model_version not in (select model_version from {{ this }})
    {%- endif %}

)

select * from final
