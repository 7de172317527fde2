{#- Every row of the raw customer table with its parsed values, its derived features and the reason it
    is rejected (null = kept). Rules, first match wins:
      missing_customer_id          null, empty or blank id, or a placeholder (null, n/a, unknown, ...)
      exact_duplicate              a copy of an earlier row identical in every column
      unparseable_number           a value of a customer_table_numeric_columns column that is not a number
                                   (blank, NA, N/A, null, none, unknown and - are missing, not unparseable)
      non_finite_number            NaN or +-Infinity in a numeric column, or a derived feature that
                                   evaluates to one (e.g. ln(0))
      unparseable_date             a signup date (customer_table_columns.signup_date) that does not read
                                   with customer_table_date_format (null: YYYY-MM-DD); day and month are
                                   never guessed
      missing_value                a customer_table_required_columns value is missing
      negative_value               the column mapped to recency_days, frequency or monetary is below 0
      conflicting_customer_record  a second, different valid record for an id: the one with the earliest
                                   signup date (then the smallest raw record) is kept
    Ids and text are compared after clean_text (control characters removed, trimmed). A missing value of
    a column not required stays null: the fit and assign_segment impute it with the training mean. A
    signup date outside [earliest_valid_date, today] is repaired to null, as for order-line customers. -#}
{%- set settings = dbt_segments.customer_table_settings() -%}
{%- set staged = load_relation(ref('stg_raw__customer_table')) if execute else none -%}
{%- set raw_columns = [] if staged is none
    else adapter.get_columns_in_relation(staged) | map(attribute='name') | map('lower') | list -%}
{%- set text_columns = raw_columns | reject('equalto', 'customer_id')
    | reject('in', settings.numeric_columns) | list -%}
{%- set signup_column = settings.columns.get('signup_date') -%}
{%- set email_column = settings.columns.get('email') -%}
{%- set derived_names = settings.derived_features | map(attribute=0) | list %}

with customers as (

    select * from {{ ref('stg_raw__customer_table') }}

),

parsed as (

    select
        {{ dbt_segments.clean_text('customer_id') }} as customer_id,
        {{ dbt_segments.is_missing_id('customer_id') }} as _is_missing_id,
        {{ dbt.concat(["'customer_id='", "coalesce(customer_id, 'null')"]) }} as _raw_id,
        {{ dbt_segments.exact_copy_number(raw_columns or ['customer_id']) }} as _copy_number,
        {{ dbt_segments.record_as_text(raw_columns or ['customer_id']) }} as _raw_record,
        {%- for column in settings.numeric_columns %}
        case
            when not {{ dbt_segments.is_missing_value(column) }}
                then {{ dbt_segments.try_cast(dbt_segments.clean_text(column), dbt_segments.type_double()) }}
        end as {{ column }},
        {%- endfor %}
        {%- for column in text_columns %}
        {{ dbt_segments.clean_text(column) }} as {{ column }},
        {%- endfor %}
        {%- if signup_column %}
        {{ dbt_segments.clean_text(signup_column) }} as _signup_date_text,
        {{ dbt_segments.parse_date_text(dbt_segments.clean_text(signup_column), settings.date_format) }}
            as _signup_date_parsed,
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as _signup_date_text,
        cast(null as date) as _signup_date_parsed,
        {%- endif %}
        {%- if email_column %}
        lower({{ dbt_segments.clean_text(email_column) }}) as _email,
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as _email,
        {%- endif %}
        {#- the first offending value of each number rule, as column=value -#}
        {{ dbt_segments.first_offending_value(settings.numeric_columns, dbt_segments.is_non_finite) }}
            as _non_finite_number,
        {{ dbt_segments.first_offending_value(settings.numeric_columns, dbt_segments.is_unparseable_number) }}
            as _unparseable_number,
        {{ dbt_segments.first_offending_value(settings.required_columns | select('in', settings.numeric_columns) | list,
                                              dbt_segments.is_missing_value) }} as _missing_number
    from customers

),

{#- one layer per derived feature, in the order given, so each may use the ones before it -#}
{%- set previous = namespace(name='parsed') %}
{%- for name, expression in settings.derived_features %}

derived_{{ loop.index }} as (

    select
        *,
        ({{ expression }}) as {{ name }}
    from {{ previous.name }}

),
{%- set previous.name = 'derived_' ~ loop.index %}
{%- endfor %}

rule_values as (

    -- per rule, the value that breaks it (column=value), null when none does
    select
        *,
        {{ dbt_segments.first_offending_value(derived_names, dbt_segments.is_non_finite_double) }}
            as _non_finite_derived,
        case
            when not {{ dbt_segments.is_missing_value('_signup_date_text') }} and _signup_date_parsed is null
                then {{ dbt.concat(["'" ~ signup_column ~ "='", '_signup_date_text']) }}
        end as _unparseable_date,
        coalesce(
            _missing_number,
            {{ dbt_segments.first_offending_value(
                settings.required_columns | reject('in', settings.numeric_columns) | list, dbt_segments.is_null) }}
        ) as _missing_value,
        {{ dbt_segments.first_offending_value(settings.columns.values() | select('in', settings.feature_columns) | list,
                                              dbt_segments.is_negative) }} as _negative_value
    from {{ previous.name }}

),

checked as (

    select
        *,
        case
            when _is_missing_id then 'missing_customer_id'
            when _copy_number > 1 then 'exact_duplicate'
            when _unparseable_number is not null then 'unparseable_number'
            when _non_finite_number is not null or _non_finite_derived is not null then 'non_finite_number'
            when _unparseable_date is not null then 'unparseable_date'
            when _missing_value is not null then 'missing_value'
            when _negative_value is not null then 'negative_value'
        end as _value_rejection,
        coalesce(
            case when _is_missing_id or _copy_number > 1 then _raw_id end,
            _unparseable_number, _non_finite_number, _non_finite_derived, _unparseable_date, _missing_value,
            _negative_value
        ) as _rejected_value
    from rule_values

),

ranked as (

    -- ranking among the valid records only, so an id keeps its one good record
    select
        *,
        row_number() over (
            partition by customer_id, case when _value_rejection is null then 1 else 0 end
            order by _signup_date_parsed, _raw_record
        ) as _record_rank
    from checked

),

final as (

    select
        customer_id,
        case
            when _signup_date_parsed >= cast('{{ var("earliest_valid_date") }}' as date)
                and _signup_date_parsed <= current_date
                then _signup_date_parsed
        end as signup_date,
        _email as email,
        {%- for column in settings.feature_columns %}
        cast({{ column }} as {{ dbt_segments.type_double() }}) as {{ column }},
        {%- endfor %}
        coalesce(
            _value_rejection,
            case when _record_rank > 1 then 'conflicting_customer_record' end
        ) as rejection_reason,
        -- only a rejected row needs its raw text, and the value that broke the rule
        case
            when _value_rejection is not null or _record_rank > 1 then _raw_record
        end as raw_record,
        case when _record_rank > 1 and _value_rejection is null then _raw_id else _rejected_value end as rejected_value,
        -- what a timestamp was read as: order-line sources only (int_quarantine unions both)
        cast(null as {{ dbt.type_timestamp() }}) as rejected_value_read_as
    from ranked

)

select * from final
