{#- The registry's scalers: every registered model version's standard scaler, one row per version and
    feature. The latest fit's scaler (segment_scaler, paired with segment_centroids' version) is added
    the first time that version is seen; full_refresh=false keeps the history through --full-refresh,
    so a pinned older version can still be scored. The pre-hook removes the rows of a version no build
    registered (its build stopped before segment_models), so every version here is in segment_models or
    is the latest fit being registered.
    A new version is recorded only when segment_scaler is its scaler (every centroid's value is
    mean + centroid_scaled * scale): a build stopped between the two fit models leaves them from
    different fits, and the scaler of one must never be recorded under the other's version. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    pre_hook="{{ dbt_segments.delete_unregistered_model_versions(this, ref('segment_centroids')) }}") }}
{%- set centroids = ref('segment_centroids') -%}
{%- set scaler = ref('segment_scaler') -%}
{%- if execute and load_relation(centroids) is not none and load_relation(scaler) is not none -%}
    {%- set new_fit = ("select model_version from " ~ centroids
                       ~ " where model_version not in (select model_version from " ~ this ~ ")")
                      if is_incremental() else ("select model_version from " ~ centroids) -%}
    {%- set unpaired = run_query(
        "select count(*) from " ~ centroids ~ " as centroids"
        ~ " left join " ~ scaler ~ " as scaler"
        ~ " on centroids.feature_position = scaler.feature_position and centroids.feature = scaler.feature"
        ~ " where centroids.model_version in (" ~ new_fit ~ ") and (scaler.feature is null"
        ~ " or abs(centroids.centroid_value - (scaler.mean + centroids.centroid_scaled * scaler.scale))"
        ~ " > 1e-9 * (1 + abs(centroids.centroid_value))"
        ~ " or (select count(*) from " ~ scaler ~ ") <> (select count(distinct feature) from " ~ centroids ~ "))"
    ).columns[0].values()[0] | int -%}
    {%- if unpaired > 0 -%}
        {{ exceptions.raise_compiler_error(
            "segment_model_scalers: segment_scaler is not the scaler of the fit in segment_centroids"
            ~ " (a build stopped between the two fit models), so that fit cannot be recorded;"
            ~ " refit both with a retraining build: dbt build --select segment_scaler+ --vars '{retrain: true}'.") }}
    {%- endif -%}
{%- endif %}

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
