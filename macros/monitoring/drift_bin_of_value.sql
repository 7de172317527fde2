{#- The join condition that puts a value into its drift bin, shared by the training baseline and the
    current data so both are binned by exactly the same rule:
      bin 0 holds missing values (lower_edge and upper_edge null);
      bin k >= 1 holds lower_edge < value <= upper_edge, a null lower edge meaning -infinity and a null
      upper edge +infinity.
    `value` is the value column, `bin` the alias of a row of segment_training_bins (or its CTE). The
    caller adds the equality on model version and feature. -#}
{% macro drift_bin_of_value(value, bin) %}
    {{ return(adapter.dispatch('drift_bin_of_value', 'dbt_segments')(value, bin)) }}
{% endmacro %}

{% macro default__drift_bin_of_value(value, bin) %}
(
            ({{ value }} is null and {{ bin }}.bin_index = 0)
            or (
                {{ value }} is not null
                and {{ bin }}.bin_index > 0
                and ({{ bin }}.lower_edge is null or {{ value }} > {{ bin }}.lower_edge)
                and ({{ bin }}.upper_edge is null or {{ value }} <= {{ bin }}.upper_edge)
            )
        )
{%- endmacro %}
