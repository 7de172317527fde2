{#- Customers moving between segments from one point in time to another: one row per from-segment and
    to-segment pair, with `new` (not in a segment at the start) and `gone` (not in one at the end) as
    segments of their own. Membership at a time t is the history row valid at t
    (valid_from <= t < valid_to). The two times are the vars transitions_from_at and transitions_to_at;
    null means the last recorded run (segment_membership_runs) and the run before the end time. With a
    single run everyone is `new`.

    `customers` adds up to everyone in a segment at either time; `share` (of that population) adds up
    to 1, and so does `share_of_from_segment` within each from-segment. Segment keys survive retrains,
    so a customer re-scored by a new model version into the same key stays. -#}
{%- set from_at = dbt_segments.timestamp_var('transitions_from_at') -%}
{%- set to_at = dbt_segments.timestamp_var('transitions_to_at') %}

with history as (

    select * from {{ ref('segment_membership_history') }}

),

runs as (

    select * from {{ ref('segment_membership_runs') }}

),

end_time as (

    {% if to_at is not none %}
    select {{ dbt_segments.timestamp_literal(to_at) }} as to_at
    {% else %}
    select max(observed_at) as to_at from runs
    {% endif %}

),

bounds as (

    select
        {% if from_at is not none %}{{ dbt_segments.timestamp_literal(from_at) }}
        {%- else %}max(runs.observed_at){% endif %} as from_at,
        end_time.to_at
    from end_time
    left join runs
        on runs.observed_at < end_time.to_at
    group by end_time.to_at

),

from_state as (

    select history.customer_id, history.segment_id, history.segment_name
    from history
    cross join bounds
    where history.valid_from <= bounds.from_at
        and (history.valid_to is null or history.valid_to > bounds.from_at)

),

to_state as (

    select history.customer_id, history.segment_id, history.segment_name
    from history
    cross join bounds
    where history.valid_from <= bounds.to_at
        and (history.valid_to is null or history.valid_to > bounds.to_at)

),

moves as (

    select
        from_state.segment_id as from_segment_id,
        to_state.segment_id as to_segment_id,
        from_state.segment_name as from_segment_name,
        to_state.segment_name as to_segment_name
    from from_state
    full outer join to_state
        on from_state.customer_id = to_state.customer_id

),

counted as (

    select
        from_segment_id,
        to_segment_id,
        max(from_segment_name) as from_segment_name,
        max(to_segment_name) as to_segment_name,
        count(*) as customers
    from moves
    group by from_segment_id, to_segment_id

),

final as (

    select
        bounds.from_at,
        bounds.to_at,
        cast(coalesce(cast(counted.from_segment_id as {{ dbt.type_string() }}), 'new') as {{ dbt.type_string() }})
            as from_segment,
        cast(coalesce(cast(counted.to_segment_id as {{ dbt.type_string() }}), 'gone') as {{ dbt.type_string() }})
            as to_segment,
        counted.from_segment_id,
        counted.to_segment_id,
        cast(counted.from_segment_name as {{ dbt.type_string() }}) as from_segment_name,
        cast(counted.to_segment_name as {{ dbt.type_string() }}) as to_segment_name,
        cast(case
            when counted.from_segment_id is null then 'new'
            when counted.to_segment_id is null then 'gone'
            when counted.from_segment_id = counted.to_segment_id then 'stayed'
            else 'moved'
        end as {{ dbt.type_string() }}) as movement,
        cast(counted.customers as {{ dbt.type_bigint() }}) as customers,
        cast({{ dbt_segments.safe_divide('cast(counted.customers as ' ~ dbt_segments.type_double() ~ ')',
                                         'sum(counted.customers) over ()') }}
            as {{ dbt_segments.type_double() }}) as share,
        cast({{ dbt_segments.safe_divide('cast(counted.customers as ' ~ dbt_segments.type_double() ~ ')',
                                         'sum(counted.customers) over (partition by counted.from_segment_id)') }}
            as {{ dbt_segments.type_double() }}) as share_of_from_segment
    from counted
    cross join bounds

)

select * from final
