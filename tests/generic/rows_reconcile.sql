{#- No raw row is lost: the rows of `model` (a staging model) equal the rows its cleaning model kept
    plus the rows the quarantine holds for `source_table`. `kept_where` narrows `kept` to the rows that
    came from the source (int_customers_cleaned also holds the customers taken from the order lines when
    there is no customers table). Fails with one row showing the three counts. -#}
{% test rows_reconcile(model, kept, quarantine, source_table, kept_where=none) %}

with counts as (

    select
        (select count(*) from {{ model }}) as rows_in,
        (select count(*) from {{ kept }}{% if kept_where %} where {{ kept_where }}{% endif %}) as rows_kept,
        (select count(*) from {{ quarantine }} where source_table = '{{ source_table }}') as rows_quarantined

)

select *
from counts
where rows_in <> rows_kept + rows_quarantined

{% endtest %}
