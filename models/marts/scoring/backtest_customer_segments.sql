{#- The customers of the back-test's as-of date, scored by assign_segment_in_force with the scaler,
    centroids and model version customer_segments is scored with (the same call), so the back-test
    measures the model in force (pinned, else published in segment_models). -#}
with scored as (

    {{ dbt_segments.assign_segment_in_force(ref('int_backtest_customer_features')) }}

),

final as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(segment_id as {{ dbt.type_int() }}) as segment_id,
        cast(model_version as {{ dbt.type_string() }}) as model_version
    from scored

)

select * from final
