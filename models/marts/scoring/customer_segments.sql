{#- Every customer of customer_features with their segment, scored in the warehouse by the
    nearest-centroid macro with the model version in force (the pinned one, else the one segment_models
    publishes). What BI and reverse-ETL read.

    Incremental: a build re-scores only customers who are new, whose feature hash (the scoring model's
    features) changed, who were scored with another model version, or whose segment was renamed in
    segment_dictionary; delete+insert replaces their rows by customer_id, and the post-hook deletes the
    customers that left customer_features. A full refresh gives the same rows (scored_at aside). -#}
{#- Spark tables without Delta Lake support neither delete+insert nor merge nor delete: there the scores
    are rebuilt in full on every run (same rows, every scored_at new). -#}
{%- set incremental = target.type != 'spark' -%}
{{ config(
    materialized='incremental' if incremental else 'table',
    incremental_strategy='delete+insert' if incremental else none,
    unique_key='customer_id',
    on_schema_change='append_new_columns',
    post_hook=["{{ dbt_segments.delete_rows_missing_from(this, ref('customer_features'), 'customer_id') }}"]
              if incremental else []
) }}
{%- set scoring_version = dbt_segments.model_version_in_force(ref('segment_model_in_force')) -%}
{%- set model = dbt_segments.load_segment_model(ref('customer_features'), ref('segment_model_scalers'),
                                                ref('segment_model_centroids'), scoring_version) -%}
{%- set features = [] if model is none else model.features | map(attribute='name') | list -%}
{#- a table from before incremental scoring has no feature_hash: score everyone once -#}
{%- set rescore_all = not is_incremental()
        or 'feature_hash'
        not in (adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list) -%}

with customer_features as (

    select * from {{ ref('customer_features') }}

),

segment_dictionary as (

    select * from {{ ref('segment_dictionary') }}

),

hashed as (

    select
        customer_id,
        {%- for feature in features %}
        {{ feature }},
        {%- endfor %}
        {{ dbt_segments.feature_hash(features) }} as feature_hash
    from customer_features

),

{%- if rescore_all %}

to_score as (

    select * from hashed

),
{%- else %}

previous as (

    select customer_id, segment_id, segment_name, feature_hash, model_version from {{ this }}

),

to_score as (

    select hashed.*
    from hashed
    left join previous
        on hashed.customer_id = previous.customer_id
    left join segment_dictionary
        on previous.segment_id = segment_dictionary.segment_id
    where previous.customer_id is null
        or previous.feature_hash <> hashed.feature_hash
        or previous.model_version <> '{{ scoring_version }}'
        or segment_dictionary.segment_name is null
        or previous.segment_name <> segment_dictionary.segment_name

),
{%- endif %}

scored as (

    {{ dbt_segments.assign_segment_in_force('to_score') }}

),

final as (

    select
        cast(scored.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(scored.segment_id as {{ dbt.type_int() }}) as segment_id,
        cast(segment_dictionary.segment_name as {{ dbt.type_string() }}) as segment_name,
        cast(sqrt(scored.squared_distance) as {{ dbt_segments.type_double() }}) as distance_to_centroid,
        cast(scored.model_version as {{ dbt.type_string() }}) as model_version,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }}) as scored_at,
        cast(to_score.feature_hash as {{ dbt.type_string() }}) as feature_hash
    from scored
    inner join to_score
        on scored.customer_id = to_score.customer_id
    left join segment_dictionary
        on scored.segment_id = segment_dictionary.segment_id

)

select * from final
