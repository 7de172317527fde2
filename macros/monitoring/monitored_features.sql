{#- The features drift monitoring covers, read at compile time: the distinct `feature` values of
    `relation` (segment_centroids for the baseline: the features of every fitted version; the baseline
    bins for segment_drift: the features of every baselined version). Before that table exists
    (parsing, `dbt compile` on a fresh database) it falls back to the segment_features var, which only
    shapes the query that is compiled again before it runs. `where` (SQL) narrows the rows read. -#}
{% macro monitored_features(relation, where=none) %}
    {%- set features = [] -%}
    {%- if execute and load_relation(relation) is not none -%}
        {%- for feature in run_query(
            "select distinct feature from " ~ relation ~ (" where " ~ where if where else "") ~ " order by feature"
        ).columns[0].values() -%}
            {%- do features.append(feature | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for feature in features if not dbt_segments.is_plain_column_name(feature) -%}
        {{ exceptions.raise_compiler_error(
            "drift monitoring: " ~ relation ~ " names the feature '" ~ feature
            ~ "', which is not a plain lower-case column name; refit with valid segment_features.") }}
    {%- endfor -%}
    {%- if features | length == 0 -%}
        {#- only shapes a query compiled again before it runs; a bad name is validate_settings' to report -#}
        {%- for feature in dbt_segments.list_var('segment_features')
            if feature is string and dbt_segments.is_plain_column_name(feature | lower) -%}
            {%- do features.append(feature | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(features) }}
{% endmacro %}
