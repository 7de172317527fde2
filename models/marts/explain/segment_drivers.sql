{#- What makes each segment different: per segment and clustering feature, the centroid in the feature's
    own units, the population mean, and the standardized difference between them (effect size, in
    population standard deviations: the centroid's coordinate in the scaled space the model was fitted
    in), ranked by its absolute size within the segment. "What drives segment 3" is
    `where segment_id = 3 order by effect_rank`. Describes the model version customers are scored with
    (pinned, else published in segment_models). -#}
{%- set scoring_version = dbt_segments.model_version_in_force(ref('segment_model_in_force')) -%}

with centroids as (

    select * from {{ ref('segment_model_centroids') }}
    where model_version = '{{ scoring_version }}'

),

scaler as (

    select * from {{ ref('segment_model_scalers') }}
    where model_version = '{{ scoring_version }}'

),

feature_dictionary as (

    select * from {{ ref('feature_dictionary') }}

),

effects as (

    select
        centroids.model_version,
        centroids.segment_id,
        centroids.feature_position,
        centroids.feature,
        centroids.centroid_value,
        scaler.mean as population_mean,
        scaler.scale as population_std,
        centroids.centroid_scaled as effect_size
    from centroids
    inner join scaler
        on centroids.feature = scaler.feature

),

ranked as (

    select
        effects.*,
        row_number() over (
            partition by effects.segment_id
            order by abs(effects.effect_size) desc, effects.feature_position
        ) as effect_rank,
        case
            when effects.effect_size >= 0
                then coalesce(feature_dictionary.high_label, {{ dbt.concat(["'high '", 'effects.feature']) }})
            else coalesce(feature_dictionary.low_label, {{ dbt.concat(["'low '", 'effects.feature']) }})
        end as feature_phrase
    from effects
    left join feature_dictionary
        on effects.feature = feature_dictionary.feature

),

final as (

    select
        cast(model_version as {{ dbt.type_string() }}) as model_version,
        cast(segment_id as {{ dbt.type_int() }}) as segment_id,
        cast(feature as {{ dbt.type_string() }}) as feature,
        cast(centroid_value as {{ dbt_segments.type_double() }}) as centroid_value,
        cast(population_mean as {{ dbt_segments.type_double() }}) as population_mean,
        cast(population_std as {{ dbt_segments.type_double() }}) as population_std,
        cast(effect_size as {{ dbt_segments.type_double() }}) as effect_size,
        cast(effect_rank as {{ dbt.type_int() }}) as effect_rank,
        cast(case when effect_size >= 0 then 'higher' else 'lower' end as {{ dbt.type_string() }}) as direction,
        cast(feature_phrase as {{ dbt.type_string() }}) as feature_phrase
    from ranked

)

select * from final
