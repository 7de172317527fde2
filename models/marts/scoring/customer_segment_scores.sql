{#- Every customer with the full scoring detail of assign_segment: squared distance to every centroid,
    the second-nearest segment and the margin to it, and the anomaly flag against the segment's training
    distance distribution. The columns squared_distance_to_<k> follow the K of the model version in force
    (the pinned one, else the one segment_models publishes). -#}
with scored as (

    {{ dbt_segments.assign_segment_in_force(
        ref('customer_features'),
        include_distances=true,
        include_second_nearest=true,
        distance_profile=ref('segment_distance_profile')) }}

),

final as (

    select
        *,
        sqrt(squared_distance) as distance_to_centroid
    from scored

)

select * from final
