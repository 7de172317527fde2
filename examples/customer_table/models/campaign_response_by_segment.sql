{#- How each segment answered the campaigns: the data's own held-out outcome (Response, the last
    campaign) and the five earlier offers, per segment of customer_segments. The package's back-test
    needs order history; a customer table brings its outcome as a column instead. Response and the
    AcceptedCmp columns are read as numbers by the package (customer_table_numeric_columns) and are
    not clustering features, so this compares segments on something the fit did not see. -#}
with customer_segments as (

    select * from {{ ref('customer_segments') }}

),

customer_features as (

    select * from {{ ref('customer_features') }}

),

segmented as (

    select
        customer_segments.segment_id,
        customer_segments.segment_name,
        customer_features.response,
        customer_features.campaigns_accepted
    from customer_segments
    inner join customer_features
        on customer_segments.customer_id = customer_features.customer_id

),

final as (

    select
        segment_id,
        segment_name,
        count(*) as customers,
        cast(sum(response) as bigint) as responders,
        -- exact decimals, so two builds give the same last digit
        cast(avg(cast(response as decimal(18, 6))) as double) as response_rate,
        cast(avg(cast(campaigns_accepted as decimal(18, 6))) as double) as avg_earlier_offers_accepted
    from segmented
    group by segment_id, segment_name

)

select * from final
