{#- Case 0 of the fixture tables scored by dbt_segments.assign_segment with every optional output:
    distances to all centroids, second-nearest segment and margin, anomaly flag against
    fixture_distance_profile. -#}
{{ dbt_segments.assign_segment(
    api.Relation.create(database=(target.database or none), schema='main', identifier='fixture_rows_0'),
    id_column='row_id',
    scaler=api.Relation.create(database=(target.database or none), schema='main', identifier='fixture_scaler_0'),
    centroids=source('fixture', 'fixture_centroids'),
    model_version='case_0',
    include_distances=true,
    include_second_nearest=true,
    distance_profile=source('fixture', 'fixture_distance_profile')) }}
