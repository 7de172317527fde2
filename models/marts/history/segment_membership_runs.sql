{#- One row per build that recorded segment membership (its history_observed_at): how many customers
    were in a segment after it, and how many it saw arrive, come back, move, change model version only,
    or leave. segment_transitions takes its default dates from here (the last two runs). Build it with
    the history (`dbt build --select segment_membership_history+`): a build that skips the history
    must not count as a run.
    A build that stopped after recording the history and before its run row leaves a time in the
    history that has no row here: the next build adds it, counted from the history as it was then
    (a row is in a segment at t when valid_from <= t < valid_to). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='observed_at',
    on_schema_change='fail',
    full_refresh=false) }}

{%- set observed_at = dbt_segments.timestamp_literal(dbt_segments.history_observed_at()) %}

with history as (

    select * from {{ ref('segment_membership_history') }}

),

{% if is_incremental() %}

recorded_runs as (

    select observed_at from {{ this }}

),

{% endif %}

history_times as (

    select valid_from as observed_at from history
    union
    select valid_to as observed_at from history where valid_to is not null

),

observations as (

    -- this build, and any recorded change whose build stopped before its run row
    select {{ observed_at }} as observed_at
    union
    select observed_at from history_times
    {%- if is_incremental() %}
    where observed_at not in (select observed_at from recorded_runs)
    {%- endif %}

),

memberships as (

    select
        observations.observed_at,
        history.model_version
    from observations
    inner join history
        on history.valid_from <= observations.observed_at
        and (history.valid_to is null or history.valid_to > observations.observed_at)

),

versions as (

    select
        observed_at,
        {{ dbt_segments.ordered_listagg('model_version', "', '", 'model_version') }} as model_versions
    from (select distinct observed_at, model_version from memberships) as current_versions
    group by observed_at

),

customers as (

    select observed_at, count(*) as customers
    from memberships
    group by observed_at

),

changes as (

    select
        observations.observed_at,
        count(case
            when history.valid_from = observations.observed_at and history.change_reason = 'new' then 1
        end) as new_customers,
        count(case
            when history.valid_from = observations.observed_at and history.change_reason = 'returned' then 1
        end) as returned_customers,
        count(case
            when history.valid_from = observations.observed_at and history.change_reason = 'moved' then 1
        end) as moved_customers,
        count(case
            when history.valid_from = observations.observed_at and history.change_reason = 'model_version' then 1
        end) as rescored_customers,
        count(case
            when history.valid_to = observations.observed_at and history.close_reason = 'gone' then 1
        end) as gone_customers
    from observations
    left join history
        on history.valid_from = observations.observed_at
        or history.valid_to = observations.observed_at
    group by observations.observed_at

),

final as (

    select
        cast(changes.observed_at as {{ dbt.type_timestamp() }}) as observed_at,
        cast(versions.model_versions as {{ dbt.type_string() }}) as model_versions,
        cast(coalesce(customers.customers, 0) as {{ dbt.type_bigint() }}) as customers,
        cast(changes.new_customers as {{ dbt.type_bigint() }}) as new_customers,
        cast(changes.returned_customers as {{ dbt.type_bigint() }}) as returned_customers,
        cast(changes.moved_customers as {{ dbt.type_bigint() }}) as moved_customers,
        cast(changes.rescored_customers as {{ dbt.type_bigint() }}) as rescored_customers,
        cast(changes.gone_customers as {{ dbt.type_bigint() }}) as gone_customers
    from changes
    left join customers
        on changes.observed_at = customers.observed_at
    left join versions
        on changes.observed_at = versions.observed_at

)

select * from final
