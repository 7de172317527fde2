{#- int_feature_window for a customer table: the as_of_date var, else the latest signup date of a clean
    customer (a table of customers describes them at least as late as its newest one arrived).
    Before any feature or segment mart is replaced it stops the build, naming the fix, when every row
    was quarantined (with the reasons, their counts and a raw row), when there is no date to measure at,
    or when a fixed n_segments exceeds the clean customers. -#}
{% macro customer_table_feature_window(cleaned, validated) %}
    {%- do dbt_segments.check_customer_table_window(cleaned, validated) %}
with customers as (

    select * from {{ cleaned }}

),

final as (

    {% if var('as_of_date') -%}
    select cast('{{ var("as_of_date") }}' as date) as as_of_date
    {%- else -%}
    select max(signup_date) as as_of_date from customers
    {%- endif %}

)

select * from final
{%- endmacro %}

{% macro check_customer_table_window(cleaned, validated) %}
    {%- if not execute or load_relation(cleaned) is none or load_relation(validated) is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set counts = run_query(
        "select (select count(*) from " ~ cleaned ~ ") as kept, "
        ~ "(select count(*) from " ~ validated ~ ") as arrived, "
        ~ "(select max(signup_date) from " ~ cleaned ~ ") as latest_signup") -%}
    {%- set kept = counts.columns[0].values()[0] | int -%}
    {%- set arrived = counts.columns[1].values()[0] | int -%}
    {%- set table = var('customer_table') -%}
    {%- if kept == 0 -%}
        {%- set reasons = run_query(
            "select rejection_reason, count(*) as row_count, min(rejected_value) as example from " ~ validated
            ~ " group by rejection_reason order by count(*) desc, rejection_reason") -%}
        {%- set hints = {
            'missing_customer_id': 'set customer_table_id_column to the id column',
            'unparseable_number': 'list only numeric columns in customer_table_numeric_columns',
            'non_finite_number': 'fix the NaN/Infinity values or the derived features that make them',
            'unparseable_date': 'set customer_table_date_format to the signup date format, e.g. %d-%m-%Y',
            'missing_value': 'shorten customer_table_required_columns',
            'negative_value': 'map recency_days, frequency and monetary to columns that are never below 0'} -%}
        {%- set lines = [] -%}
        {%- for row in reasons -%}
            {%- do lines.append(row[0] ~ ': ' ~ row[1] ~ " (e.g. " ~ row[2] ~ ")"
                ~ ((' -> ' ~ hints[row[0]]) if row[0] in hints else '')) -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            "customer table " ~ table ~ ": " ~ (arrived if arrived else 'its')
            ~ " rows arrived and none passed cleaning; "
            ~ (lines | join('; ') if lines else 'the table is empty: point customer_table at a table with rows')
            ~ ".") }}
    {%- endif -%}
    {%- if not var('as_of_date') and counts.columns[2].values()[0] is none -%}
        {{ exceptions.raise_compiler_error(
            "customer table " ~ table ~ ": no clean customer has a signup date to measure features at:"
            ~ " set the as_of_date var to the date the table describes (YYYY-MM-DD),"
            ~ " or map a signup date column (customer_table_columns: {signup_date: <column>}).") }}
    {%- endif -%}
    {%- set k = dbt_segments.whole_number(var('n_segments')) -%}
    {%- if k is not none and k > kept -%}
        {{ exceptions.raise_compiler_error(
            "only " ~ kept ~ " customers to segment into " ~ k ~ " segments: lower n_segments (at most " ~ kept
            ~ "), or widen the customer table (customer_table).") }}
    {%- endif -%}
{%- endmacro %}
