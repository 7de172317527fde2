{#- The back-test's dates, one row: customers are segmented with their data up to as_of_date, then
    their outcomes are measured in (as_of_date, outcome_window_end]. as_of_date is the
    `backtest_as_of_date` var, or by default the features' as-of date minus `backtest_outcome_days`, so
    the outcome window ends where the data does. The column is named as_of_date because the feature
    macros read it from the window they are given (int_feature_window has the same column). -#}
{%- set outcome_days = dbt_segments.whole_number(var('backtest_outcome_days')) %}

with feature_window as (

    select * from {{ ref('int_feature_window') }}

),

backtest_start as (

    select
        {% if var('backtest_as_of_date') -%}
        cast('{{ var("backtest_as_of_date") }}' as date)
        {%- else -%}
        cast({{ dbt.dateadd('day', -outcome_days, 'feature_window.as_of_date') }} as date)
        {%- endif %} as as_of_date,
        feature_window.as_of_date as data_as_of_date
    from feature_window

),

final as (

    select
        as_of_date,
        cast({{ dbt.dateadd('day', outcome_days, 'as_of_date') }} as date) as outcome_window_end,
        {{ outcome_days }} as outcome_days,
        data_as_of_date
    from backtest_start

)

select * from final
