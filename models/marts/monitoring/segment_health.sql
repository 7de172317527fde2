{#- One row per drift check of the scoring model version, with a status:
      feature_psi      per clustering feature, its PSI (segment_drift);
      segment_mix_psi  the PSI of the segment mix: the sum of the segments' PSI terms;
      baseline_recorded  whether the version has a drift baseline (value: features baselined); a version
                       scored without one (fitted before drift monitoring existed) is not monitored: warn.
    status: error above `drift_psi_error`, warn above `drift_psi_warn`, else ok. retrain_recommended is
    true on an error row when the `retrain_on_drift` var is true: the next build reads this table and
    fits a new version (the registry's retrain macro). The data tests on this table warn and fail the
    build at the same thresholds; they sit here, not on segment_drift, so that a breach still leaves
    this table written for the next build to read. -#}
{%- set warn_threshold = dbt_segments.double_literal(var('drift_psi_warn')) %}
{%- set error_threshold = dbt_segments.double_literal(var('drift_psi_error')) %}
{%- set retrain_on_drift = dbt_segments.setting_value('retrain_on_drift') %}

with segment_drift as (

    select * from {{ ref('segment_drift') }}

),

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

scoring_versions as (

    select distinct model_version
    from customer_segments

),

psi_checks as (

    select
        model_version,
        'feature_psi' as check_name,
        subject,
        psi as metric_value
    from segment_drift
    where drift_type = 'feature'

    union all

    select
        model_version,
        'segment_mix_psi' as check_name,
        'all segments' as subject,
        sum(psi) as metric_value
    from segment_drift
    where drift_type = 'segment'
    group by model_version

),

psi_status as (

    select
        *,
        case
            when metric_value > {{ error_threshold }} then 'error'
            when metric_value > {{ warn_threshold }} then 'warn'
            else 'ok'
        end as status
    from psi_checks

),

baseline_checks as (

    select
        scoring_versions.model_version,
        'baseline_recorded' as check_name,
        'drift baseline' as subject,
        cast(count(segment_drift.feature) as {{ dbt_segments.type_double() }}) as metric_value,
        case when count(segment_drift.feature) > 0 then 'ok' else 'warn' end as status
    from scoring_versions
    left join segment_drift
        on scoring_versions.model_version = segment_drift.model_version
        and segment_drift.drift_type = 'feature'
    group by scoring_versions.model_version

),

checks as (

    select model_version, check_name, subject, metric_value, status from psi_status
    union all
    select model_version, check_name, subject, metric_value, status from baseline_checks

),

final as (

    select
        cast(model_version as {{ dbt.type_string() }}) as model_version,
        cast(check_name as {{ dbt.type_string() }}) as check_name,
        cast(subject as {{ dbt.type_string() }}) as subject,
        cast(metric_value as {{ dbt_segments.type_double() }}) as metric_value,
        cast(case when check_name = 'baseline_recorded' then null else {{ warn_threshold }} end
            as {{ dbt_segments.type_double() }}) as warn_threshold,
        cast(case when check_name = 'baseline_recorded' then null else {{ error_threshold }} end
            as {{ dbt_segments.type_double() }}) as error_threshold,
        cast(status as {{ dbt.type_string() }}) as status,
        {#- the two details below are text literals, which a line break would change: too long on purpose #}
        cast(case
            when check_name = 'baseline_recorded' and status = 'warn'
                then 'no drift baseline for this model version: it was fitted before drift monitoring; retrain to record one' -- noqa: LT05
            when status = 'error'
                then 'above the error threshold: the data has drifted from the training data of this version; retrain or investigate' -- noqa: LT05
            when status = 'warn' then 'above the warning threshold: watch it'
            else 'within thresholds'
        end as {{ dbt.type_string() }}) as detail,
        {% if retrain_on_drift -%}
        status = 'error'
        {%- else -%}
        cast(false as {{ dbt.type_boolean() }})
        {%- endif %} as retrain_recommended
    from checks

)

select * from final
