{#- Every staged event with the reason it is rejected (null when it is kept).
    Rules, first match wins:
      exact_duplicate (identical in every raw column as it arrived),
      missing_customer_id / unknown_customer_id,
      ambiguous_day_month_order / unparseable_timestamp / timestamp_before_earliest_valid_date /
      timestamp_in_future (timestamps: parse_timestamp_text),
      unknown_event_type (not session, page_view or app_open),
      unparseable_number (a duration that is not a number), non_finite_number (NaN or +/-Infinity),
      negative_duration,
      duplicate_event_id (a second, different event with the same id; the earliest is kept).
    Repair: a missing duration is 0 seconds. -#}
{%- set raw_columns = ['event_id', 'customer_id', 'occurred_at_text', 'event_type', 'duration_seconds_text',
                       'other_columns'] -%}
{%- set timestamp_reasons = "('ambiguous_day_month_order', 'unparseable_timestamp', "
    ~ "'timestamp_before_earliest_valid_date', 'timestamp_in_future')" -%}

with events as (

    select * from {{ ref('stg_raw__events') }}

),

customers as (

    select customer_id from {{ ref('int_customers_cleaned') }}

),

timestamp_texts as (

    select
        events.*,
        lower({{ dbt_segments.clean_text('events.occurred_at_text') }}) as occurred_at_clean
    from events

),

timestamp_forms as (

    select
        timestamp_texts.*,
        {{ dbt_segments.timestamp_form('occurred_at_clean', 'events') }} as occurred_at_form
    from timestamp_texts

),

day_month_order as (

    -- day first or month first, as the source's own D/M/YYYY values settle it (a second, cheap scan)
    {{ dbt_segments.day_month_order(ref('stg_raw__events'), 'occurred_at_text', 'events') }}

),

parsed as (

    select
        timestamp_forms.*,
        customers.customer_id as known_customer_id,
        {{ dbt_segments.parse_timestamp_text(
            'timestamp_forms.occurred_at_clean', 'timestamp_forms.occurred_at_form', 'day_month_order.day_first',
            'events') }} as occurred_at,
        {{ dbt_segments.timestamp_format_label(
            'timestamp_forms.occurred_at_clean', 'timestamp_forms.occurred_at_form', 'day_month_order.day_first',
            'events') }} as occurred_at_format,
        lower({{ dbt_segments.clean_text('timestamp_forms.event_type') }}) as clean_event_type,
        {{ dbt_segments.exact_copy_number(raw_columns, 'timestamp_forms') }} as copy_number
    from timestamp_forms
    cross join day_month_order
    left join customers
        on {{ dbt_segments.clean_text('timestamp_forms.customer_id') }} = customers.customer_id

),

flagged as (

    select
        *,
        coalesce(
            case when copy_number > 1 then 'exact_duplicate' end,
            {{ dbt_segments.customer_id_rejection_reason('customer_id', 'known_customer_id') }},
            {{ dbt_segments.timestamp_rejection_reason('occurred_at', 'occurred_at_format') }},
            case
                when clean_event_type is null or clean_event_type not in ('session', 'page_view', 'app_open')
                    then 'unknown_event_type'
                when duration_seconds is null and duration_seconds_text is not null then 'unparseable_number'
                when {{ dbt_segments.is_non_finite('duration_seconds_text') }} then 'non_finite_number'
                when duration_seconds < 0 then 'negative_duration'
            end
        ) as row_rejection_reason
    from parsed

),

ranked as (

    select
        *,
        row_number() over (
            partition by event_id, row_rejection_reason is null
            order by occurred_at, {{ raw_columns | join(', ') }}
        ) as key_rank
    from flagged

),

decided as (

    select
        *,
        coalesce(
            row_rejection_reason,
            case when key_rank > 1 then 'duplicate_event_id' end
        ) as rejection_reason
    from ranked

),

final as (

    select
        event_id,
        {{ dbt_segments.clean_text('customer_id') }} as customer_id,
        occurred_at,
        occurred_at_text,
        occurred_at_format,
        clean_event_type as event_type,
        coalesce(duration_seconds, 0) as duration_seconds,
        rejection_reason,
        -- the raw value the rule rejected (and, for a timestamp, what it was read as)
        case
            when rejection_reason in ('missing_customer_id', 'unknown_customer_id') then customer_id
            when rejection_reason in {{ timestamp_reasons }} then occurred_at_text
            when rejection_reason = 'unknown_event_type' then event_type
            when rejection_reason in ('unparseable_number', 'non_finite_number', 'negative_duration')
                then duration_seconds_text
            when rejection_reason in ('exact_duplicate', 'duplicate_event_id') then event_id
        end as rejected_value,
        case
            when rejection_reason in {{ timestamp_reasons }} then cast(occurred_at as {{ dbt.type_string() }})
        end as rejected_value_read_as,
        -- only a rejected row needs its raw text, and building it for every row costs as much as the checks
        case when rejection_reason is not null then {{ dbt_segments.record_as_text(raw_columns) }} end as raw_record

    from decided

)

select * from final
