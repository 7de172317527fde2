{#- Web/app engagement and support contact per customer up to the as-of date.
    As a macro so the back-test computes the same thing at an earlier as-of date: the model passes
    its refs, int_backtest_customer_engagement passes the back-test's. -#}
{% macro customer_engagement_query(events=none, tickets=none, feature_window=none) %}
    {%- do dbt_segments.require_relations('customer_engagement_query', [
        ('events', events, "ref('int_events_cleaned')"),
        ('tickets', tickets, "ref('int_support_tickets_cleaned')"),
        ('feature_window', feature_window, "ref('int_feature_window')")]) -%}
    {{ return(adapter.dispatch('customer_engagement_query', 'dbt_segments')(events, tickets, feature_window)) }}
{% endmacro %}

{% macro default__customer_engagement_query(events, tickets, feature_window) %}
with events as (

    select * from {{ events }}

),

tickets as (

    select * from {{ tickets }}

),

feature_window as (

    select * from {{ feature_window }}

),

event_activity as (

    select
        events.customer_id,
        sum(case when events.event_type = 'session' then 1 else 0 end) as session_count,
        sum(case when events.event_type = 'page_view' then 1 else 0 end) as page_view_count,
        sum(case when events.event_type = 'app_open' then 1 else 0 end) as app_open_count,
        sum(
            case
                when events.event_type = 'session'
                    and cast(events.occurred_at as date) > {{ dbt.dateadd('day', -90, 'feature_window.as_of_date') }}
                    then 1
                else 0
            end
        ) as sessions_last_90_days,
        sum(events.duration_seconds) as engagement_seconds,
        min(cast(events.occurred_at as date)) as first_event_date,
        max(cast(events.occurred_at as date)) as last_event_date
    from events
    cross join feature_window
    where cast(events.occurred_at as date) <= feature_window.as_of_date
    group by events.customer_id

),

ticket_activity as (

    select
        tickets.customer_id,
        count(*) as ticket_count,
        sum(case when tickets.ticket_type = 'complaint' then 1 else 0 end) as complaint_count
    from tickets
    cross join feature_window
    where cast(tickets.created_at as date) <= feature_window.as_of_date
    group by tickets.customer_id

),

customer_ids as (

    select customer_id from event_activity
    union
    select customer_id from ticket_activity

),

final as (

    select
        customer_ids.customer_id,
        coalesce(event_activity.session_count, 0) as session_count,
        coalesce(event_activity.page_view_count, 0) as page_view_count,
        coalesce(event_activity.app_open_count, 0) as app_open_count,
        coalesce(event_activity.sessions_last_90_days, 0) as sessions_last_90_days,
        coalesce(event_activity.engagement_seconds, 0) as engagement_seconds,
        event_activity.first_event_date,
        event_activity.last_event_date,
        coalesce(ticket_activity.ticket_count, 0) as ticket_count,
        coalesce(ticket_activity.complaint_count, 0) as complaint_count
    from customer_ids
    left join event_activity
        on customer_ids.customer_id = event_activity.customer_id
    left join ticket_activity
        on customer_ids.customer_id = ticket_activity.customer_id

)

select * from final
{%- endmacro %}
