{#- Which of the segment_features the model is fitted on: one row per feature of the var, in its order.

    A feature is left out of the fit when it cannot separate customers:
      constant        every customer has the same value (no discounts in the data, no events, ...);
      near_constant   its most common value is held by at least near_constant_feature_share of the
                      customers (default 0.95): standardized, the few others would sit 4.4 or more standard
                      deviations out (category_diversity 0 for the 0.7 % of a retailer's customers who only
                      cancelled lands at -12 SD) and K-Means would spend segments on them;
      all_null        no customer has a value.
    Shares are over the customers with a value (a null is scored as the mean). segment_scaler fits the
    rest; the post-hook warns, naming every feature left out and why. Set near_constant_feature_share to 1
    to leave out only constant features. -#}
{#- a name that is not a plain column name never reaches the SQL; validate_settings (on-run-start) stops the
    run naming it, before this model is built -#}
{%- set features = [] -%}
{%- for feature in dbt_segments.list_var('segment_features')
    if feature is string and dbt_segments.is_plain_column_name(feature | lower) -%}
    {%- do features.append(feature | lower) -%}
{%- endfor -%}

with customer_features as (

    select * from {{ ref('customer_features') }}

),

feature_values as (

    {{ dbt_segments.unpivot_features('customer_features', 'customer_id', features) }}

),

value_counts as (

    select
        feature,
        feature_value,
        count(*) as customers
    from feature_values
    where feature_value is not null
    group by feature, feature_value

),

ranked_values as (

    select
        *,
        row_number() over (partition by feature order by customers desc, feature_value) as value_rank
    from value_counts

),

summaries as (

    select
        feature,
        count(*) as distinct_values,
        sum(customers) as customers_with_value,
        max(case when value_rank = 1 then feature_value end) as mode_value,
        max(case when value_rank = 1 then customers end) as mode_customers
    from ranked_values
    group by feature

),

requested as (

    {%- for feature in features %}
    select {{ loop.index0 }} as requested_position, '{{ feature }}' as feature
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

screened as (

    select
        requested.requested_position,
        requested.feature,
        coalesce(summaries.distinct_values, 0) as distinct_values,
        coalesce(summaries.customers_with_value, 0) as customers_with_value,
        summaries.mode_value,
        {{ dbt_segments.safe_divide('summaries.mode_customers', 'summaries.customers_with_value') }} as mode_share,
        case
            when summaries.distinct_values is null then 'all_null'
            when summaries.distinct_values = 1 then 'constant'
            when summaries.mode_customers >= {{ dbt_segments.double_literal(var('near_constant_feature_share')) }}
                * summaries.customers_with_value
                then 'near_constant'
        end as screening_reason
    from requested
    left join summaries
        on requested.feature = summaries.feature

),

final as (

    select
        cast(requested_position as {{ dbt.type_int() }}) as requested_position,
        cast(feature as {{ dbt.type_string() }}) as feature,
        screening_reason is null as is_fitted,
        cast(screening_reason as {{ dbt.type_string() }}) as screening_reason,
        cast(distinct_values as {{ dbt.type_bigint() }}) as distinct_values,
        cast(customers_with_value as {{ dbt.type_bigint() }}) as customers_with_value,
        cast(mode_value as {{ dbt_segments.type_double() }}) as mode_value,
        cast(mode_share as {{ dbt_segments.type_double() }}) as mode_share
    from screened

)

select * from final
