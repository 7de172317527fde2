{#- The drift baseline of every model version: per clustering feature, the bins of its training data
    and the share of training customers in each. Written once, when the latest fit (segment_centroids)
    is first recorded in segment_model_centroids (the build that fitted it, so customer_features is its
    training data), and kept: incremental, never fully refreshed, so a pinned or rolled-back older
    version is still compared with its own training data. The pre-hook removes the rows of a version no
    build registered (its build stopped before segment_models).
    Bins: the `drift_bins` quantiles of the training values (deciles by default; percentile_cont) are
    the cut points; repeated cut points (ties, e.g. a discount share of 0 for half the customers) are
    merged, so a bin is never empty by construction. Bin k holds (cut k-1, cut k]; the first starts at
    -infinity, the last ends at +infinity, and bin 0 holds missing values. -#}
{{ config(
    materialized='incremental',
    full_refresh=false,
    on_schema_change='fail',
    pre_hook="{{ dbt_segments.delete_unregistered_model_versions(this, ref('segment_centroids')) }}") }}

{%- set features = dbt_segments.monitored_features(ref('segment_centroids')) %}
{%- set n_bins = dbt_segments.whole_number(var('drift_bins')) %}

with customer_features as (

    select * from {{ ref('customer_features') }}

),

segment_centroids as (

    -- the latest fit, as the registry recorded it
    select * from {{ ref('segment_model_centroids') }}
    where model_version in (select model_version from {{ ref('segment_centroids') }})

),

new_version_features as (

    select distinct
        model_version,
        feature
    from segment_centroids
    {%- if is_incremental() %}
    where model_version not in (select model_version from {{ this }})
    {%- endif %}

),

feature_values as (

    {{ dbt_segments.unpivot_features(ref('customer_features'), 'customer_id', features) | indent(4) }}

),

training_values as (

    select
        new_version_features.model_version,
        feature_values.feature,
        feature_values.feature_value
    from feature_values
    inner join new_version_features
        on feature_values.feature = new_version_features.feature

),

quantiles as (

    select
        model_version,
        feature,
        {%- for position in range(1, n_bins) %}
        {{ dbt_segments.percentile_cont('feature_value', position / n_bins) }}
            as cut_{{ position }}{{ "," if not loop.last }}
        {%- endfor %}
    from training_values
    group by model_version, feature

),

cuts as (

    {%- for position in range(1, n_bins) %}
    select model_version, feature, cut_{{ position }} as cut from quantiles where cut_{{ position }} is not null
    {%- if not loop.last %}
    union
    {%- endif %}
    {%- endfor %}

),

numbered_cuts as (

    select
        model_version,
        feature,
        cut,
        row_number() over (partition by model_version, feature order by cut) as cut_number,
        lag(cut) over (partition by model_version, feature order by cut) as previous_cut
    from cuts

),

bins as (

    -- bin 0: missing values
    select model_version, feature, 0 as bin_index, cast(null as {{ dbt_segments.type_double() }}) as lower_edge,
           cast(null as {{ dbt_segments.type_double() }}) as upper_edge
    from new_version_features
    union all
    -- bins 1..n: up to and including each cut
    select model_version, feature, cut_number as bin_index, previous_cut as lower_edge, cut as upper_edge
    from numbered_cuts
    union all
    -- the last bin: above the highest cut (every value when a feature has no cut at all)
    select
        new_version_features.model_version,
        new_version_features.feature,
        coalesce(max(numbered_cuts.cut_number), 0) + 1 as bin_index,
        max(numbered_cuts.cut) as lower_edge,
        cast(null as {{ dbt_segments.type_double() }}) as upper_edge
    from new_version_features
    left join numbered_cuts
        on new_version_features.model_version = numbered_cuts.model_version
        and new_version_features.feature = numbered_cuts.feature
    group by new_version_features.model_version, new_version_features.feature

),

binned as (

    select
        bins.model_version,
        bins.feature,
        bins.bin_index
    from training_values
    inner join bins
        on training_values.model_version = bins.model_version
        and training_values.feature = bins.feature
        and {{ dbt_segments.drift_bin_of_value('training_values.feature_value', 'bins') }}

),

bin_counts as (

    select
        model_version,
        feature,
        bin_index,
        count(*) as training_customers
    from binned
    group by model_version, feature, bin_index

),

totals as (

    select
        model_version,
        feature,
        count(*) as training_total
    from training_values
    group by model_version, feature

),

training_window as (

    select max(as_of_date) as training_as_of_date
    from customer_features

),

final as (

    select
        cast(bins.model_version as {{ dbt.type_string() }}) as model_version,
        cast(bins.feature as {{ dbt.type_string() }}) as feature,
        cast(bins.bin_index as {{ dbt.type_int() }}) as bin_index,
        cast(bins.lower_edge as {{ dbt_segments.type_double() }}) as lower_edge,
        cast(bins.upper_edge as {{ dbt_segments.type_double() }}) as upper_edge,
        cast(coalesce(bin_counts.training_customers, 0) as {{ dbt.type_bigint() }}) as training_customers,
        cast({{ dbt_segments.safe_divide(
                'cast(coalesce(bin_counts.training_customers, 0) as ' ~ dbt_segments.type_double() ~ ')',
                'totals.training_total') }}
            as {{ dbt_segments.type_double() }}) as training_share,
        cast(training_window.training_as_of_date as date) as training_as_of_date
    from bins
    inner join totals
        on bins.model_version = totals.model_version
        and bins.feature = totals.feature
    cross join training_window
    left join bin_counts
        on bins.model_version = bin_counts.model_version
        and bins.feature = bin_counts.feature
        and bins.bin_index = bin_counts.bin_index

)

select * from final
