{#- The customers of the back-test's as-of date, scored by the assign_segment macro with the scaler,
    centroids and model version customer_segments is scored with (the same call), so the back-test
    measures the model in force (pinned, else published in segment_models). -#}
{%- set scoring_version = dbt_segments.scoring_model_version(ref('segment_models')) -%}
with scored as (

    {{ dbt_segments.assign_segment(
        ref('int_backtest_customer_features'),
        id_column='customer_id',
        scaler=ref('segment_model_scalers'),
        centroids=ref('segment_model_centroids'),
        model_version=scoring_version) }}

),

final as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(segment_id as {{ dbt.type_int() }}) as segment_id,
        cast(model_version as {{ dbt.type_string() }}) as model_version
    from scored

)

select * from final
