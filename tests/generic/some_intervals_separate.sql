{#- The rows of `model` differ: at least two rows have confidence intervals
    [`lower_column`, `upper_column`] that do not overlap (the highest lower bound lies above the
    lowest upper bound). Fails with one row when two or more rows all overlap: on segment_backtest,
    the segments would not differ on that outcome. Fewer than two rows pass. -#}
{% test some_intervals_separate(model, lower_column, upper_column) %}

select
    count(*) as intervals,
    max({{ lower_column }}) as highest_lower_bound,
    min({{ upper_column }}) as lowest_upper_bound
from {{ model }}
having count(*) >= 2
    and max({{ lower_column }}) <= min({{ upper_column }})

{% endtest %}
