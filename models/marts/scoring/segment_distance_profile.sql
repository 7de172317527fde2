{#- The training distance distribution of each segment, for assign_segment's anomaly flag: the
    customers of customer_features scored against the model, and per segment the median distance to the
    centroid and the 1 - contamination quantile, the anomaly threshold. Computed in SQL so every engine
    derives it from its own scores of the same fit.
    One set of rows per model version, appended for the latest fit when it is first registered (its
    training data is the customer_features of that build) and kept through --full-refresh, so a pinned
    older version keeps its own thresholds. The version in force is profiled too if it has no rows yet
    (a build stopped after segment_models published it, or the mart was switched off then): with the
    customers of this build, so scoring it never stops for want of thresholds. The pre-hook removes
    the rows of a version no build registered. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    pre_hook="{{ dbt_segments.delete_unregistered_model_versions(this, ref('segment_centroids')) }}") }}
{%- set contamination = var('segment_anomaly_contamination') -%}
{%- if contamination is not number or contamination <= 0 or contamination >= 0.5 -%}
    {{ exceptions.raise_compiler_error(
        "segment_anomaly_contamination is " ~ contamination
        ~ ": set it to the expected share of anomalies, a number above 0 and below 0.5 (e.g. 0.01).") }}
{%- endif -%}

{#- the latest fit and the version in force, those not profiled yet -#}
{%- set scoring_version = dbt_segments.model_version_in_force(ref('segment_model_in_force')) -%}
{%- set to_profile = [] -%}
{%- set latest = [] -%}
{%- if execute and load_relation(ref('segment_centroids')) is not none -%}
    {%- set known = run_query("select distinct model_version from " ~ this).columns[0].values() | list
                    if is_incremental() else [] -%}
    {%- do latest.extend(
        run_query("select distinct model_version from " ~ ref('segment_centroids')).columns[0].values()) -%}
    {%- for version in latest + [scoring_version]
            if version is not none and version not in known and version not in to_profile -%}
        {%- do to_profile.append(version) -%}
    {%- endfor -%}
{%- endif -%}
{#- with nothing to profile, one version still shapes the (empty) query -#}
{%- set scored_versions = to_profile
                          or [scoring_version if scoring_version is not none else (latest[0] if latest else none)] %}

with training_customers as (

    select * from {{ ref('customer_features') }}
    {%- if to_profile | length == 0 %}
    where 1 = 0
    {%- endif %}

),

training_scores as (

    {%- for version in scored_versions %}
    {{ dbt_segments.assign_segment(
        'training_customers',
        id_column='customer_id',
        scaler=ref('segment_model_scalers'),
        centroids=ref('segment_model_centroids'),
        model_version=version) | indent(4) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

distances as (

    select
        model_version,
        segment_id,
        sqrt(squared_distance) as distance
    from training_scores

),

final as (

    select
        model_version,
        cast(segment_id as {{ dbt.type_int() }}) as segment_id,
        count(*) as training_customers,
        cast(
            {{ dbt_segments.percentile_cont('distance', 0.5) }} as {{ dbt_segments.type_double() }}
        ) as median_distance,
        cast(
            {{ dbt_segments.percentile_cont('distance', 1 - contamination) }} as {{ dbt_segments.type_double() }}
        ) as anomaly_distance_threshold,
        cast({{ contamination }} as {{ dbt_segments.type_double() }}) as contamination
    from distances
    group by model_version, segment_id

)

select * from final
