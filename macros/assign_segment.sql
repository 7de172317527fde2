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
      model_version  which version of the centroid table to use; none = the only one it holds -#}
{% macro assign_segment(relation, id_column, scaler, centroids, model_version=none) %}
    {{ return(adapter.dispatch('assign_segment', 'dbt_segments')(relation, id_column, scaler, centroids, model_version)) }}
{% endmacro %}

{% macro default__assign_segment(relation, id_column, scaler, centroids, model_version) %}
    {%- set model = dbt_segments.load_segment_model(relation, scaler, centroids, model_version) -%}
    {%- if model is none %}
    select
        {{ id_column }},
        cast(null as {{ dbt.type_int() }}) as segment_id,
        cast(null as {{ dbt_segments.type_double() }}) as squared_distance,
        cast(null as {{ dbt.type_string() }}) as model_version
    from {{ relation }}
    where 1 = 0
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
                (scaled_{{ loop.index0 }} - {{ dbt_segments.double_literal(value) }}) * (scaled_{{ loop.index0 }} - {{ dbt_segments.double_literal(value) }})
                {%- if not loop.last %}
                + {% endif %}
                {%- endfor %} as distance_{{ centroid['segment_id'] }}{{ "," if not loop.last }}
                {%- endfor %}
            from (
                select
                    {{ id_column }},
                    {%- for feature in model.features %}
                    coalesce((nullif({{ feature.name }}, cast('NaN' as {{ dbt_segments.type_double() }})) - {{ dbt_segments.double_literal(feature.mean) }}) / {{ dbt_segments.double_literal(feature.scale) }}, 0) as scaled_{{ loop.index0 }}{{ "," if not loop.last }}
                    {%- endfor %}
                from {{ relation }}
            ) as standardized
        ) as distances
    ) as nearest
    {%- endif %}
{% endmacro %}
