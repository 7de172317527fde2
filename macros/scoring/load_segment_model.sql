{#- Read a fitted segmentation (scaler + centroids) at compile time, checked, for the scoring macro.

    Returns none while the tables do not exist yet or dbt is only parsing; otherwise a dict:
      {model_version, features: [{name, mean, scale}], centroids: [{segment_id, values: [...]}],
       anomaly_thresholds: {segment_id: distance} or none}
    with features in feature_position order and centroids in segment_id order.
    `distance_profile` (optional, a segment_distance_profile relation) adds each segment's anomaly
    distance threshold for the model version.
    Fails with a message naming the fix when the tables disagree with each other or with `relation`. -#}
{% macro load_segment_model(relation, scaler, centroids, model_version=none, distance_profile=none) %}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if load_relation(scaler) is none or load_relation(centroids) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if distance_profile is not none and load_relation(distance_profile) is none -%}
        {{ return(none) }}
    {%- endif -%}

    {%- set versions = run_query(
        "select distinct model_version from " ~ centroids ~ " order by model_version").columns[0].values() | list -%}
    {%- if model_version is none -%}
        {%- if versions | length != 1 -%}
            {{ exceptions.raise_compiler_error(
                "assign_segment: " ~ centroids ~ " holds " ~ (versions | length) ~ " model versions " ~ versions
                ~ "; pass model_version= to choose one.") }}
        {%- endif -%}
        {%- set model_version = versions[0] -%}
    {%- elif model_version not in versions -%}
        {{ exceptions.raise_compiler_error(
            "assign_segment: model version '" ~ model_version ~ "' is not in " ~ centroids
            ~ " (it has " ~ versions ~ "); pin one of those.") }}
    {%- endif -%}

    {#- a registry scaler (segment_model_scalers) holds every version: read the chosen one's rows -#}
    {%- set scaler_columns = adapter.get_columns_in_relation(scaler) | map(attribute='name') | map('lower') | list -%}
    {%- set scaler_filter = (" where model_version = '" ~ model_version ~ "'")
                            if 'model_version' in scaler_columns else "" -%}
    {%- set scaler_rows = run_query(
        "select feature_position, feature, mean, scale from " ~ scaler ~ scaler_filter
        ~ " order by feature_position") -%}
    {%- set features = [] -%}
    {%- for row in scaler_rows -%}
        {%- if not dbt_segments.is_plain_column_name(row['feature']) -%}
            {{ exceptions.raise_compiler_error(
                "assign_segment: the scaler names the feature '" ~ row['feature']
                ~ "', which is not a plain lower-case column name; rebuild " ~ scaler
                ~ " with valid segment_features.") }}
        {%- endif -%}
        {%- do features.append({'name': row['feature'], 'mean': row['mean'], 'scale': row['scale']}) -%}
    {%- endfor -%}
    {%- if features | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "assign_segment: " ~ scaler ~ " is empty; rebuild it (dbt build --select +segment_scaler).") }}
    {%- endif -%}

    {%- if relation is not string -%}
        {%- set available = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
        {%- for feature in features if feature.name not in available -%}
            {{ exceptions.raise_compiler_error(
                "assign_segment: " ~ relation ~ " has no column " ~ feature.name
                ~ ", a feature of the fitted model; add it to that model or refit with the segment_features it has.") }}
        {%- endfor -%}
    {%- endif -%}

    {%- set centroid_rows = run_query(
        "select segment_id, feature_position, feature, centroid_scaled from " ~ centroids
        ~ " where model_version = '" ~ model_version ~ "' order by segment_id, feature_position") -%}
    {%- set segments = [] -%}
    {%- for row in centroid_rows -%}
        {%- if segments | length == 0 or segments[-1]['segment_id'] != row['segment_id'] | int -%}
            {%- do segments.append({'segment_id': row['segment_id'] | int, 'values': []}) -%}
        {%- endif -%}
        {%- set position = segments[-1]['values'] | length -%}
        {%- if position >= features | length or row['feature'] != features[position].name -%}
            {{ exceptions.raise_compiler_error(
                "assign_segment: centroid " ~ row['segment_id'] ~ " of " ~ centroids
                ~ " does not match the features of " ~ scaler
                ~ "; rebuild both together (dbt build --select segment_scaler+).") }}
        {%- endif -%}
        {%- do segments[-1]['values'].append(row['centroid_scaled']) -%}
    {%- endfor -%}
    {%- for segment in segments if segment['values'] | length != features | length -%}
        {{ exceptions.raise_compiler_error(
            "assign_segment: centroid " ~ segment['segment_id'] ~ " of " ~ centroids ~ " lacks features of " ~ scaler
            ~ "; rebuild both together (dbt build --select segment_scaler+).") }}
    {%- endfor -%}

    {%- set thresholds = none -%}
    {%- if distance_profile is not none -%}
        {%- set thresholds = {} -%}
        {%- set profile_rows = run_query(
            "select segment_id, anomaly_distance_threshold from " ~ distance_profile
            ~ " where model_version = '" ~ model_version ~ "'") -%}
        {%- for row in profile_rows -%}
            {%- do thresholds.update({row['segment_id'] | int: row['anomaly_distance_threshold']}) -%}
        {%- endfor -%}
        {%- for segment in segments if segment['segment_id'] not in thresholds -%}
            {{ exceptions.raise_compiler_error(
                "assign_segment: " ~ distance_profile ~ " has no anomaly threshold for segment " ~ segment['segment_id']
                ~ " of model version '" ~ model_version
                ~ "'; rebuild it (dbt build --select segment_distance_profile).") }}
        {%- endfor -%}
    {%- endif -%}

    {{ return({'model_version': model_version, 'features': features, 'centroids': segments,
               'anomaly_thresholds': thresholds}) }}
{% endmacro %}
