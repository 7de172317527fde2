{#- The combination of `combination_of_columns` is unique: the primary-key test for models whose key
    spans more than one column. Fails with one row per duplicated key. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(', ') }},
    count(*) as duplicate_rows
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
