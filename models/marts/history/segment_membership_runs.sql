{#- One row per build that recorded segment membership (its history_observed_at): how many customers
    were in a segment after it, and how many it saw arrive, come back, move, change model version only,
    or leave. segment_transitions takes its default dates from here (the last two runs). Build it with
    the history (`dbt build --select segment_membership_history+`): a build that skips the history
    must not count as a run. -#}
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

current_versions as (

    select distinct model_version
    from history
    where valid_to is null

),

versions as (

    select {{ dbt.listagg('model_version', "', '", 'order by model_version') }} as model_versions
    from current_versions

),

counts as (

    select
        count(case when valid_to is null then 1 end) as customers,
        count(case when valid_from = {{ observed_at }} and change_reason = 'new' then 1 end) as new_customers,
        count(case when valid_from = {{ observed_at }} and change_reason = 'returned' then 1 end) as returned_customers,
        count(case when valid_from = {{ observed_at }} and change_reason = 'moved' then 1 end) as moved_customers,
        count(case when valid_from = {{ observed_at }} and change_reason = 'model_version' then 1 end) as rescored_customers,
        count(case when valid_to = {{ observed_at }} and close_reason = 'gone' then 1 end) as gone_customers
    from history

),

final as (

    select
        {{ observed_at }} as observed_at,
        cast(versions.model_versions as {{ dbt.type_string() }}) as model_versions,
        cast(counts.customers as {{ dbt.type_bigint() }}) as customers,
        cast(counts.new_customers as {{ dbt.type_bigint() }}) as new_customers,
        cast(counts.returned_customers as {{ dbt.type_bigint() }}) as returned_customers,
        cast(counts.moved_customers as {{ dbt.type_bigint() }}) as moved_customers,
        cast(counts.rescored_customers as {{ dbt.type_bigint() }}) as rescored_customers,
        cast(counts.gone_customers as {{ dbt.type_bigint() }}) as gone_customers
    from counts
    cross join versions

)

select * from final
