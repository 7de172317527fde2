{#- The fit sample's checks that involve two settings or the data (validate_settings checks each setting's
    type and bounds first): the sample no larger than the threshold above which it is drawn (else the
    "sample" of a population just above the threshold would be all of it) and larger than every K it must
    fit; the strata a column of customer_features (`columns`, when known). -#}
{% macro validate_fit_sample_settings(columns) %}
    {%- set rules = dbt_segments.settings_rules() -%}
    {%- set size = dbt_segments.setting_value('fit_sample_size') -%}
    {%- set threshold = dbt_segments.setting_value('fit_sample_threshold') -%}
    {%- if size > threshold -%}
        {{ exceptions.raise_compiler_error(dbt_segments.settings_message(
            rules.fit_sample_size_above_threshold, {'size': size, 'threshold': threshold})) }}
    {%- endif -%}
    {%- set n_segments = dbt_segments.setting_value('n_segments') -%}
    {%- set largest_k = [0 if n_segments == 'auto' else n_segments,
                         dbt_segments.setting_value('segment_k_range')[1]] | max -%}
    {%- if size <= largest_k -%}
        {{ exceptions.raise_compiler_error(
            "fit_sample_size is " ~ size ~ ", too small to fit " ~ largest_k
            ~ " segments (n_segments / segment_k_range): set fit_sample_size above " ~ largest_k ~ ", e.g. 200000.") }}
    {%- endif -%}
    {%- set strata = dbt_segments.setting_value('fit_sample_strata') -%}
    {%- if strata is not none and columns and strata | lower not in columns -%}
        {{ exceptions.raise_compiler_error(dbt_segments.settings_message(
            rules.fit_sample_strata_unknown, {'strata': strata, 'columns': columns | sort | join(', ')})) }}
    {%- endif -%}
{% endmacro %}
