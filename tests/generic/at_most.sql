{#- Every value of `column_name` is at most `threshold` (a number); fails with the rows above it.
    segment_health carries it twice, at the drift warning and error thresholds, with severity warn
    and error. Nulls pass. -#}
{% test at_most(model, column_name, threshold) %}

select *
from {{ model }}
where {{ column_name }} > {{ dbt_segments.double_literal(threshold) }}

{% endtest %}
