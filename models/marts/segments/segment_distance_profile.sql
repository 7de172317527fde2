{#- The training distance distribution of each segment, for assign_segment's anomaly flag: the
    customers the model was fitted on (customer_features) scored against it, and per segment the median
    distance to the centroid and the 1 - contamination quantile, the anomaly threshold. Computed in SQL
    so every engine derives it from its own scores of the same fit.
    One set of rows per model version, appended when a fit is first seen (its training data is the
    customer_features of that build) and kept through --full-refresh, so a pinned older version keeps its
    own thresholds. -#}
{{ config(materialized='incremental', incremental_strategy='append', full_refresh=false) }}
{%- set contamination = var('segment_anomaly_contamination') -%}
{%- if contamination is not number or contamination <= 0 or contamination >= 0.5 -%}
    {{ exceptions.raise_compiler_error("segment_anomaly_contamination is " ~ contamination ~ ": set it to the expected share of anomalies, a number above 0 and below 0.5 (e.g. 0.01).") }}
{%- endif -%}

{#- the latest fit already profiled: score nobody -#}
{%- set profiled = false -%}
{%- if is_incremental() -%}
    {%- set latest = run_query("select distinct model_version from " ~ ref('segment_centroids')).columns[0].values() | list -%}
    {%- set known = run_query("select distinct model_version from " ~ this).columns[0].values() | list -%}
    {%- set profiled = latest | length > 0 and latest | reject('in', known) | list | length == 0 -%}
{%- endif %}

with training_customers as (

    select * from {{ ref('customer_features') }}
    {%- if profiled %}
    where 1 = 0
    {%- endif %}

),

training_scores as (

    {{ dbt_segments.assign_segment(
        'training_customers',
        id_column='customer_id',
        scaler=ref('segment_scaler'),
        centroids=ref('segment_centroids')) }}

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
        cast({{ dbt_segments.percentile_cont('distance', 0.5) }} as {{ dbt_segments.type_double() }}) as median_distance,
        cast({{ dbt_segments.percentile_cont('distance', 1 - contamination) }} as {{ dbt_segments.type_double() }}) as anomaly_distance_threshold,
        cast({{ contamination }} as {{ dbt_segments.type_double() }}) as contamination
    from distances
    group by model_version, segment_id

)

select * from final
