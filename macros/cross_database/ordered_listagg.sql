{#- The values of `measure` in a group joined by `delimiter_text` (a quoted SQL string), in ascending order
    of `order_by` (one expression): the order names and mixes are written in. -#}
{% macro ordered_listagg(measure, delimiter_text, order_by) %}
    {%- if order_by is not string or not order_by | trim -%}
        {{ exceptions.raise_compiler_error(
            "ordered_listagg: order_by must be one SQL expression to sort " ~ measure ~ " by, got " ~ order_by ~ ".") }}
    {%- endif -%}
    {{ return(adapter.dispatch('ordered_listagg', 'dbt_segments')(measure, delimiter_text, order_by)) }}
{% endmacro %}

{% macro default__ordered_listagg(measure, delimiter_text, order_by) %}
    {{ dbt.listagg(measure, delimiter_text, 'order by ' ~ order_by) }}
{%- endmacro %}

{#- dbt-spark's listagg ignores its order-by clause (collect_list keeps no order), so the values are
    collected with their sort key and sorted before joining. -#}
{% macro spark__ordered_listagg(measure, delimiter_text, order_by) %}
    array_join(
        transform(
            array_sort(collect_list(named_struct('sort_key', {{ order_by }}, 'value', {{ measure }}))),
            entry -> entry.value),
        {{ delimiter_text }})
{%- endmacro %}
