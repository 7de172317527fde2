{#- Every staged order line with the reason it is rejected (null when it is kept).
    Rules, first match wins:
      exact_duplicate          a copy of an earlier line identical in every raw column as it arrived
                               (columns this package does not read included; defaults never count)
      missing_customer_id / unknown_customer_id
      ambiguous_day_month_order / unparseable_timestamp / timestamp_before_earliest_valid_date /
                               timestamp_in_future (timestamps: parse_timestamp_text)
      non_product_line         the product code matches the non_product_code_patterns var (postage,
                               fees, adjustments, ...): not a purchase, kept out of every feature
      unknown_status           status is not completed, returned or cancelled
      unparseable_number       quantity, unit price, line amount or discount arrived but is not a number
                               (or does not fit: a quantity beyond the integer range)
      non_finite_number        unit price, line amount or discount is NaN or +/-Infinity
      non_positive_quantity    quantity 0, or negative on a line the status calls completed or
                               cancelled (without a status column a negative quantity is a return)
      non_positive_price       unit price (or line amount) missing, zero or negative
      implausible_amount       quantity above the max_quantity_per_line var or unit price above the
                               max_unit_price var: one such line would dominate every money feature
      invalid_discount         discount negative or above the line's gross amount
      duplicate_order_line     a second, different line with the same order id and line number
                               (the one with the earliest timestamp, then the lowest values, is kept)
    Defaults of optional columns (models/staging/_raw__sources.yml): no order id = one order per customer
    and order timestamp; no line number = the line's position in its order (numbered by its raw values);
    no status = completed, or returned when the quantity or line amount is negative; no quantity = 1;
    no unit price = line amount / quantity; no discount = 0; no category = other. A column counts as
    missing when it is absent or empty in every row.
    Repairs, documented: a line whose order id starts with the cancellation_order_id_prefix var is a
    return; a return's quantity is made negative whatever sign it arrived with; a category is mapped
    through the product_category_map seed in category_key form (control characters removed, lower case,
    accents folded, spaces removed), and one the seed does not know becomes `other` (kept, and warned
    about by a test); ids, statuses and timestamps are read after clean_text (control characters
    removed, trimmed). -#}
{%- set raw_columns = ['order_id', 'line_number', 'customer_id', 'ordered_at_text', 'product_category_raw',
                       'product_code', 'quantity_text', 'unit_price_text', 'line_amount_text',
                       'discount_amount_text', 'channel', 'status', 'other_columns'] -%}
{%- set timestamp_reasons = "('ambiguous_day_month_order', 'unparseable_timestamp', "
    ~ "'timestamp_before_earliest_valid_date', 'timestamp_in_future')" -%}

with transactions as (

    select * from {{ ref('stg_raw__transactions') }}

),

customers as (

    select customer_id from {{ ref('int_customers_cleaned') }}

),

category_map as (

    -- distinct: seed spellings that differ only in spaces meet the same key
    select distinct
        {{ dbt_segments.category_key('raw_category') }} as category_key,
        product_category
    from {{ ref('product_category_map') }}

),

provided as (

    -- an optional column with no value in any row gets its default
    select
        count(status) > 0 as has_status,
        count(quantity_text) > 0 as has_quantity
    from {{ ref('stg_raw__transactions') }}

),

timestamp_texts as (

    select
        transactions.*,
        lower({{ dbt_segments.clean_text('transactions.ordered_at_text') }}) as ordered_at_clean,
        {{ dbt_segments.exact_copy_number(raw_columns, 'transactions') }} as copy_number
    from transactions

),

timestamp_forms as (

    select
        timestamp_texts.*,
        {{ dbt_segments.timestamp_form('ordered_at_clean', 'transactions') }} as ordered_at_form
    from timestamp_texts

),

day_month_order as (

    -- day first or month first, as the source's own D/M/YYYY values settle it (a second, cheap scan)
    {{ dbt_segments.day_month_order(ref('stg_raw__transactions'), 'ordered_at_text', 'transactions') }}

),

parsed as (

    select
        timestamp_forms.*,
        customers.customer_id as known_customer_id,
        {{ dbt_segments.parse_timestamp_text(
            'timestamp_forms.ordered_at_clean', 'timestamp_forms.ordered_at_form', 'day_month_order.day_first',
            'transactions') }} as ordered_at,
        {{ dbt_segments.timestamp_format_label(
            'timestamp_forms.ordered_at_clean', 'timestamp_forms.ordered_at_form', 'day_month_order.day_first',
            'transactions') }} as ordered_at_format,
        lower({{ dbt_segments.clean_text('timestamp_forms.status') }}) as clean_status,
        provided.has_status,
        coalesce(timestamp_forms.quantity, case when not provided.has_quantity then 1 end) as line_quantity,
        {{ dbt_segments.has_cancellation_prefix('timestamp_forms.order_id') }} as is_cancellation,
        {{ dbt_segments.is_non_product_code('timestamp_forms.product_code') }} as is_non_product_line,
        coalesce(category_map.product_category, 'other') as product_category,
        timestamp_forms.product_category_raw is not null
        and category_map.product_category is null as is_unmapped_category
    from timestamp_forms
    cross join provided
    cross join day_month_order
    left join customers
        on {{ dbt_segments.clean_text('timestamp_forms.customer_id') }} = customers.customer_id
    left join category_map
        on {{ dbt_segments.category_key('timestamp_forms.product_category_raw') }} = category_map.category_key

),

classified as (

    -- a purchase, a return or a cancellation, by the status column or (without one) by the sign
    select
        *,
        case
            when is_cancellation then 'returned'
            when not has_status and (line_quantity < 0 or line_amount < 0) then 'returned'
            when not has_status then 'completed'
            else clean_status
        end as line_status,
        coalesce(
            unit_price,
            case when line_quantity <> 0 then abs(line_amount) / abs(line_quantity) end
        ) as line_unit_price
    from parsed

),

flagged as (

    select
        *,
        coalesce(
            case when copy_number > 1 then 'exact_duplicate' end,
            {{ dbt_segments.customer_id_rejection_reason('customer_id', 'known_customer_id') }},
            {{ dbt_segments.timestamp_rejection_reason('ordered_at', 'ordered_at_format') }},
            case when is_non_product_line then 'non_product_line' end,
            case
                when line_status is null or line_status not in ('completed', 'returned', 'cancelled')
                    then 'unknown_status'
                when (quantity is null and quantity_text is not null)
                    or (unit_price is null and unit_price_text is not null)
                    or (line_amount is null and line_amount_text is not null)
                    or (discount_amount is null and discount_amount_text is not null)
                    then 'unparseable_number'
                when {{ dbt_segments.is_non_finite('unit_price_text') }}
                    or {{ dbt_segments.is_non_finite('line_amount_text') }}
                    or {{ dbt_segments.is_non_finite('discount_amount_text') }}
                    then 'non_finite_number'
                when line_quantity is null or line_quantity = 0 or (line_quantity < 0 and line_status <> 'returned')
                    then 'non_positive_quantity'
                when line_unit_price is null or line_unit_price <= 0 then 'non_positive_price'
                when abs(line_quantity) > {{ var('max_quantity_per_line') }}
                    or line_unit_price > {{ var('max_unit_price') }}
                    then 'implausible_amount'
                when discount_amount < 0 or discount_amount > abs(line_quantity) * line_unit_price
                    then 'invalid_discount'
            end
        ) as row_rejection_reason
    from classified

),

keyed as (

    -- the order id, or its default: one order per customer and order timestamp
    select
        *,
        coalesce(
            order_id,
            {{ dbt.concat([dbt_segments.clean_text("coalesce(customer_id, '')"), "'@'",
                           "coalesce(cast(ordered_at as " ~ dbt.type_string() ~ "), ordered_at_clean, '')"]) }}
        ) as order_key
    from flagged

),

numbered as (

    -- the line number, or its default: the line's place among its order's unnumbered lines, by its raw
    -- values. Numbered after exact_duplicate is decided, so a default can never make two identical lines
    -- look different; only unnumbered lines pay for the numbering.
    select *, line_number as line_key
    from keyed
    where line_number is not null
    union all
    select *, row_number() over (partition by order_key order by {{ raw_columns | join(', ') }}) as line_key
    from keyed
    where line_number is null

),

ranked as (

    -- only lines that passed every row check compete for their order line key
    select
        *,
        row_number() over (
            partition by order_key, line_key, row_rejection_reason is null
            order by ordered_at, {{ raw_columns | join(', ') }}
        ) as key_rank
    from numbered

),

decided as (

    select
        *,
        coalesce(
            row_rejection_reason,
            case when key_rank > 1 then 'duplicate_order_line' end
        ) as rejection_reason
    from ranked

),

final as (

    select
        order_key as order_id,
        line_key as line_number,
        {{ dbt_segments.clean_text('customer_id') }} as customer_id,
        ordered_at,
        ordered_at_text,
        ordered_at_format,
        product_category,
        product_category_raw,
        product_code,
        is_unmapped_category,
        case when line_status = 'returned' then -abs(line_quantity) else line_quantity end as quantity,
        line_unit_price as unit_price,
        coalesce(discount_amount, 0) as discount_amount,
        lower(trim(channel)) as channel,
        line_status as status,
        rejection_reason,
        -- the raw value the rule rejected (and, for a timestamp, what it was read as): the examples the
        -- reconciliation and the quarantine-share check show
        case
            when rejection_reason in ('missing_customer_id', 'unknown_customer_id') then customer_id
            when rejection_reason in {{ timestamp_reasons }} then ordered_at_text
            when rejection_reason = 'non_product_line' then product_code
            when rejection_reason = 'unknown_status' then status
            when rejection_reason in ('unparseable_number', 'non_finite_number') then
                case
                    when (quantity is null and quantity_text is not null) then quantity_text
                    when (unit_price is null and unit_price_text is not null)
                        or {{ dbt_segments.is_non_finite('unit_price_text') }} then unit_price_text
                    when (line_amount is null and line_amount_text is not null)
                        or {{ dbt_segments.is_non_finite('line_amount_text') }} then line_amount_text
                    else discount_amount_text
                end
            when rejection_reason = 'non_positive_quantity' then coalesce(quantity_text, 'null')
            when rejection_reason = 'non_positive_price' then coalesce(unit_price_text, line_amount_text, 'null')
            when rejection_reason = 'implausible_amount' then
                {{ dbt.concat(["coalesce(quantity_text, '1')", "' x '",
                               "cast(line_unit_price as " ~ dbt.type_string() ~ ")"]) }}
            when rejection_reason = 'invalid_discount' then discount_amount_text
            when rejection_reason in ('exact_duplicate', 'duplicate_order_line') then order_key
        end as rejected_value,
        case
            when rejection_reason in {{ timestamp_reasons }} then cast(ordered_at as {{ dbt.type_string() }})
        end as rejected_value_read_as,
        -- only a rejected row needs its raw text, and building it for every row costs as much as the checks
        case when rejection_reason is not null then {{ dbt_segments.record_as_text(raw_columns) }} end as raw_record

    from decided

)

select * from final
