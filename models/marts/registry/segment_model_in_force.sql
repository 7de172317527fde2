{#- The model version customers are scored with this build: one row, the version segment_models publishes.
    segment_models applies the rule (a pinned model_version var is published, else the latest fit that
    passed the publish gate stays or becomes published); every scoring model, mart and tool reads the
    version from here (macro model_version_in_force, python_udfs.registry.model_version_in_force), so
    they cannot disagree. No row while nothing is published (the gate refused the first fit). -#}
{{ config(post_hook="{{ dbt_segments.log_model_in_force(this) }}") }}

with registry as (

    select * from {{ ref('segment_models') }}

),

published as (

    select
        model_version,
        published_by,
        published_at,
        trained_at,
        n_segments,
        features
    from registry
    where status = 'published'

),

final as (

    select
        cast(model_version as {{ dbt.type_string() }}) as model_version,
        cast(case when published_by = 'pinned by var model_version' then 'pinned' else 'published' end
             as {{ dbt.type_string() }}) as in_force_because,
        cast(published_by as {{ dbt.type_string() }}) as published_by,
        published_at,
        trained_at,
        n_segments,
        features,
        count(*) over () as published_versions
    from published

)

select * from final
