{#- One row per row of `relation` and feature: <id_column>, feature, feature_value (a double).
    The long form drift monitoring bins; a union of one select per feature, which every engine runs
    (DuckDB's UNPIVOT and Spark's stack() do not port). -#}
{% macro unpivot_features(relation, id_column, features) %}
    {%- if execute and (features is string or features | length == 0) -%}
        {{ exceptions.raise_compiler_error(
            "unpivot_features: pass features= as a non-empty list of column names of " ~ relation ~ ".") }}
    {%- endif -%}
    {%- for feature in features if not dbt_segments.is_plain_column_name(feature) -%}
        {{ exceptions.raise_compiler_error(
            "unpivot_features: '" ~ feature
            ~ "' is not a plain lower-case column name; fix the segment_features var.") }}
    {%- endfor -%}
    {{ return(adapter.dispatch('unpivot_features', 'dbt_segments')(relation, id_column, features)) }}
{% endmacro %}

{% macro default__unpivot_features(relation, id_column, features) %}
    {%- for feature in features %}
    select
        {{ id_column }},
        '{{ feature }}' as feature,
        cast({{ feature }} as {{ dbt_segments.type_double() }}) as feature_value
    from {{ relation }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
