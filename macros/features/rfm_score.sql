{#- A 1-5 RFM score of `value` among the rows of the query (window functions over all of them), 5 = best.
    `higher_is_better`: true for frequency and money, false for recency in days.

    Quintiles that stay meaningful under ties: equal values always get equal scores; a group of equal
    values gets the quintile of its middle position (mid-rank: rows before it plus half the group, over
    all rows); the worst value always scores 1 and the best always 5, however many rows share them. So
    when most customers bought once, every one-time buyer has frequency score 1 (the lowest), not the
    quintile their crowd happens to reach; scores a crowd spans are skipped. -#}
{% macro rfm_score(value, higher_is_better=true) %}
    {%- if value is not string or value | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            "rfm_score: pass value= as a SQL expression, e.g. rfm_score('frequency').") }}
    {%- endif -%}
    {%- if higher_is_better is not boolean -%}
        {{ exceptions.raise_compiler_error(
            "rfm_score: higher_is_better must be true or false (false for recency in days); got "
            ~ higher_is_better ~ ".") }}
    {%- endif -%}
    {{ return(adapter.dispatch('rfm_score', 'dbt_segments')(value, higher_is_better)) }}
{% endmacro %}

{% macro default__rfm_score(value, higher_is_better) %}
    {%- set worst_first = '(' ~ value ~ ')' ~ (' asc' if higher_is_better else ' desc') -%}
    {%- set position = 'rank() over (order by ' ~ worst_first ~ ')' -%}
    {%- set ties = 'count(*) over (partition by ' ~ value ~ ')' -%}
    {%- set rows = 'count(*) over ()' -%}
    case
        when {{ position }} = 1 then 1
        when {{ position }} + {{ ties }} - 1 = {{ rows }} then 5
        else cast(ceil(5.0 * ({{ position }} - 1 + {{ ties }} / 2.0) / {{ rows }}) as {{ dbt.type_int() }})
    end
{%- endmacro %}
