{#- The registry's scalers: every fitted model version's standard scaler, one row per version and feature.
    Append-only: the latest fit's scaler is added under its model version (from segment_centroids, its
    pair) the first time that version is seen; full_refresh=false keeps the history through --full-refresh,
    so a pinned older version can still be scored. -#}
{{ config(materialized='incremental', incremental_strategy='append', full_refresh=false) }}

with scaler as (

    select * from {{ ref('segment_scaler') }}

),

fitted_version as (

    select distinct model_version from {{ ref('segment_centroids') }}

),

final as (

    select
        fitted_version.model_version,
        scaler.feature_position,
        scaler.feature,
        scaler.mean,
        scaler.scale
    from scaler
    cross join fitted_version
    {%- if is_incremental() %}
    where fitted_version.model_version not in (select model_version from {{ this }})
    {%- endif %}

)

select * from final
