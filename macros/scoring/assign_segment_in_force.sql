{#- assign_segment with the model customers are scored with: the registry's scaler and centroids
    (segment_model_scalers, segment_model_centroids) at the version model_version_in_force reads from
    segment_model_in_force. What every scoring model and mart calls; call assign_segment itself to
    score with another table or version. Other keyword arguments go to assign_segment (its optional
    outputs: include_distances, include_second_nearest, distance_profile). -#}
{% macro assign_segment_in_force(relation, id_column='customer_id') %}
    {{ return(dbt_segments.assign_segment(
        relation,
        id_column=id_column,
        scaler=ref('segment_model_scalers'),
        centroids=ref('segment_model_centroids'),
        model_version=dbt_segments.model_version_in_force(ref('segment_model_in_force')),
        **kwargs)) }}
{% endmacro %}
