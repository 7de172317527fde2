{#- One row per day, the time spine MetricFlow joins metrics to (cumulative metrics, offsets, days without
    rows). It starts at earliest_valid_date, before which every timestamp is quarantined, so no date of a
    mart is earlier, and ends on 2100-01-01 (exclusive): about 40,000 rows. dbt.date_spine is the same SQL on
    DuckDB, PostgreSQL and Spark. -#}
with days as (

    {{ dbt.date_spine(
        'day',
        "cast('" ~ var('earliest_valid_date') ~ "' as date)",
        "cast('2100-01-01' as date)"
    ) }}

),

final as (

    select cast(date_day as date) as date_day
    from days

)

select * from final
