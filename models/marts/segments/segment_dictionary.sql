{#- One row per segment of the fitted model: its name and description.
    A name from the segment_names seed for this model version wins; otherwise one is generated from the two features whose
    centroid lies furthest from the average customer (in standard deviations), worded through the
    feature_dictionary seed, e.g. "Big spenders, frequent buyers". -#}
with centroids as (

    select * from {{ ref('segment_centroids') }}

),

feature_dictionary as (

    select * from {{ ref('feature_dictionary') }}

),

segment_names as (

    select * from {{ ref('segment_names') }}

),

ranked_features as (

    select
        centroids.model_version,
        centroids.segment_id,
        centroids.feature,
        centroids.centroid_scaled,
        centroids.training_customers,
        case
            when centroids.centroid_scaled >= 0 then coalesce(feature_dictionary.high_label, {{ dbt.concat(["'high '", 'centroids.feature']) }})
            else coalesce(feature_dictionary.low_label, {{ dbt.concat(["'low '", 'centroids.feature']) }})
        end as feature_phrase,
        row_number() over (
            partition by centroids.segment_id
            order by abs(centroids.centroid_scaled) desc, centroids.feature_position
        ) as distinctiveness_rank
    from centroids
    left join feature_dictionary
        on centroids.feature = feature_dictionary.feature

),

generated as (

    select
        model_version,
        segment_id,
        max(training_customers) as training_customers,
        {{ dbt.listagg('feature_phrase', "', '", 'order by distinctiveness_rank') }} as feature_phrases
    from ranked_features
    where distinctiveness_rank <= 2
    group by model_version, segment_id

),

capitalized as (

    select
        *,
        {{ dbt.concat(["upper(substring(feature_phrases, 1, 1))", "substring(feature_phrases, 2)"]) }} as generated_name
    from generated

),

final as (

    select
        generated.model_version,
        cast(generated.segment_id as {{ dbt.type_int() }}) as segment_id,
        generated.generated_name,
        coalesce(segment_names.segment_name, generated.generated_name) as segment_name,
        segment_names.segment_description,
        case when segment_names.segment_name is not null then 'seed' else 'generated' end as name_source,
        generated.training_customers
    from capitalized as generated
    left join segment_names
        on generated.model_version = segment_names.model_version
        and generated.segment_id = segment_names.segment_id

)

select * from final
