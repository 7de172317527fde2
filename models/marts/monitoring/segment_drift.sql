{#- Drift of the current data from the training data of the model version that scored it
    (customer_segments.model_version), read from that version's baseline (segment_training_bins,
    segment_training_shares), so a pinned or rolled-back version is compared with its own training data.
      drift_type = 'feature': one row per clustering feature, the population stability index
        PSI = sum over bins of (current share - training share) * ln(current share / training share),
        binned on the training quantiles; a share below `drift_psi_epsilon` counts as that epsilon, so an
        emptied or newly filled bin adds a large but finite term.
      drift_type = 'segment': one row per segment, its share of customers now and at training, and its
        PSI term (segment_health sums them into the PSI of the segment mix). -#}
{%- set epsilon = dbt_segments.double_literal(var('drift_psi_epsilon')) %}
{%- set scored = load_relation(ref('customer_segments')) if execute else none %}
{%- set features = dbt_segments.monitored_features(
        ref('segment_training_bins'),
        where=("model_version in (select model_version from " ~ scored ~ ")") if scored is not none else none) %}
{%- if execute and load_relation(ref('customer_features')) is not none %}
    {%- set available = adapter.get_columns_in_relation(ref('customer_features'))
        | map(attribute='name') | map('lower') | list %}
    {%- for feature in features if feature not in available %}
        {{ exceptions.raise_compiler_error(
            "segment_drift: the scoring model was trained on the feature " ~ feature
            ~ ", which customer_features no longer has; restore that column,"
            ~ " or retrain (and score) with the segment_features it has.") }}
    {%- endfor %}
{%- endif %}

with customer_segments as (

    select * from {{ ref('customer_segments') }}

),

training_bins as (

    select * from {{ ref('segment_training_bins') }}

),

training_shares as (

    select * from {{ ref('segment_training_shares') }}

),

feature_window as (

    select * from {{ ref('int_feature_window') }}

),

scoring_versions as (

    select
        model_version,
        count(*) as current_total
    from customer_segments
    group by model_version

),

feature_values as (

    {{ dbt_segments.unpivot_features(ref('customer_features'), 'customer_id', features) | indent(4) }}

),

current_values as (

    -- each customer is compared with the baseline of the version that scored them
    select
        customer_segments.model_version,
        feature_values.feature,
        feature_values.feature_value
    from feature_values
    inner join customer_segments
        on feature_values.customer_id = customer_segments.customer_id

),

version_bins as (

    select training_bins.*
    from training_bins
    inner join scoring_versions
        on training_bins.model_version = scoring_versions.model_version

),

binned as (

    select
        version_bins.model_version,
        version_bins.feature,
        version_bins.bin_index
    from current_values
    inner join version_bins
        on current_values.model_version = version_bins.model_version
        and current_values.feature = version_bins.feature
        and {{ dbt_segments.drift_bin_of_value('current_values.feature_value', 'version_bins') }}

),

current_bin_counts as (

    select
        model_version,
        feature,
        bin_index,
        count(*) as current_customers
    from binned
    group by model_version, feature, bin_index

),

bin_shares as (

    select
        version_bins.model_version,
        version_bins.feature,
        version_bins.bin_index,
        version_bins.training_customers,
        coalesce(current_bin_counts.current_customers, 0) as current_customers,
        version_bins.training_share,
        cast(coalesce(current_bin_counts.current_customers, 0) as {{ dbt_segments.type_double() }})
            / scoring_versions.current_total as current_share,
        version_bins.training_as_of_date
    from version_bins
    inner join scoring_versions
        on version_bins.model_version = scoring_versions.model_version
    left join current_bin_counts
        on version_bins.model_version = current_bin_counts.model_version
        and version_bins.feature = current_bin_counts.feature
        and version_bins.bin_index = current_bin_counts.bin_index

),

feature_drift as (

    select
        model_version,
        'feature' as drift_type,
        feature as subject,
        feature,
        cast(null as {{ dbt.type_int() }}) as segment_id,
        sum({{ dbt_segments.psi_term('current_share', 'training_share', epsilon) }}) as psi,
        sum(case when bin_index > 0 then 1 else 0 end) as bins,
        cast(null as {{ dbt_segments.type_double() }}) as training_share,
        cast(null as {{ dbt_segments.type_double() }}) as current_share,
        max(abs(current_share - training_share)) as largest_bin_share_change,
        sum(training_customers) as training_customers,
        sum(current_customers) as current_customers,
        max(training_as_of_date) as training_as_of_date
    from bin_shares
    group by model_version, feature

),

current_segments as (

    select
        model_version,
        segment_id,
        count(*) as current_customers
    from customer_segments
    group by model_version, segment_id

),

version_shares as (

    select training_shares.*
    from training_shares
    inner join scoring_versions
        on training_shares.model_version = scoring_versions.model_version

),

segment_shares as (

    select
        coalesce(version_shares.model_version, current_segments.model_version) as model_version,
        coalesce(version_shares.segment_id, current_segments.segment_id) as segment_id,
        coalesce(version_shares.training_customers, 0) as training_customers,
        coalesce(current_segments.current_customers, 0) as current_customers,
        coalesce(version_shares.training_share, 0) as training_share,
        cast(coalesce(current_segments.current_customers, 0) as {{ dbt_segments.type_double() }})
            / scoring_versions.current_total as current_share
    from version_shares
    full outer join current_segments
        on version_shares.model_version = current_segments.model_version
        and version_shares.segment_id = current_segments.segment_id
    inner join scoring_versions
        on coalesce(version_shares.model_version, current_segments.model_version) = scoring_versions.model_version

),

training_windows as (

    select
        model_version,
        max(training_as_of_date) as training_as_of_date
    from version_bins
    group by model_version

),

segment_share_drift as (

    select
        segment_shares.model_version,
        'segment' as drift_type,
        cast(segment_shares.segment_id as {{ dbt.type_string() }}) as subject,
        cast(null as {{ dbt.type_string() }}) as feature,
        segment_shares.segment_id,
        {{ dbt_segments.psi_term('segment_shares.current_share', 'segment_shares.training_share', epsilon) }} as psi,
        cast(null as {{ dbt.type_int() }}) as bins,
        segment_shares.training_share,
        segment_shares.current_share,
        abs(segment_shares.current_share - segment_shares.training_share) as largest_bin_share_change,
        segment_shares.training_customers,
        segment_shares.current_customers,
        training_windows.training_as_of_date
    from segment_shares
    left join training_windows
        on segment_shares.model_version = training_windows.model_version

),

final as (

    {%- for part in ['feature_drift', 'segment_share_drift'] %}
    select
        cast({{ part }}.model_version as {{ dbt.type_string() }}) as model_version,
        cast({{ part }}.drift_type as {{ dbt.type_string() }}) as drift_type,
        cast({{ part }}.subject as {{ dbt.type_string() }}) as subject,
        cast({{ part }}.feature as {{ dbt.type_string() }}) as feature,
        cast({{ part }}.segment_id as {{ dbt.type_int() }}) as segment_id,
        cast({{ part }}.psi as {{ dbt_segments.type_double() }}) as psi,
        cast({{ part }}.bins as {{ dbt.type_int() }}) as bins,
        cast({{ part }}.training_share as {{ dbt_segments.type_double() }}) as training_share,
        cast({{ part }}.current_share as {{ dbt_segments.type_double() }}) as current_share,
        cast({{ part }}.largest_bin_share_change as {{ dbt_segments.type_double() }}) as largest_share_change,
        cast({{ part }}.training_customers as {{ dbt.type_bigint() }}) as training_customers,
        cast({{ part }}.current_customers as {{ dbt.type_bigint() }}) as current_customers,
        cast({{ part }}.training_as_of_date as date) as training_as_of_date,
        cast(feature_window.as_of_date as date) as current_as_of_date
    from {{ part }}
    cross join feature_window
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

)

select * from final
