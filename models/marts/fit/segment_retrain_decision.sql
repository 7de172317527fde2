{#- One row: whether this build fits a new candidate model, and why (the retrain and retrain_on_drift vars,
    the previous build's segment_health). The fit models (segment_scaler, segment_k_selection,
    segment_centroids, segment_stability) read it and keep their tables when it says false.
    segment_health is read by name (adapter.get_relation in the retrain_decision macro), not ref():
    it lies downstream of the scores this decision feeds, so a ref would be a cycle. -#}
{%- set decision = dbt_segments.retrain_decision() -%}
{%- if execute %}{% do log("segment_retrain_decision: " ~ decision.reason, info=true) %}{% endif -%}

with final as (

    select
        cast({{ "'true'" if decision.retrain else "'false'" }} as {{ dbt.type_boolean() }}) as retrain,
        cast('{{ decision.reason | replace("'", "''") }}' as {{ dbt.type_string() }}) as reason

)

select * from final
