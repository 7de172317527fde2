{#- True when an order id starts with the cancellation_order_id_prefix var (e.g. C: the invoices of a
    cancellation or credit note, as in many ERP exports): such a line is a return of an earlier
    purchase whatever its status and sign say (its quantity is made negative, its amount deducted from
    revenue), never quarantined for its sign. Null (the default) marks no order. -#}
{% macro has_cancellation_prefix(order_id) %}
    {%- set prefix = var('cancellation_order_id_prefix', none) -%}
    {%- if prefix is none or prefix == '' -%}{{ return('false') }}{%- endif -%}
    {%- if prefix is not string or modules.re.search('[\'"`\\\\\\x00-\\x1f\\x7f]', prefix) -%}
        {{ exceptions.raise_compiler_error(
            "cancellation_order_id_prefix is " ~ dbt_segments.shown(prefix)
            ~ ": set it to the text that starts a cancellation's order id (e.g. C), without quotes or backslashes,"
            ~ " or to null.") }}
    {%- endif -%}
    {{ return("coalesce(substring(" ~ dbt_segments.clean_text(order_id) ~ ", 1, " ~ prefix | length ~ ") = '"
        ~ prefix ~ "', false)") }}
{% endmacro %}
