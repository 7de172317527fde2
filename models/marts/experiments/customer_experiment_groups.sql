{#- One row per experiment of the experiments var and customer: treatment or holdout, the segment the
    customer was in when the group was drawn, and the experiment's share and window.

    - the draw: within each (experiment, segment at assignment) customers are ordered by
      sha256_hex(experiment_salt || '|' || experiment || '|' || customer_id) and the first
      round(holdout_share x customers) are the holdout. The hash knows nothing of segments, so each segment's
      holdout is a simple random sample of it, of exactly its share (stratified: within half a customer,
      where a plain `hash < share` rule misses by a binomial error of about 1 point at 1,000 customers);
    - frozen: a customer keeps the group first drawn, read back from the table this model replaces (as
      segment_export reads its previous self), so rebuilds, retrains and segment changes never reshuffle it
      and segment_id stays the segment at assignment. A customer new to an experiment is drawn within their
      segment, the holdout filled up to round(holdout_share x customers) of the segment as assigned so far;
    - the experiment's fields (holdout_share, dates) are the var's; changing them later moves no customer
      (rename the experiment to draw afresh). An experiment removed from the var loses its rows; an empty
      var builds an empty table, so segment_export and segment_campaign_lift still build. -#}
{%- set experiments = dbt_segments.experiments() if execute else [] -%}
{%- set salt = var('experiment_salt') | string -%}
{%- set assigned_at = dbt_segments.timestamp_literal(dbt_segments.history_observed_at()) -%}
{%- set previous_groups = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier)
    if execute else none %}

with customer_segments as (

    select * from {{ ref('customer_segments') }}

),

{% if previous_groups is not none %}

previous_groups as (

    select * from {{ previous_groups }}

),

{% endif %}

experiments as (

    {% for experiment in experiments %}
    select
        cast({{ dbt.string_literal(experiment.name) }} as {{ dbt.type_string() }}) as experiment_name,
        cast({{ experiment.holdout_share }} as {{ dbt_segments.type_double() }}) as holdout_share,
        cast({{ dbt.string_literal(experiment.start_date) }} as date) as start_date,
        cast({{ dbt.string_literal(experiment.end_date) }} as date) as end_date
    {% if not loop.last %}union all{% endif %}
    {% else %}
    select
        cast(null as {{ dbt.type_string() }}) as experiment_name,
        cast(null as {{ dbt_segments.type_double() }}) as holdout_share,
        cast(null as date) as start_date,
        cast(null as date) as end_date
    where 1 = 0
    {% endfor %}

),

kept as (

    {% if previous_groups is not none %}
    select
        previous_groups.experiment_name,
        previous_groups.customer_id,
        previous_groups.experiment_group,
        previous_groups.segment_id,
        previous_groups.assigned_at
    from previous_groups
    inner join experiments
        on previous_groups.experiment_name = experiments.experiment_name
    {% else %}
    select
        cast(null as {{ dbt.type_string() }}) as experiment_name,
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as experiment_group,
        cast(null as {{ dbt.type_int() }}) as segment_id,
        cast(null as {{ dbt.type_timestamp() }}) as assigned_at
    where 1 = 0
    {% endif %}

),

kept_strata as (

    select
        experiment_name,
        segment_id,
        count(*) as kept_customers,
        sum(case when experiment_group = 'holdout' then 1 else 0 end) as kept_holdout
    from kept
    group by experiment_name, segment_id

),

unassigned as (

    select
        experiments.experiment_name,
        experiments.holdout_share,
        customer_segments.customer_id,
        customer_segments.segment_id,
        {{ dbt_segments.sha256_hex(dbt.concat([
            dbt.string_literal(salt ~ '|'), 'experiments.experiment_name', "'|'",
            'customer_segments.customer_id'])) }} as draw_key
    from customer_segments
    cross join experiments
    left join kept
        on experiments.experiment_name = kept.experiment_name
        and customer_segments.customer_id = kept.customer_id
    where kept.customer_id is null

),

ranked as (

    select
        unassigned.*,
        row_number() over (
            partition by experiment_name, segment_id order by draw_key, customer_id) as draw_rank,
        count(*) over (partition by experiment_name, segment_id) as new_customers
    from unassigned

),

quotas as (

    select
        ranked.*,
        greatest(0, least(
            ranked.new_customers,
            cast(round(ranked.holdout_share * (coalesce(kept_strata.kept_customers, 0) + ranked.new_customers))
                 as {{ dbt.type_int() }})
            - coalesce(kept_strata.kept_holdout, 0))) as holdout_quota
    from ranked
    left join kept_strata
        on ranked.experiment_name = kept_strata.experiment_name
        and ranked.segment_id = kept_strata.segment_id

),

drawn as (

    select
        experiment_name,
        customer_id,
        case when draw_rank <= holdout_quota then 'holdout' else 'treatment' end as experiment_group,
        segment_id,
        {{ assigned_at }} as assigned_at
    from quotas

),

groups as (

    select * from kept
    union all
    select * from drawn

),

final as (

    select
        cast(groups.experiment_name as {{ dbt.type_string() }}) as experiment_name,
        cast(groups.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(groups.experiment_group as {{ dbt.type_string() }}) as experiment_group,
        cast(groups.experiment_group = 'holdout' as {{ dbt.type_boolean() }}) as is_holdout,
        cast(groups.segment_id as {{ dbt.type_int() }}) as segment_id,
        cast(groups.assigned_at as {{ dbt.type_timestamp() }}) as assigned_at,
        cast(experiments.holdout_share as {{ dbt_segments.type_double() }}) as holdout_share,
        cast(experiments.start_date as date) as start_date,
        cast(experiments.end_date as date) as end_date
    from groups
    inner join experiments
        on groups.experiment_name = experiments.experiment_name

)

select * from final
