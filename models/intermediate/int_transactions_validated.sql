{#- Every staged order line with the reason it is rejected (null when it is kept).
    Rules, first match wins:
      exact_duplicate          a copy of an earlier identical line
      missing_customer_id / unknown_customer_id
      unparseable_timestamp / timestamp_before_earliest_valid_date / timestamp_in_future
      unknown_status           status is not completed, returned or cancelled
      non_positive_quantity    quantity <= 0 on a line that is not a return, or a return of 0 units
      non_positive_price       unit price missing, zero or negative
      invalid_discount         discount negative or above the line's gross amount
      duplicate_order_line     a second, different line with the same order id and line number
                               (the one with the earliest timestamp, then the lowest values, is kept)
    Repairs, documented: a return's quantity is made negative whatever sign it arrived with; a missing
    discount is 0; a category is mapped through the product_category_map seed after lower-casing and
    trimming, and one the seed does not know becomes `other` (kept, and warned about by a test). -#}
{%- set raw_columns = ['order_id', 'line_number', 'customer_id', 'ordered_at_text', 'product_category_raw',
                       'quantity', 'unit_price', 'discount_amount', 'channel', 'status'] -%}

with transactions as (

    select * from {{ ref('stg_raw__transactions') }}

),

customers as (

    select customer_id from {{ ref('int_customers_cleaned') }}

),

category_map as (

    select * from {{ ref('product_category_map') }}

),

parsed as (

    select
        transactions.*,
        customers.customer_id as known_customer_id,
        {{ dbt_segments.parse_timestamp_text('transactions.ordered_at_text') }} as ordered_at,
        lower(trim(transactions.status)) as clean_status,
        coalesce(category_map.product_category, 'other') as product_category,
        category_map.product_category is null as is_unmapped_category,
        row_number() over (
            partition by {% for column in raw_columns %}transactions.{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
            order by transactions.order_id
        ) as copy_number
    from transactions
    left join customers
        on trim(transactions.customer_id) = customers.customer_id
    left join category_map
        on lower(trim(transactions.product_category_raw)) = category_map.raw_category

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
                when quantity is null or quantity = 0 or (quantity < 0 and clean_status <> 'returned')
                    then 'non_positive_quantity'
                when unit_price is null or unit_price <= 0 then 'non_positive_price'
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

final as (

    select
        order_id,
        line_number,
        trim(customer_id) as customer_id,
        ordered_at,
        product_category,
        product_category_raw,
        is_unmapped_category,
        case when clean_status = 'returned' then -abs(quantity) else quantity end as quantity,
        unit_price,
        coalesce(discount_amount, 0) as discount_amount,
        lower(trim(channel)) as channel,
        clean_status as status,
        coalesce(
            row_rejection_reason,
            case when key_rank > 1 then 'duplicate_order_line' end
        ) as rejection_reason,
        {{ dbt_segments.record_as_text(raw_columns) }} as raw_record

    from ranked

)

select * from final
