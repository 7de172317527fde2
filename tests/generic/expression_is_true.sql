{#- Every row satisfies `expression` (a SQL boolean over the model's columns). Fails with the rows
    that do not. -#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not ({{ expression }})

{% endtest %}
