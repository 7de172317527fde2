{#- Every staged support ticket with the reason it is rejected (null when it is kept).
    Rules, first match wins:
      exact_duplicate (identical in every raw column as it arrived),
      missing_customer_id / unknown_customer_id,
      ambiguous_day_month_order / unparseable_timestamp / timestamp_before_earliest_valid_date /
      timestamp_in_future (timestamps: parse_timestamp_text),
      unknown_ticket_type (not question, complaint, billing or technical),
      duplicate_ticket_id (a second, different ticket with the same id; the earliest is kept). -#}
{%- set raw_columns = ['ticket_id', 'customer_id', 'created_at_text', 'ticket_type', 'other_columns'] -%}
{%- set timestamp_reasons = "('ambiguous_day_month_order', 'unparseable_timestamp', "
    ~ "'timestamp_before_earliest_valid_date', 'timestamp_in_future')" -%}

with tickets as (

    select * from {{ ref('stg_raw__support_tickets') }}

),

customers as (

    select customer_id from {{ ref('int_customers_cleaned') }}

),

timestamp_texts as (

    select
        tickets.*,
        lower({{ dbt_segments.clean_text('tickets.created_at_text') }}) as created_at_clean
    from tickets

),

timestamp_forms as (

    select
        timestamp_texts.*,
        {{ dbt_segments.timestamp_form('created_at_clean', 'support_tickets') }} as created_at_form
    from timestamp_texts

),

day_month_order as (

    -- day first or month first, as the source's own D/M/YYYY values settle it (a second, cheap scan)
    {{ dbt_segments.day_month_order(ref('stg_raw__support_tickets'), 'created_at_text', 'support_tickets') }}

),

parsed as (

    select
        timestamp_forms.*,
        customers.customer_id as known_customer_id,
        {{ dbt_segments.parse_timestamp_text(
            'timestamp_forms.created_at_clean', 'timestamp_forms.created_at_form', 'day_month_order.day_first',
            'support_tickets') }} as created_at,
        {{ dbt_segments.timestamp_format_label(
            'timestamp_forms.created_at_clean', 'timestamp_forms.created_at_form', 'day_month_order.day_first',
            'support_tickets') }} as created_at_format,
        lower({{ dbt_segments.clean_text('timestamp_forms.ticket_type') }}) as clean_ticket_type,
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
            {{ dbt_segments.timestamp_rejection_reason('created_at', 'created_at_format') }},
            case
                when clean_ticket_type is null
                    or clean_ticket_type not in ('question', 'complaint', 'billing', 'technical')
                    then 'unknown_ticket_type'
            end
        ) as row_rejection_reason
    from parsed

),

ranked as (

    select
        *,
        row_number() over (
            partition by ticket_id, row_rejection_reason is null
            order by created_at, {{ raw_columns | join(', ') }}
        ) as key_rank
    from flagged

),

decided as (

    select
        *,
        coalesce(
            row_rejection_reason,
            case when key_rank > 1 then 'duplicate_ticket_id' end
        ) as rejection_reason
    from ranked

),

final as (

    select
        ticket_id,
        {{ dbt_segments.clean_text('customer_id') }} as customer_id,
        created_at,
        created_at_text,
        created_at_format,
        clean_ticket_type as ticket_type,
        rejection_reason,
        -- the raw value the rule rejected (and, for a timestamp, what it was read as)
        case
            when rejection_reason in ('missing_customer_id', 'unknown_customer_id') then customer_id
            when rejection_reason in {{ timestamp_reasons }} then created_at_text
            when rejection_reason = 'unknown_ticket_type' then ticket_type
            when rejection_reason in ('exact_duplicate', 'duplicate_ticket_id') then ticket_id
        end as rejected_value,
        case
            when rejection_reason in {{ timestamp_reasons }} then cast(created_at as {{ dbt.type_string() }})
        end as rejected_value_read_as,
        -- only a rejected row needs its raw text, and building it for every row costs as much as the checks
        case when rejection_reason is not null then {{ dbt_segments.record_as_text(raw_columns) }} end as raw_record

    from decided

)

select * from final
