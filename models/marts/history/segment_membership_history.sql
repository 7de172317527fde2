{#- Segment membership as a slowly changing dimension (type 2): one row per customer and spell in a
    segment under one model version, valid from `valid_from` up to (not including) `valid_to`; the
    open row (valid_to null) is the customer's membership now.

    Each build compares customer_segments with the open rows and, at one time (history_observed_at:
    the var, else the run's start, the clock of scored_at), closes the rows that no longer hold --
    the customer moved (`moved`), was re-scored by another model version in the same segment
    (`model_version`), or left customer_features (`gone`) -- and opens rows for the new state (`new`,
    `moved`, `model_version`, `returned` after being gone). Incremental (delete+insert on customer_id,
    valid_from), so a build writes only the rows that changed; full_refresh is off because the past
    cannot be rebuilt from today's data.

    segment_entered_at and previous_segment_id describe the customer's spell in the segment: a
    model-version change inside the same segment carries them over, so they answer "since when, and
    from where". -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['customer_id', 'valid_from'],
    on_schema_change='fail',
    full_refresh=false) }}

{%- set observed_at = dbt_segments.timestamp_literal(dbt_segments.history_observed_at()) %}

with customer_segments as (

    select * from {{ ref('customer_segments') }}

),

{% if is_incremental() %}

history as (

    select * from {{ this }}

),

{% else %}

history as (

    -- first build: nothing recorded yet
    select
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_timestamp() }}) as valid_from,
        cast(null as {{ dbt.type_timestamp() }}) as valid_to,
        cast(null as {{ dbt.type_boolean() }}) as is_current,
        cast(null as {{ dbt.type_int() }}) as segment_id,
        cast(null as {{ dbt.type_string() }}) as segment_name,
        cast(null as {{ dbt.type_string() }}) as model_version,
        cast(null as {{ dbt.type_string() }}) as change_reason,
        cast(null as {{ dbt.type_string() }}) as close_reason,
        cast(null as {{ dbt.type_int() }}) as previous_segment_id,
        cast(null as {{ dbt.type_timestamp() }}) as segment_entered_at
    where 1 = 0

),

{% endif %}

open_rows as (

    select * from history
    where valid_to is null

),

last_closed_rows as (

    -- where a customer who is not in a segment now was last seen (for customers who come back)
    select customer_id, segment_id
    from (
        select
            history.customer_id,
            history.segment_id,
            row_number() over (partition by history.customer_id order by history.valid_to desc) as recency
        from history
        left join open_rows
            on history.customer_id = open_rows.customer_id
        where open_rows.customer_id is null
    ) as ranked
    where recency = 1

),

closed_rows as (

    select
        open_rows.customer_id,
        open_rows.valid_from,
        {{ observed_at }} as valid_to,
        false as is_current,
        open_rows.segment_id,
        open_rows.segment_name,
        open_rows.model_version,
        open_rows.change_reason,
        case
            when customer_segments.customer_id is null then 'gone'
            when customer_segments.segment_id <> open_rows.segment_id then 'moved'
            else 'model_version'
        end as close_reason,
        open_rows.previous_segment_id,
        open_rows.segment_entered_at
    from open_rows
    left join customer_segments
        on open_rows.customer_id = customer_segments.customer_id
    where customer_segments.customer_id is null
        or customer_segments.segment_id <> open_rows.segment_id
        or customer_segments.model_version <> open_rows.model_version

),

opened_rows as (

    select
        customer_segments.customer_id,
        {{ observed_at }} as valid_from,
        cast(null as {{ dbt.type_timestamp() }}) as valid_to,
        true as is_current,
        customer_segments.segment_id,
        customer_segments.segment_name,
        customer_segments.model_version,
        case
            when open_rows.customer_id is not null and open_rows.segment_id <> customer_segments.segment_id then 'moved'
            when open_rows.customer_id is not null then 'model_version'
            when last_closed_rows.customer_id is not null then 'returned'
            else 'new'
        end as change_reason,
        cast(null as {{ dbt.type_string() }}) as close_reason,
        case
            when open_rows.segment_id = customer_segments.segment_id then open_rows.previous_segment_id
            else coalesce(open_rows.segment_id, last_closed_rows.segment_id)
        end as previous_segment_id,
        case
            when open_rows.segment_id = customer_segments.segment_id then open_rows.segment_entered_at
            else {{ observed_at }}
        end as segment_entered_at
    from customer_segments
    left join open_rows
        on customer_segments.customer_id = open_rows.customer_id
    left join last_closed_rows
        on customer_segments.customer_id = last_closed_rows.customer_id
    where open_rows.customer_id is null
        or customer_segments.segment_id <> open_rows.segment_id
        or customer_segments.model_version <> open_rows.model_version

),

changed_rows as (

    select * from closed_rows
    union all
    select * from opened_rows

),

final as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(valid_from as {{ dbt.type_timestamp() }}) as valid_from,
        cast(valid_to as {{ dbt.type_timestamp() }}) as valid_to,
        cast(is_current as {{ dbt.type_boolean() }}) as is_current,
        cast(segment_id as {{ dbt.type_int() }}) as segment_id,
        cast(segment_name as {{ dbt.type_string() }}) as segment_name,
        cast(model_version as {{ dbt.type_string() }}) as model_version,
        cast(change_reason as {{ dbt.type_string() }}) as change_reason,
        cast(close_reason as {{ dbt.type_string() }}) as close_reason,
        cast(previous_segment_id as {{ dbt.type_int() }}) as previous_segment_id,
        cast(segment_entered_at as {{ dbt.type_timestamp() }}) as segment_entered_at
    from changed_rows

)

select * from final
