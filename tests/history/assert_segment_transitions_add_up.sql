{#- segment_transitions adds up: its customers are everyone with a membership at from_at or to_at (in
    segment_membership_history), its shares sum to 1, and so do the shares within each from-segment.
    Returns one row per broken sum. -#}
with transitions as (

    select * from {{ ref('segment_transitions') }}

),

history as (

    select * from {{ ref('segment_membership_history') }}

),

bounds as (

    select distinct from_at, to_at from transitions

),

population as (

    select count(distinct history.customer_id) as customers
    from history
    cross join bounds
    where (history.valid_from <= bounds.from_at and (history.valid_to is null or history.valid_to > bounds.from_at))
        or (history.valid_from <= bounds.to_at and (history.valid_to is null or history.valid_to > bounds.to_at))

),

totals as (

    select sum(customers) as customers, sum(share) as share
    from transitions

),

from_segment_totals as (

    select from_segment, sum(share_of_from_segment) as share
    from transitions
    group by from_segment

),

broken as (

    select 'customers' as total, cast(totals.customers as {{ dbt_segments.type_double() }}) as value
    from totals
    cross join population
    where totals.customers <> population.customers
    union all
    select 'share', totals.share
    from totals
    where abs(totals.share - 1) > 1e-9
    union all
    select {{ dbt.concat(["'share_of_from_segment of '", 'from_segment']) }}, share
    from from_segment_totals
    where abs(share - 1) > 1e-9

)

select * from broken
