{#- segment_feature_screening's post-hook: a dbt warning naming every segment_features column left out of
    the fit and why, so a user learns it from the build output. Returns no SQL. -#}
{% macro warn_unfitted_features(screening) %}
    {%- if execute and load_relation(screening) is not none -%}
        {%- set rows = run_query(
            "select feature, screening_reason, mode_value, mode_share from " ~ screening
            ~ " where not is_fitted order by requested_position") -%}
        {%- set described = [] -%}
        {%- for row in rows -%}
            {%- if row['screening_reason'] == 'all_null' -%}
                {%- do described.append(row['feature'] ~ " (null for every customer)") -%}
            {%- elif row['screening_reason'] == 'constant' -%}
                {%- do described.append(
                    row['feature'] ~ " (constant: every customer has " ~ row['mode_value'] ~ ")") -%}
            {%- else -%}
                {%- do described.append(
                    row['feature'] ~ " (near-constant: " ~ ((row['mode_share'] * 100) | round(1))
                    ~ " % of customers have " ~ row['mode_value'] ~ ")") -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if described -%}
            {%- do exceptions.warn(
                "segment_features left out of the fit, they cannot separate customers in this data: "
                ~ described | join(", ") ~ ". Remove them from the segment_features var to silence this,"
                ~ " or raise near_constant_feature_share (1 keeps every non-constant feature).") -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
