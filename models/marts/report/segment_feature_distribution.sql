{#- How each feature is distributed inside each segment, for box plots and bar charts.
    Grain: one row per segment x feature x histogram bin. The quantile columns describe the whole
    segment x feature and repeat on each of its bins (read them from bin_index = 0 for a box plot).
    Bins are of equal width between the feature's minimum and maximum over ALL customers, so the same
    bin means the same values in every segment; empty bins are kept (0 customers) so bar charts have no gaps.
    Features: the distribution_features var, or the features the scoring model was fitted on (the
    segment_features that segment_feature_screening kept: a constant feature would only draw flat panels). -#}
{%- set scoring_version = dbt_segments.model_version_in_force(ref('segment_model_in_force')) -%}
{%- set features = var('distribution_features') or dbt_segments.monitored_features(
        ref('segment_model_scalers'), "model_version = '" ~ scoring_version ~ "'") -%}
{%- set n_bins = var('distribution_bins') -%}
{#- Lower edge of bin i: written once, so the bin a value is counted in and the published edges agree exactly. -#}
{%- set bin_edge = '(range_min + (BIN) * (range_max - range_min) / ' ~ n_bins ~ ')' -%}
{%- if features is string -%}
    {%- set features = [features] -%}
{%- endif -%}
{#- distribution_features and distribution_bins are checked with every other setting in validate_settings,
    before anything is built. -#}
-- depends_on: {{ ref('segment_model_scalers') }}

with customer_segments as (

    select * from {{ ref('customer_segments') }}

),

customer_features as (

    select * from {{ ref('customer_features') }}

),

feature_dictionary as (

    select * from {{ ref('feature_dictionary') }}

),

bin_numbers as (

    {{ dbt.generate_series(n_bins) }}

),

feature_values as (

    {%- for feature in features %}
    select
        customer_segments.segment_id,
        customer_segments.segment_name,
        customer_segments.model_version,
        {{ loop.index0 }} as feature_position,
        '{{ feature }}' as feature,
        cast(customer_features.{{ feature }} as {{ dbt_segments.type_double() }}) as feature_value
    from customer_segments
    inner join customer_features
        on customer_segments.customer_id = customer_features.customer_id
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

feature_ranges as (

    select
        feature,
        min(feature_value) as range_min,
        max(feature_value) as range_max
    from feature_values
    group by feature

),

segment_quantiles as (

    select
        segment_id,
        segment_name,
        model_version,
        feature_position,
        feature,
        count(feature_value) as customers,
        min(feature_value) as min_value,
        {{ dbt_segments.percentile_cont('feature_value', 0.05) }} as p5,
        {{ dbt_segments.percentile_cont('feature_value', 0.25) }} as p25,
        {{ dbt_segments.percentile_cont('feature_value', 0.5) }} as p50,
        {{ dbt_segments.percentile_cont('feature_value', 0.75) }} as p75,
        {{ dbt_segments.percentile_cont('feature_value', 0.95) }} as p95,
        max(feature_value) as max_value
    from feature_values
    group by segment_id, segment_name, model_version, feature_position, feature

),

estimated_bins as (

    select
        feature_values.segment_id,
        feature_values.feature,
        feature_values.feature_value,
        feature_ranges.range_min,
        feature_ranges.range_max,
        case
            when feature_ranges.range_max = feature_ranges.range_min then 0
            -- the maximum itself belongs to the last bin, not to a bin of its own
            else least(
                cast(floor((feature_values.feature_value - feature_ranges.range_min)
                    / (feature_ranges.range_max - feature_ranges.range_min) * {{ n_bins }}) as {{ dbt.type_int() }}),
                {{ n_bins - 1 }})
        end as estimated_bin
    from feature_values
    inner join feature_ranges
        on feature_values.feature = feature_ranges.feature
    where feature_values.feature_value is not null

),

binned_values as (

    -- the division above can land one bin off for a value sitting exactly on an edge (0.1, 0.35, ...);
    -- comparing with the very edges the mart publishes puts every value in the bin its edges say
    select
        segment_id,
        feature,
        estimated_bin
            - case
                when estimated_bin > 0 and feature_value < {{ bin_edge | replace('BIN', 'estimated_bin') }} then 1
                else 0
            end
            + case
                when estimated_bin < {{ n_bins - 1 }}
                    and feature_value >= {{ bin_edge | replace('BIN', 'estimated_bin + 1') }} then 1
                else 0
            end
            as bin_index
    from estimated_bins

),

bin_counts as (

    select
        segment_id,
        feature,
        bin_index,
        count(*) as bin_customers
    from binned_values
    group by segment_id, feature, bin_index

),

every_bin as (

    select
        segment_quantiles.*,
        cast(bin_numbers.generated_number - 1 as {{ dbt.type_int() }}) as bin_index
    from segment_quantiles
    cross join bin_numbers

),

final as (

    select
        cast(every_bin.segment_id as {{ dbt.type_int() }}) as segment_id,
        cast(every_bin.segment_name as {{ dbt.type_string() }}) as segment_name,
        cast(every_bin.feature_position as {{ dbt.type_int() }}) as feature_position,
        cast(every_bin.feature as {{ dbt.type_string() }}) as feature,
        cast(coalesce(feature_dictionary.display_name, every_bin.feature) as {{ dbt.type_string() }})
            as feature_display_name,
        cast(feature_dictionary.unit as {{ dbt.type_string() }}) as feature_unit,
        cast(every_bin.customers as {{ dbt.type_bigint() }}) as customers,
        cast(every_bin.min_value as {{ dbt_segments.type_double() }}) as min_value,
        cast(every_bin.p5 as {{ dbt_segments.type_double() }}) as p5,
        cast(every_bin.p25 as {{ dbt_segments.type_double() }}) as p25,
        cast(every_bin.p50 as {{ dbt_segments.type_double() }}) as p50,
        cast(every_bin.p75 as {{ dbt_segments.type_double() }}) as p75,
        cast(every_bin.p95 as {{ dbt_segments.type_double() }}) as p95,
        cast(every_bin.max_value as {{ dbt_segments.type_double() }}) as max_value,
        cast(every_bin.bin_index as {{ dbt.type_int() }}) as bin_index,
        cast({{ bin_edge | replace('BIN', 'every_bin.bin_index') }} as {{ dbt_segments.type_double() }}) as bin_lower,
        cast({{ bin_edge | replace('BIN', 'every_bin.bin_index + 1') }} as {{ dbt_segments.type_double() }})
            as bin_upper,
        cast(coalesce(bin_counts.bin_customers, 0) as {{ dbt.type_bigint() }}) as bin_customers,
        cast({{ dbt_segments.safe_divide('1.0 * coalesce(bin_counts.bin_customers, 0)', 'every_bin.customers') }}
            as {{ dbt_segments.type_double() }}) as bin_share,
        cast(every_bin.model_version as {{ dbt.type_string() }}) as model_version
    from every_bin
    inner join feature_ranges
        on every_bin.feature = feature_ranges.feature
    left join bin_counts
        on every_bin.segment_id = bin_counts.segment_id
        and every_bin.feature = bin_counts.feature
        and every_bin.bin_index = bin_counts.bin_index
    left join feature_dictionary
        on every_bin.feature = feature_dictionary.feature

)

select * from final
