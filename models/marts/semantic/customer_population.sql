{#- One row per segmented customer (customer_segments with their customer_features row, the customers
    segment_profiles counts) and how many segmented customers there are in all: the denominator of the
    segment_share metric. MetricFlow groups a ratio's numerator and denominator by the same dimensions, so
    "customers in the segment / all customers" needs the total on every row; max(population_customers) is
    the total whatever the query groups or filters by. -#}
with customer_segments as (

    select * from {{ ref('customer_segments') }}

),

customer_features as (

    select * from {{ ref('customer_features') }}

),

segmented as (

    select
        customer_segments.customer_id,
        customer_features.as_of_date
    from customer_segments
    inner join customer_features
        on customer_segments.customer_id = customer_features.customer_id

),

final as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        as_of_date,
        cast(count(*) over () as {{ dbt.type_bigint() }}) as population_customers
    from segmented

)

select * from final
