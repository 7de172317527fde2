{#- Nearest-centroid scoring, entirely in SQL.

    Returns a select statement with one row per row of `relation`:
      <id_column>, segment_id, squared_distance, model_version
    Each feature is standardized with the scaler table ((value - mean) / scale; a null or a NaN becomes
    the training mean, i.e. 0, as numpy's reference does; +/-Infinity is kept, ties every centroid at an
    infinite distance and so goes to segment 0), then assigned to the centroid at the smallest squared
    Euclidean distance.
    Ties go to the lowest segment id, the rule scikit-learn's KMeans.predict follows.

    The scaler and centroid tables are read once at compile time and written into the query as
    literals, so scoring is one pass over `relation` with no join (the fastest form measured on DuckDB;
    see benchmarks/). Before those tables exist (parsing, `dbt compile` or `dbt docs generate` on a
    fresh database) the macro emits an empty query of the same shape.

    Arguments:
      relation       the rows to score (a ref() or source()); must hold every feature of the scaler
      id_column      the column identifying a row, carried through
      scaler         relation of the scaler table (feature_position, feature, mean, scale)
      centroids      relation of the centroid table (model_version, segment_id, feature_position,
                     feature, centroid_scaled)
      model_version  which version of the centroid table to use; none = the only one it holds

    Optional outputs (off by default; the default output is unchanged), added after model_version:
      include_distances       squared_distance_to_<k> for every segment k (like BigQuery ML's
                              NEAREST_CENTROIDS_DISTANCE)
      include_second_nearest  second_segment_id, second_squared_distance and segment_margin =
                              distance to the second-nearest centroid minus distance to the nearest
                              (Euclidean; 0 on a tie, a confidence). Ties go to the lowest id again.
      distance_profile        a segment_distance_profile relation: adds anomaly_score = distance /
                              the segment's anomaly_distance_threshold (its training distances'
                              1 - contamination quantile) and is_anomaly = anomaly_score > 1
                              (like ML.DETECT_ANOMALIES). -#}
{% macro assign_segment(relation, id_column, scaler, centroids, model_version=none, include_distances=false,
                        include_second_nearest=false, distance_profile=none) %}
    {%- if include_distances not in [true, false] or include_second_nearest not in [true, false] -%}
        {{ exceptions.raise_compiler_error(
            "assign_segment: include_distances and include_second_nearest take true or false, got "
            ~ include_distances ~ " and " ~ include_second_nearest ~ ".") }}
    {%- endif -%}
    {{ return(adapter.dispatch('assign_segment', 'dbt_segments')(
        relation, id_column, scaler, centroids, model_version,
        include_distances, include_second_nearest, distance_profile)) }}
{% endmacro %}

{% macro default__assign_segment(relation, id_column, scaler, centroids, model_version, include_distances=false,
                                 include_second_nearest=false, distance_profile=none) %}
    {%- set model = dbt_segments.load_segment_model(relation, scaler, centroids, model_version, distance_profile) -%}
    {%- if model is none %}
    select
        {{ id_column }},
        cast(null as {{ dbt.type_int() }}) as segment_id,
        cast(null as {{ dbt_segments.type_double() }}) as squared_distance,
        cast(null as {{ dbt.type_string() }}) as model_version
        {%- if include_distances or include_second_nearest or distance_profile is not none %}
        {{- dbt_segments.assign_segment_extra_columns(
            none, include_distances, include_second_nearest, distance_profile is not none) }}
        {%- endif %}
    from {{ relation }}
    where 1 = 0
    {%- elif include_distances or include_second_nearest or distance_profile is not none %}
    {{ dbt_segments.assign_segment_detailed(model, relation, id_column, include_distances, include_second_nearest) }}
    {%- else %}
    {%- set segment_ids = model.centroids | map(attribute='segment_id') | list %}
    select
        {{ id_column }},
        case
            {%- for segment_id in segment_ids %}
            when distance_{{ segment_id }} = nearest_distance then {{ segment_id }}
            {%- endfor %}
        end as segment_id,
        nearest_distance as squared_distance,
        '{{ model.model_version }}' as model_version
    from (
        {{ dbt_segments.assign_segment_distances(model, relation, id_column) | indent(8) }}
    ) as nearest
    {%- endif %}
{% endmacro %}

{#- The typed empty optional columns for the query assign_segment emits before the fit exists (parsing,
    `dbt compile` on a fresh database). The per-segment distance columns are left out: K is unknown
    until the centroid table exists, and the real query is compiled again just before it runs. -#}
{% macro assign_segment_extra_columns(model, include_distances, include_second_nearest, include_anomaly) %}
    {%- if include_second_nearest %},
        cast(null as {{ dbt.type_int() }}) as second_segment_id,
        cast(null as {{ dbt_segments.type_double() }}) as second_squared_distance,
        cast(null as {{ dbt_segments.type_double() }}) as segment_margin
    {%- endif %}
    {%- if include_anomaly %},
        cast(null as {{ dbt_segments.type_double() }}) as anomaly_score,
        cast(null as {{ dbt.type_boolean() }}) as is_anomaly
    {%- endif %}
{%- endmacro %}

{#- assign_segment with optional outputs: the same single pass, with the nearest segment computed one
    level down so the second-nearest and anomaly columns can use it. Distances and labels are the same
    expressions as the default form, so labels agree exactly. -#}
{% macro assign_segment_detailed(model, relation, id_column, include_distances, include_second_nearest) %}
    {%- set segment_ids = model.centroids | map(attribute='segment_id') | list %}
    {%- set thresholds = model.anomaly_thresholds %}
    select
        {{ id_column }},
        segment_id,
        squared_distance,
        '{{ model.model_version }}' as model_version
        {%- if include_distances %}
        {%- for segment_id in segment_ids %},
        distance_{{ segment_id }} as squared_distance_to_{{ segment_id }}
        {%- endfor %}
        {%- endif %}
        {%- if include_second_nearest %},
        {%- if segment_ids | length == 1 %}
        cast(null as {{ dbt.type_int() }}) as second_segment_id,
        {%- else %}
        case
            {%- for segment_id in segment_ids %}
            when segment_id <> {{ segment_id }} and distance_{{ segment_id }} = second_squared_distance
                then {{ segment_id }}
            {%- endfor %}
        end as second_segment_id,
        {%- endif %}
        second_squared_distance,
        sqrt(second_squared_distance) - sqrt(squared_distance) as segment_margin
        {%- endif %}
        {%- if thresholds is not none %},
        case segment_id
            {%- for segment_id in segment_ids %}
            {%- set threshold = thresholds[segment_id] | float %}
            when {{ segment_id }} then
                {%- if threshold > 0 %} sqrt(squared_distance) / {{ dbt_segments.double_literal(threshold) }}
                {%- else %} cast(null as {{ dbt_segments.type_double() }})
                {%- endif %}
            {%- endfor %}
        end as anomaly_score,
        case segment_id
            {%- for segment_id in segment_ids %}
            when {{ segment_id }}
                then sqrt(squared_distance) > {{ dbt_segments.double_literal(thresholds[segment_id]) }}
            {%- endfor %}
        end as is_anomaly
        {%- endif %}
    from (
        select
            *
            {%- if include_second_nearest %},
            {%- if segment_ids | length == 1 %}
            cast(null as {{ dbt_segments.type_double() }}) as second_squared_distance
            {%- else %}
            case segment_id
                {%- for segment_id in segment_ids %}
                {%- set others = segment_ids | reject('equalto', segment_id) | list %}
                when {{ segment_id }} then
                    {%- if others | length == 1 %} distance_{{ others[0] }}
                    {%- else %} least(
                        {%- for other in others %}distance_{{ other }}{{ ", " if not loop.last }}{% endfor -%}
                    )
                    {%- endif %}
                {%- endfor %}
            end as second_squared_distance
            {%- endif %}
            {%- endif %}
        from (
            select
                *,
                case
                    {%- for segment_id in segment_ids %}
                    when distance_{{ segment_id }} = nearest_distance then {{ segment_id }}
                    {%- endfor %}
                end as segment_id,
                nearest_distance as squared_distance
            from (
                {{ dbt_segments.assign_segment_distances(model, relation, id_column) | indent(16) }}
            ) as distances
        ) as nearest
    ) as ranked
{%- endmacro %}

{#- id, distance_<k> for every segment and nearest_distance: standardize (null and NaN -> the mean),
    squared Euclidean distance summed feature by feature, least(). Both forms of assign_segment score
    through it, so their labels agree exactly. -#}
{% macro assign_segment_distances(model, relation, id_column) %}
    {%- set segment_ids = model.centroids | map(attribute='segment_id') | list %}
    select
        *,
        {%- if segment_ids | length == 1 %}
        distance_{{ segment_ids[0] }} as nearest_distance
        {%- else %}
        least(
            {%- for segment_id in segment_ids %}
            distance_{{ segment_id }}{{ "," if not loop.last }}
            {%- endfor %}
        ) as nearest_distance
        {%- endif %}
    from (
        select
            {{ id_column }},
            {%- for centroid in model.centroids %}
            {% for value in centroid['values'] -%}
            (scaled_{{ loop.index0 }} - {{ dbt_segments.double_literal(value) }})
            * (scaled_{{ loop.index0 }} - {{ dbt_segments.double_literal(value) }})
            {%- if not loop.last %}
            + {% endif %}
            {%- endfor %} as distance_{{ centroid['segment_id'] }}{{ "," if not loop.last }}
            {%- endfor %}
        from (
            select
                {{ id_column }},
                {%- for feature in model.features %}
                coalesce(
                    (nullif({{ feature.name }}, cast('NaN' as {{ dbt_segments.type_double() }}))
                        - {{ dbt_segments.double_literal(feature.mean) }})
                    / {{ dbt_segments.double_literal(feature.scale) }},
                    0) as scaled_{{ loop.index0 }}{{ "," if not loop.last }}
                {%- endfor %}
            from {{ relation }}
        ) as standardized
    ) as squared
{%- endmacro %}
