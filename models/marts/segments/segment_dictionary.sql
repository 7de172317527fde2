{#- One row per segment of the model version in force (the pinned one, else the one segment_models
    publishes): its name, description and playbook.

    A row of the segment_names seed wins when its segment_id is the segment's key and its
    segment_origin_version is the version the key was born in (blank: any version). Keys survive
    retrains (segment_centroids matches new centroids to the previous model's), so a name given once
    stays with its segment; the demo's rows name the demo's segments only.
    Otherwise the name is generated from the segment's most common RFM label and the two features whose
    centroid lies furthest from the average customer (in standard deviations), worded through the
    feature_dictionary seed, e.g. "Champions: big spenders, broad shoppers". -#}
{%- set scoring_version = dbt_segments.scoring_model_version(ref('segment_models')) -%}

with centroids as (

    select * from {{ ref('segment_model_centroids') }}
    where model_version = '{{ scoring_version }}'

),

feature_dictionary as (

    select * from {{ ref('feature_dictionary') }}

),

segment_names as (

    select * from {{ ref('segment_names') }}

),

customer_features as (

    select * from {{ ref('customer_features') }}

),

scored as (

    {{ dbt_segments.assign_segment(
        ref('customer_features'),
        id_column='customer_id',
        scaler=ref('segment_model_scalers'),
        centroids=ref('segment_model_centroids'),
        model_version=scoring_version) }}

),

ranked_features as (

    select
        centroids.model_version,
        centroids.segment_id,
        centroids.segment_origin_version,
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

drivers as (

    select
        model_version,
        segment_id,
        max(segment_origin_version) as segment_origin_version,
        max(training_customers) as training_customers,
        {{ dbt.listagg('feature_phrase', "', '", 'order by distinctiveness_rank') }} as feature_phrases
    from ranked_features
    where distinctiveness_rank <= 2
    group by model_version, segment_id

),

rfm_label_counts as (

    select
        scored.segment_id,
        customer_features.rfm_label,
        count(*) as customers,
        sum(count(*)) over (partition by scored.segment_id) as segment_customers,
        row_number() over (partition by scored.segment_id order by count(*) desc, customer_features.rfm_label) as label_rank
    from scored
    inner join customer_features
        on scored.customer_id = customer_features.customer_id
    group by scored.segment_id, customer_features.rfm_label

),

top_rfm_labels as (

    select
        segment_id,
        rfm_label as top_rfm_label,
        cast(round(100.0 * customers / segment_customers, 0) as {{ dbt.type_int() }}) as top_rfm_label_percent
    from rfm_label_counts
    where label_rank = 1

),

generated as (

    select
        drivers.*,
        {{ dbt.concat(["coalesce(top_rfm_labels.top_rfm_label, 'Segment')", "': '", "drivers.feature_phrases"]) }} as generated_name,
        {{ dbt.concat([
            "'Mostly '", "coalesce(top_rfm_labels.top_rfm_label, 'unlabelled')", "' by RFM ('",
            'cast(coalesce(top_rfm_labels.top_rfm_label_percent, 0) as ' ~ dbt.type_string() ~ ')',
            "'%); '", "drivers.feature_phrases", "' compared with the average customer.'"]) }} as generated_description
    from drivers
    left join top_rfm_labels
        on drivers.segment_id = top_rfm_labels.segment_id

),

applicable_names as (

    -- a row written for this segment's lineage beats a row for any version
    select
        generated.segment_id,
        segment_names.segment_name,
        segment_names.segment_description,
        segment_names.recommended_action,
        segment_names.channel,
        segment_names.kpi,
        row_number() over (
            partition by generated.segment_id
            order by case when segment_names.segment_origin_version is null then 1 else 0 end
        ) as name_rank
    from generated
    inner join segment_names
        on generated.segment_id = segment_names.segment_id
        and (segment_names.segment_origin_version = generated.segment_origin_version
             or segment_names.segment_origin_version is null)

),

final as (

    select
        generated.model_version,
        cast(generated.segment_id as {{ dbt.type_int() }}) as segment_id,
        generated.segment_origin_version,
        generated.generated_name,
        coalesce(applicable_names.segment_name, generated.generated_name) as segment_name,
        coalesce(applicable_names.segment_description, generated.generated_description) as segment_description,
        applicable_names.recommended_action,
        applicable_names.channel,
        applicable_names.kpi,
        case when applicable_names.segment_name is not null then 'seed' else 'generated' end as name_source,
        generated.training_customers
    from generated
    left join applicable_names
        on generated.segment_id = applicable_names.segment_id
        and applicable_names.name_rank = 1

)

select * from final
