{#- Every staged order line with the reason it is rejected (null when it is kept).
    Rules, first match wins:
      exact_duplicate          a copy of an earlier identical line
      missing_customer_id / unknown_customer_id
      unparseable_timestamp / timestamp_before_earliest_valid_date / timestamp_in_future
      unknown_status           status is not completed, returned or cancelled
      unparseable_number       quantity, unit price or discount arrived but is not a number (or does
                               not fit: a quantity beyond the integer range)
      non_finite_number        unit price or discount is NaN or +/-Infinity
      non_positive_quantity    quantity <= 0 on a line that is not a return, or a return of 0 units
      non_positive_price       unit price missing, zero or negative
      implausible_amount       quantity above the max_quantity_per_line var or unit price above the
                               max_unit_price var: one such line would dominate every money feature
      invalid_discount         discount negative or above the line's gross amount
      duplicate_order_line     a second, different line with the same order id and line number
                               (the one with the earliest timestamp, then the lowest values, is kept)
    Repairs, documented: a return's quantity is made negative whatever sign it arrived with; a missing
    discount is 0; a category is mapped through the product_category_map seed in category_key form
    (control characters removed, lower case, accents folded, spaces removed), and one the seed does not
    know becomes `other` (kept, and warned about by a test); ids, statuses and timestamps are read after
    clean_text (control characters removed, trimmed). -#}
{%- set raw_columns = ['order_id', 'line_number', 'customer_id', 'ordered_at_text', 'product_category_raw',
                       'quantity_text', 'unit_price_text', 'discount_amount_text', 'channel', 'status'] -%}

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

parsed as (

    select
        transactions.*,
        customers.customer_id as known_customer_id,
        {{ dbt_segments.parse_timestamp_text('transactions.ordered_at_text') }} as ordered_at,
        lower({{ dbt_segments.clean_text('transactions.status') }}) as clean_status,
        coalesce(category_map.product_category, 'other') as product_category,
        category_map.product_category is null as is_unmapped_category,
        {{ dbt_segments.exact_copy_number(raw_columns, 'transactions') }} as copy_number
    from transactions
    left join customers
        on {{ dbt_segments.clean_text('transactions.customer_id') }} = customers.customer_id
    left join category_map
        on {{ dbt_segments.category_key('transactions.product_category_raw') }} = category_map.category_key

),

flagged as (

    select
        *,
        coalesce(
            case when copy_number > 1 then 'exact_duplicate' end,
            {{ dbt_segments.customer_id_rejection_reason('customer_id', 'known_customer_id') }},
            {{ dbt_segments.timestamp_rejection_reason('ordered_at') }},
            case
                when clean_status is null or clean_status not in ('completed', 'returned', 'cancelled')
                    then 'unknown_status'
                when (quantity is null and quantity_text is not null)
                    or (unit_price is null and unit_price_text is not null)
                    or (discount_amount is null and discount_amount_text is not null)
                    then 'unparseable_number'
                when {{ dbt_segments.is_non_finite('unit_price_text') }} or {{ dbt_segments.is_non_finite('discount_amount_text') }}
                    then 'non_finite_number'
                when quantity is null or quantity = 0 or (quantity < 0 and clean_status <> 'returned')
                    then 'non_positive_quantity'
                when unit_price is null or unit_price <= 0 then 'non_positive_price'
                when abs(quantity) > {{ var('max_quantity_per_line') }} or unit_price > {{ var('max_unit_price') }}
                    then 'implausible_amount'
                when discount_amount < 0 or discount_amount > abs(quantity) * unit_price then 'invalid_discount'
            end
        ) as row_rejection_reason
    from parsed

),

ranked as (

    -- only lines that passed every row check compete for their order line key
    select
        *,
        row_number() over (
            partition by order_id, line_number, row_rejection_reason is null
            order by ordered_at, {{ raw_columns | join(', ') }}
        ) as key_rank
    from flagged

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
        order_id,
        line_number,
        {{ dbt_segments.clean_text('customer_id') }} as customer_id,
        ordered_at,
        product_category,
        product_category_raw,
        is_unmapped_category,
        case when clean_status = 'returned' then -abs(quantity) else quantity end as quantity,
        unit_price,
        coalesce(discount_amount, 0) as discount_amount,
        lower(trim(channel)) as channel,
        clean_status as status,
        rejection_reason,
        -- only a rejected row needs its raw text, and building it for every row costs as much as the checks
        case when rejection_reason is not null then {{ dbt_segments.record_as_text(raw_columns) }} end as raw_record

    from decided

)

select * from final
