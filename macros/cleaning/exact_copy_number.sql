{#- 1 for the first of a set of identical raw rows, 2, 3, ... for its exact copies: the rule every
    cleaning model quarantines `exact_duplicate` by. Identical rows are interchangeable, so which one
    counts as the first does not matter. `columns` are the raw columns, `qualifier` an optional
    table alias to prefix them with. -#}
{% macro exact_copy_number(columns, qualifier=none) %}
    {%- set qualified = [] -%}
    {%- for column in columns -%}
        {%- do qualified.append((qualifier ~ '.' if qualifier else '') ~ column) -%}
    {%- endfor -%}
    {#- the rows of a partition are identical, so ordering by one column is as good as by all (and some
        engines need an order for row_number) -#}
    row_number() over (
        partition by {{ qualified | join(', ') }}
        order by {{ qualified[0] }}
    )
{%- endmacro %}
