{#- The shop's own model on top of the package's mart: customers per segment. -#}
with customer_segments as (

    select * from {{ ref('dbt_segments', 'customer_segments') }}

),

final as (

    select
        segment_id,
        segment_name,
        count(*) as customers
    from customer_segments
    group by segment_id, segment_name

)

select * from final
