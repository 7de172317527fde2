{#- One row per segment of the model version in force (the pinned one, else the one segment_models
    publishes): its name, description and playbook.

    A row of the segment_names seed wins when its segment_id is the segment's key and its
    segment_origin_version is the version the key was born in (blank: any version). Keys survive
    retrains (segment_centroids matches new centroids to the previous model's), so a name given once
    stays with its segment; the demo's rows name the demo's segments only.

    Otherwise the name is generated, and it never contradicts the segment's own profile:
      - its RFM label is the segment's most common rfm_label (segment_rfm_labels; ties: the alphabetically first);
      - its drivers are the features whose centroid lies furthest from the average customer (in standard
        deviations), worded through the feature_dictionary seed by the sign of that z-score ("big spenders"
        above the average, "small spenders" below). A recency or frequency driver that says the opposite of
        the label (its cells in rfm_segment_map average a score above or below 3: "Loyal" means frequent,
        so "rare buyers" is not used with it) is skipped for the next one;
      - it uses the fewest drivers, at least two, that make the label and driver set unique among the
        segments' names with as many drivers ("Champions: recently active, frequent buyers" and
        "Champions: frequent buyers, recently active" are the same name); a segment no driver set tells
        apart from another gets its key appended.
    Action, channel and KPI come from the segment_names row, else from the segment_playbook seed: the row of
    the segment's label and one of its name's drivers (the most distinctive first), else the label's row
    without a driver, else a row for that driver and any label, else the catch-all row. -#}
{%- set scoring_version = dbt_segments.model_version_in_force(ref('segment_model_in_force')) -%}
{%- if execute and scoring_version is not none and load_relation(ref('segment_rfm_labels')) is not none -%}
    {%- set labelled = run_query(
        "select distinct model_version from " ~ ref('segment_rfm_labels')).columns[0].values() | list -%}
    {%- if labelled != [scoring_version] -%}
        {{ exceptions.raise_compiler_error(
            "segment_dictionary: segment_rfm_labels counts the labels of " ~ labelled
            ~ ", but customers are scored with " ~ scoring_version
            ~ ": build it with this model (dbt build --select segment_rfm_labels+).") }}
    {%- endif -%}
{%- endif -%}

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

segment_playbook as (

    select * from {{ ref('segment_playbook') }}

),

rfm_segment_map as (

    select * from {{ ref('rfm_segment_map') }}

),

rfm_labels as (

    select * from {{ ref('segment_rfm_labels') }}

),

top_rfm_labels as (

    select
        segment_id,
        rfm_label as top_rfm_label,
        cast(round(100.0 * customers / segment_customers, 0) as {{ dbt.type_int() }}) as top_rfm_label_percent
    from rfm_labels
    where label_rank = 1

),

label_directions as (

    -- what a label says about recency and frequency: +1 above the middle score of the grid, -1 below
    select
        rfm_label,
        sign(avg(recency_score * 1.0) - 3) as recency_direction,
        sign(avg(frequency_score * 1.0) - 3) as frequency_direction
    from rfm_segment_map
    group by rfm_label

),

segments as (

    select
        centroids.model_version,
        centroids.segment_id,
        max(centroids.segment_origin_version) as segment_origin_version,
        max(centroids.training_customers) as training_customers,
        coalesce(max(top_rfm_labels.top_rfm_label), 'Segment') as name_label,
        max(top_rfm_labels.top_rfm_label) as top_rfm_label,
        coalesce(max(top_rfm_labels.top_rfm_label_percent), 0) as top_rfm_label_percent
    from centroids
    left join top_rfm_labels
        on centroids.segment_id = top_rfm_labels.segment_id
    group by centroids.model_version, centroids.segment_id

),

candidate_drivers as (

    select
        centroids.segment_id,
        centroids.feature_position,
        centroids.centroid_scaled,
        case
            when centroids.centroid_scaled >= 0
                then coalesce(feature_dictionary.high_label, {{ dbt.concat(["'high '", 'centroids.feature']) }})
            else coalesce(feature_dictionary.low_label, {{ dbt.concat(["'low '", 'centroids.feature']) }})
        end as feature_phrase,
        -- a recency driver points the other way from recency_days: more days = less recent
        case
            when feature_dictionary.rfm_dimension = 'recency'
                then label_directions.recency_direction
                    * (case when centroids.centroid_scaled >= 0 then -1 else 1 end) < 0
            when feature_dictionary.rfm_dimension = 'frequency'
                then label_directions.frequency_direction
                    * (case when centroids.centroid_scaled >= 0 then 1 else -1 end) < 0
            else false
        end as contradicts_label
    from centroids
    inner join segments
        on centroids.segment_id = segments.segment_id
    left join feature_dictionary
        on centroids.feature = feature_dictionary.feature
    left join label_directions
        on segments.top_rfm_label = label_directions.rfm_label

),

drivers as (

    select
        segment_id,
        feature_phrase,
        row_number() over (
            partition by segment_id
            order by abs(centroid_scaled) desc, feature_position
        ) as driver_rank,
        count(*) over (partition by segment_id) as segment_drivers
    from candidate_drivers
    where not coalesce(contradicts_label, false)

),

driver_counts as (

    select distinct driver_rank as driver_count from drivers

),

driver_sets as (

    -- the segment's first n drivers for every n it has, as a set (alphabetical): the same words in another
    -- order are the same name
    select
        drivers.segment_id,
        driver_counts.driver_count,
        {{ dbt_segments.ordered_listagg('drivers.feature_phrase', "', '", 'drivers.feature_phrase') }} as phrase_set
    from drivers
    inner join driver_counts
        on drivers.driver_rank <= driver_counts.driver_count
        and driver_counts.driver_count <= drivers.segment_drivers
    group by drivers.segment_id, driver_counts.driver_count

),

set_sharing as (

    select
        driver_sets.segment_id,
        driver_sets.driver_count,
        count(*) over (
            partition by driver_sets.driver_count, segments.name_label, driver_sets.phrase_set
        ) as segments_with_set
    from driver_sets
    inner join segments
        on driver_sets.segment_id = segments.segment_id

),

name_sizes as (

    select
        segments.segment_id,
        min(case
            when set_sharing.segments_with_set = 1
                and set_sharing.driver_count
                >= (case when drivers_total.segment_drivers < 2 then drivers_total.segment_drivers else 2 end)
                then set_sharing.driver_count
        end) as unique_driver_count,
        max(drivers_total.segment_drivers) as segment_drivers
    from segments
    left join (select distinct segment_id, segment_drivers from drivers) as drivers_total
        on segments.segment_id = drivers_total.segment_id
    left join set_sharing
        on segments.segment_id = set_sharing.segment_id
    group by segments.segment_id

),

name_drivers as (

    select
        drivers.segment_id,
        drivers.feature_phrase,
        drivers.driver_rank
    from drivers
    inner join name_sizes
        on drivers.segment_id = name_sizes.segment_id
        and drivers.driver_rank <= coalesce(name_sizes.unique_driver_count, name_sizes.segment_drivers)

),

name_phrases as (

    select
        segment_id,
        {{ dbt_segments.ordered_listagg('feature_phrase', "', '", 'driver_rank') }} as feature_phrases
    from name_drivers
    group by segment_id

),

generated as (

    select
        segments.*,
        {{ dbt.concat([
            'segments.name_label', "': '", "coalesce(name_phrases.feature_phrases, 'like the average customer')",
            "case when name_sizes.unique_driver_count is null then "
            ~ dbt.concat(["' (segment '", 'cast(segments.segment_id as ' ~ dbt.type_string() ~ ')', "')'"])
            ~ " else '' end"]) }} as generated_name,
        {{ dbt.concat([
            "'Mostly '", "coalesce(segments.top_rfm_label, 'unlabelled')", "' by RFM ('",
            'cast(segments.top_rfm_label_percent as ' ~ dbt.type_string() ~ ')',
            "'%); '", "coalesce(name_phrases.feature_phrases, 'close to the average customer on every feature')",
            "' compared with the average customer.'"]) }} as generated_description
    from segments
    left join name_phrases
        on segments.segment_id = name_phrases.segment_id
    left join name_sizes
        on segments.segment_id = name_sizes.segment_id

),

playbook_matches as (

    select
        generated.segment_id,
        segment_playbook.recommended_action,
        segment_playbook.channel,
        segment_playbook.kpi,
        row_number() over (
            partition by generated.segment_id
            order by
                case
                    when segment_playbook.rfm_label is not null and segment_playbook.driver is not null then 1
                    when segment_playbook.rfm_label is not null then 2
                    when segment_playbook.driver is not null then 3
                    else 4
                end,
                coalesce(name_drivers.driver_rank, 0)
        ) as playbook_rank
    from generated
    inner join segment_playbook
        on (segment_playbook.rfm_label = generated.top_rfm_label or segment_playbook.rfm_label is null)
    left join name_drivers
        on generated.segment_id = name_drivers.segment_id
        and segment_playbook.driver = name_drivers.feature_phrase
    where segment_playbook.driver is null or name_drivers.segment_id is not null

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

    -- cast to the types of the contract (_segments__models.yml), alike on every engine
    select
        cast(generated.model_version as {{ dbt.type_string() }}) as model_version,
        cast(generated.segment_id as {{ dbt.type_int() }}) as segment_id,
        cast(generated.segment_origin_version as {{ dbt.type_string() }}) as segment_origin_version,
        cast(generated.generated_name as {{ dbt.type_string() }}) as generated_name,
        cast(
            coalesce(applicable_names.segment_name, generated.generated_name) as {{ dbt.type_string() }}
        ) as segment_name,
        cast(
            coalesce(applicable_names.segment_description, generated.generated_description) as {{ dbt.type_string() }}
        ) as segment_description,
        cast(
            coalesce(applicable_names.recommended_action, playbook_matches.recommended_action)
            as {{ dbt.type_string() }}
        ) as recommended_action,
        cast(coalesce(applicable_names.channel, playbook_matches.channel) as {{ dbt.type_string() }}) as channel,
        cast(coalesce(applicable_names.kpi, playbook_matches.kpi) as {{ dbt.type_string() }}) as kpi,
        cast(
            case when applicable_names.segment_name is not null then 'seed' else 'generated' end
            as {{ dbt.type_string() }}
        ) as name_source,
        cast(generated.training_customers as {{ dbt.type_bigint() }}) as training_customers
    from generated
    left join applicable_names
        on generated.segment_id = applicable_names.segment_id
        and applicable_names.name_rank = 1
    left join playbook_matches
        on generated.segment_id = playbook_matches.segment_id
        and playbook_matches.playbook_rank = 1

)

select * from final
