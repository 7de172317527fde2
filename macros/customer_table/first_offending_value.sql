{#- The first of `columns` whose value fails `test` (a macro taking the column's SQL and returning a
    condition), as the text 'column=value', or null when none does: the value a cleaning rule rejected a
    row for, shown in messages and int_customer_table_validated.rejected_value. -#}
{% macro first_offending_value(columns, test) %}
    {%- if not columns -%}
        cast(null as {{ dbt.type_string() }})
    {%- else -%}
        coalesce(
        {%- for column in columns %}
            case when {{ test(column) }} then {{ dbt.concat([
                "'" ~ column ~ "='", "coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), 'null')"]) }}
            end{{ "," if not loop.last }}
        {%- endfor %}
        )
    {%- endif -%}
{%- endmacro %}

{#- The row tests of the customer-table cleaning rules, each over one column's SQL. -#}
{% macro is_unparseable_number(text) %}
    (not {{ dbt_segments.is_missing_value(text) }}
        and not {{ dbt_segments.is_non_finite(text) }}
        and {{ dbt_segments.try_cast(dbt_segments.clean_text(text), dbt_segments.type_double()) }} is null)
{%- endmacro %}

{% macro is_non_finite_double(number) %}
    {{- dbt_segments.is_non_finite('cast(' ~ number ~ ' as ' ~ dbt.type_string() ~ ')') -}}
{%- endmacro %}

{% macro is_null(value) %}({{ value }} is null){% endmacro %}

{% macro is_negative(number) %}({{ number }} < 0){% endmacro %}
