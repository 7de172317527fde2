{#- True when a line's product code marks a line that is not a product sold: postage, carriage, bank
    charges, fees, manual adjustments, discounts written as lines, ... The non_product_code_patterns
    var lists the codes as SQL LIKE patterns (% any text, _ one character), matched without regard to
    case after clean_text, e.g. [POST, DOT, M, D, BANK CHARGES, ADJUST%]. Such lines are quarantined as
    non_product_line: kept out of every purchase feature, counted in the reconciliation. Empty by
    default (every line is a product). Stops, naming the var, on a pattern that is not plain text. -#}
{% macro is_non_product_code(code) %}
    {%- set patterns = dbt_segments.list_var('non_product_code_patterns') -%}
    {%- if not patterns -%}{{ return('false') }}{%- endif -%}
    {%- set tests = [] -%}
    {%- for pattern in patterns -%}
        {%- if pattern is not string or pattern | trim == ''
            or modules.re.search('[\'"`\\\\\\x00-\\x1f\\x7f]', pattern) -%}
            {{ exceptions.raise_compiler_error(
                "non_product_code_patterns holds " ~ dbt_segments.shown(pattern)
                ~ ": list product codes or LIKE patterns as plain text (no quotes or backslashes),"
                ~ " e.g. [POST, BANK CHARGES, ADJUST%].") }}
        {%- endif -%}
        {%- do tests.append("upper(" ~ dbt_segments.clean_text(code) ~ ") like '" ~ pattern | trim | upper ~ "'") -%}
    {%- endfor -%}
    {{ return('coalesce(' ~ tests | join(' or ') ~ ', false)') }}
{% endmacro %}
