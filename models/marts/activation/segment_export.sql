{#- What a reverse-ETL tool sends to the CRM: one row per customer of customer_segments, no raw PII.

    - external_id: the source system's customer id (stable across builds, retrains and e-mail changes;
      the upsert key);
    - email_sha256: the e-mail trimmed, lower-cased, prefixed with the salt in the environment variable
      SEGMENT_EXPORT_EMAIL_SALT (empty = no salt) and SHA-256 hashed (macro email_sha256);
    - the segment with its name, recommended action and channel (segment_dictionary), the model version,
      since when the customer is in it and where they came from (segment_membership_history);
    - clv: the customer's predicted lifetime value (customer_lifetime_value; null with a customer table,
      or when the CLV fit was skipped). It is not compared for row_updated_at: it moves a little for every
      customer every day as time passes, and would flag every row as changed;
    - small segments: a segment with fewer than export_min_segment_size customers is not named (segment
      columns null, is_segment_suppressed true), and a previous segment is shown only when at least
      that many exported customers share it, so no exported segment value points at a handful of people;
    - is_holdout: the customer is in the holdout of an experiment whose window holds the as-of date
      (customer_experiment_groups, int_feature_window), so the CRM leaves them out of its campaigns;
    - row_updated_at: when any exported value of the row last changed, found by comparing with the
      export of the previous build (the table this model replaces); is_changed_since_last_sync: the row
      changed after the export_last_synced_at var or, when it is null, in this build. -#}
{%- set observed_at = dbt_segments.timestamp_literal(dbt_segments.history_observed_at()) -%}
{%- set last_synced_at = dbt_segments.timestamp_var('export_last_synced_at') -%}
{%- set min_size = var('export_min_segment_size') | int -%}
{%- set has_lifetime_value = var('customer_table', none) is none -%}
{%- set previous_export = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier)
    if execute else none %}
{#- an export written before a column existed: that column counts as changed on every row, once -#}
{%- set previous_columns = adapter.get_columns_in_relation(previous_export) | map(attribute='name')
    | map('lower') | list if previous_export is not none else [] %}

with customer_segments as (

    select * from {{ ref('customer_segments') }}

),

customers as (

    {#- a customer table's e-mail is the column customer_table_columns maps to email (else null) #}
    select * from {{ ref('int_customers_cleaned') if var('customer_table', none) is none
                     else ref('int_customer_table_cleaned') }}

),

history as (

    select * from {{ ref('segment_membership_history') }}

),

segment_dictionary as (

    select * from {{ ref('segment_dictionary') }}

),

{% if has_lifetime_value %}
customer_lifetime_value as (

    select * from {{ ref('customer_lifetime_value') }}

),
{% endif %}

experiment_groups as (

    select * from {{ ref('customer_experiment_groups') }}

),

feature_window as (

    select * from {{ ref('int_feature_window') }}

),

{% if previous_export is not none %}

previous_export as (

    select * from {{ previous_export }}

),

{% endif %}

current_spells as (

    select customer_id, previous_segment_id, segment_entered_at
    from history
    where valid_to is null

),

segment_sizes as (

    select segment_id, count(*) as customers
    from customer_segments
    group by segment_id

),

previous_segment_sizes as (

    select current_spells.previous_segment_id, count(*) as customers
    from customer_segments
    inner join current_spells
        on customer_segments.customer_id = current_spells.customer_id
    where current_spells.previous_segment_id is not null
    group by current_spells.previous_segment_id

),

active_holdouts as (

    select distinct experiment_groups.customer_id
    from experiment_groups
    cross join feature_window
    where experiment_groups.is_holdout
        and experiment_groups.start_date <= feature_window.as_of_date
        and experiment_groups.end_date >= feature_window.as_of_date

),

exported as (

    select
        customer_segments.customer_id as external_id,
        {{ dbt_segments.email_sha256('customers.email', env_var('SEGMENT_EXPORT_EMAIL_SALT', '')) }} as email_sha256,
        segment_sizes.customers < {{ min_size }} as is_segment_suppressed,
        case when segment_sizes.customers >= {{ min_size }} then customer_segments.segment_id end as segment_id,
        case when segment_sizes.customers >= {{ min_size }} then segment_dictionary.segment_name end as segment_name,
        case
            when segment_sizes.customers >= {{ min_size }} then segment_dictionary.recommended_action
        end as recommended_action,
        case when segment_sizes.customers >= {{ min_size }} then segment_dictionary.channel end as channel,
        customer_segments.model_version,
        coalesce(current_spells.segment_entered_at, customer_segments.scored_at) as segment_changed_at,
        case
            when previous_segment_sizes.customers >= {{ min_size }} then current_spells.previous_segment_id
        end as previous_segment_id,
        {{ 'customer_lifetime_value.clv' if has_lifetime_value else 'null' }} as clv,
        active_holdouts.customer_id is not null as is_holdout
    from customer_segments
    inner join segment_sizes
        on customer_segments.segment_id = segment_sizes.segment_id
    left join customers
        on customer_segments.customer_id = customers.customer_id
    left join segment_dictionary
        on customer_segments.segment_id = segment_dictionary.segment_id
    left join current_spells
        on customer_segments.customer_id = current_spells.customer_id
    left join previous_segment_sizes
        on current_spells.previous_segment_id = previous_segment_sizes.previous_segment_id
    {% if has_lifetime_value %}
    left join customer_lifetime_value
        on customer_segments.customer_id = customer_lifetime_value.customer_id
    {% endif %}
    left join active_holdouts
        on customer_segments.customer_id = active_holdouts.customer_id

),

compared as (

    select
        exported.*,
        {% if previous_export is not none %}
        case
            when previous_export.external_id is null
                {% for column in ['email_sha256', 'is_segment_suppressed', 'segment_id', 'segment_name',
                                  'recommended_action', 'channel', 'model_version', 'segment_changed_at',
                                  'previous_segment_id', 'is_holdout'] %}
                or {{ 'exported.' ~ column ~ ' is distinct from previous_export.' ~ column
                      if column in previous_columns else 'true' }}
                {% endfor %}
                then {{ observed_at }}
            else previous_export.row_updated_at
        end as row_updated_at
        {% else %}
        {{ observed_at }} as row_updated_at
        {% endif %}
    from exported
    {% if previous_export is not none %}
    left join previous_export
        on exported.external_id = previous_export.external_id
    {% endif %}

),

final as (

    select
        cast(external_id as {{ dbt.type_string() }}) as external_id,
        cast(email_sha256 as {{ dbt.type_string() }}) as email_sha256,
        cast(segment_id as {{ dbt.type_int() }}) as segment_id,
        cast(segment_name as {{ dbt.type_string() }}) as segment_name,
        cast(recommended_action as {{ dbt.type_string() }}) as recommended_action,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(model_version as {{ dbt.type_string() }}) as model_version,
        cast(segment_changed_at as {{ dbt.type_timestamp() }}) as segment_changed_at,
        cast(previous_segment_id as {{ dbt.type_int() }}) as previous_segment_id,
        cast(clv as {{ dbt_segments.type_double() }}) as clv,
        cast(is_segment_suppressed as {{ dbt.type_boolean() }}) as is_segment_suppressed,
        cast(is_holdout as {{ dbt.type_boolean() }}) as is_holdout,
        cast(row_updated_at as {{ dbt.type_timestamp() }}) as row_updated_at,
        cast(
            {% if last_synced_at is not none %}row_updated_at > {{ dbt_segments.timestamp_literal(last_synced_at) }}
            {% else %}row_updated_at = {{ observed_at }}{% endif %}
            as {{ dbt.type_boolean() }}) as is_changed_since_last_sync
    from compared

)

select * from final
