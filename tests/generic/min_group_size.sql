{#- Every non-null value of `column_name` is shared by at least `min_size` rows: no group is small enough
    to point at a handful of people. Fails with one row per smaller group. -#}
{% test min_group_size(model, column_name, min_size) %}

select
    {{ column_name }} as group_value,
    count(*) as group_rows
from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) < {{ min_size }}

{% endtest %}
