{#- Fails (with the rows) when any segment of `model` has `verdict` in `column_name`: used on
    segment_stability to warn on doubtful and stop on unstable segments. -#}
{% test no_segment_with_verdict(model, column_name, verdict) %}

select *
from {{ model }}
where {{ column_name }} = '{{ verdict }}'

{% endtest %}
