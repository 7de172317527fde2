{#- Every staged customer row with the reason it is rejected (null when it is kept).
    Rules, first match wins:
      missing_customer_id          null, empty or blank id, or a placeholder (null, n/a, unknown, ...)
      exact_duplicate              a copy of an earlier row identical in every raw column as it arrived
      conflicting_customer_record  a second, different record for an id already seen; the record with
                                   the earliest signup date (then the smallest e-mail) is kept; so one
                                   id with two e-mails keeps one customer and quarantines the other
    Ids are compared after clean_text (control characters removed, trimmed). A text column that arrives
    as bytes rather than UTF-8 text is kept, its non-ASCII bytes written as \xNN escapes by the cast.
    A signup date that is unreadable or outside [earliest_valid_date, today] is repaired to null, not
    quarantined: the customer and their orders stay, and tenure falls back to the first order. -#}
{%- set raw_columns = ['customer_id', 'email', 'full_name', 'signup_date_text', 'country', 'city',
                       'birth_year', 'acquisition_channel', 'plan', 'other_columns'] -%}

with customers as (

    select * from {{ ref('stg_raw__customers') }}

),

parsed as (

    select
        *,
        {{ dbt_segments.clean_text('customer_id') }} as clean_customer_id,
        {{ dbt_segments.try_cast('trim(signup_date_text)', 'date') }} as parsed_signup_date
    from customers

),

numbered as (

    select
        *,
        {{ dbt_segments.exact_copy_number(raw_columns) }} as copy_number
    from parsed

),

ranked as (

    -- ranking within copy_number keeps exact copies out of the conflict check: they are already
    -- rejected as exact_duplicate
    select
        *,
        row_number() over (
            partition by clean_customer_id, copy_number
            order by parsed_signup_date, email, {{ raw_columns | join(', ') }}
        ) as record_rank
    from numbered

),

decided as (

    select
        *,
        case
            when {{ dbt_segments.is_missing_id('customer_id') }} then 'missing_customer_id'
            when copy_number > 1 then 'exact_duplicate'
            when record_rank > 1 then 'conflicting_customer_record'
        end as rejection_reason
    from ranked

),

final as (

    select
        clean_customer_id as customer_id,
        lower(trim(email)) as email,
        trim(full_name) as full_name,
        case
            when parsed_signup_date >= cast('{{ var("earliest_valid_date") }}' as date)
                and parsed_signup_date <= current_date
                then parsed_signup_date
        end as signup_date,
        trim(country) as country,
        trim(city) as city,
        -- an impossible birth year is unknown, not a reason to drop the customer
        case when birth_year between 1900 and extract(year from current_date) then birth_year end as birth_year,
        lower(trim(acquisition_channel)) as acquisition_channel,
        lower(trim(plan)) as plan,
        rejection_reason,
        -- the raw value the rule rejected: the id
        case when rejection_reason is not null then customer_id end as rejected_value,
        cast(null as {{ dbt.type_string() }}) as rejected_value_read_as,
        -- only a rejected row needs its raw text
        case when rejection_reason is not null then {{ dbt_segments.record_as_text(raw_columns) }} end as raw_record

    from decided

)

select * from final
