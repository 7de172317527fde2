{#- The segment mix of every model version at training: per segment the training customers K-Means
    put in it and their share. Written once, when the latest fit (segment_centroids) is first recorded
    in segment_model_centroids, and kept (incremental, never fully refreshed) so drift compares any
    scoring version with its own training mix. The pre-hook removes the rows of a version no build
    registered (its build stopped before segment_models). -#}
{{ config(
    materialized='incremental',
    full_refresh=false,
    on_schema_change='fail',
    pre_hook="{{ dbt_segments.delete_unregistered_model_versions(this, ref('segment_centroids')) }}") }}

with segment_centroids as (

    -- the latest fit, as the registry recorded it
    select * from {{ ref('segment_model_centroids') }}
    where model_version in (select model_version from {{ ref('segment_centroids') }})

),

new_segments as (

    select distinct
        model_version,
        segment_id,
        training_customers
    from segment_centroids
    {%- if is_incremental() %}
    where model_version not in (select model_version from {{ this }})
    {%- endif %}

),

totals as (

    select
        model_version,
        sum(training_customers) as training_total
    from new_segments
    group by model_version

),

final as (

    select
        cast(new_segments.model_version as {{ dbt.type_string() }}) as model_version,
        cast(new_segments.segment_id as {{ dbt.type_int() }}) as segment_id,
        cast(new_segments.training_customers as {{ dbt.type_bigint() }}) as training_customers,
        cast({{ dbt_segments.safe_divide('cast(new_segments.training_customers as ' ~ dbt_segments.type_double() ~ ')',
                                         'totals.training_total') }}
            as {{ dbt_segments.type_double() }}) as training_share
    from new_segments
    inner join totals
        on new_segments.model_version = totals.model_version

)

select * from final
