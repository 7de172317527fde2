{#- The settings checks that need the cleaned data, run while int_feature_window compiles: after
    cleaning, before any feature or segment mart is replaced. Stops the build, naming the var and the fix,
    when the as_of_date var is before the first clean order line (no customer would have any purchase to
    measure) or a fixed n_segments exceeds the number of clean customers. -#}
{% macro check_data_window(transactions, customers) %}
    {%- if not execute or load_relation(transactions) is none or load_relation(customers) is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set counts = run_query(
        "select cast(min(ordered_at) as date) as first_order_date, "
        ~ "(select count(*) from " ~ customers ~ ") as customer_count from " ~ transactions) -%}
    {%- set first_order_date = counts.columns[0].values()[0] -%}
    {%- set customer_count = counts.columns[1].values()[0] | int -%}
    {%- set as_of = dbt_segments.date_var('as_of_date') -%}
    {%- if as_of is not none and first_order_date is not none and as_of < first_order_date -%}
        {{ exceptions.raise_compiler_error(
            "as_of_date is " ~ as_of ~ ", before the first clean order line (" ~ first_order_date
            ~ "), so before all data: set a later as_of_date, or null for the date of the latest clean order line.") }}
    {%- endif -%}
    {%- set k = dbt_segments.whole_number(var('n_segments')) -%}
    {%- if k is not none and k > customer_count -%}
        {{ exceptions.raise_compiler_error(
            "only " ~ customer_count ~ " customers to segment into " ~ k ~ " segments: lower n_segments (at most "
            ~ customer_count ~ "), or widen the data (raw_data_path).") }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
