{#- The registry's centroids: every registered model version's centroids, in segment_centroids' long
    format. The latest fit is added the first time its model version is seen, after its scaler
    (segment_model_scalers), so a version here always has its scaler; full_refresh=false keeps the
    history through --full-refresh, so a pinned older version can still be scored. The pre-hook removes
    the rows of a version no build registered (its build stopped before segment_models). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    pre_hook="{{ dbt_segments.delete_unregistered_model_versions(this, ref('segment_centroids')) }}") }}

with centroids as (

    select * from {{ ref('segment_centroids') }}

),

recorded_scalers as (

    select distinct model_version from {{ ref('segment_model_scalers') }}

),

final as (

    select
        centroids.model_version,
        centroids.segment_id,
        centroids.feature_position,
        centroids.feature,
        centroids.centroid_scaled,
        centroids.centroid_value,
        centroids.training_customers,
        centroids.segment_origin_version
    from centroids
    inner join recorded_scalers
        on centroids.model_version = recorded_scalers.model_version
    {%- if is_incremental() %}
    where centroids.model_version not in (select model_version from {{ this }})
    {%- endif %}

)

select * from final
