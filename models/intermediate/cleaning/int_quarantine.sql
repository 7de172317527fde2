{#- Every raw row the cleaning models rejected, with its reason and the row as it arrived.
    Rows in = rows kept + rows here, per source (tested on each staging model). A customer table
    (customer_table var) is the only source when it replaces the order lines. -#}
{%- set sources = [
    ('customers', 'int_customers_validated', 'customer_id'),
    ('transactions', 'int_transactions_validated',
     dbt.concat(['order_id', "'#'", 'cast(line_number as ' ~ dbt.type_string() ~ ')'])),
    ('events', 'int_events_validated', 'event_id'),
    ('support_tickets', 'int_support_tickets_validated', 'ticket_id'),
] if var('customer_table', none) is none else [
    ('customer_table', 'int_customer_table_validated', 'customer_id'),
] -%}

with
{% for source_table, validated_model, record_id in sources %}
{{ source_table }} as (

    select
        '{{ source_table }}' as source_table,
        cast({{ record_id }} as {{ dbt.type_string() }}) as record_id,
        customer_id,
        rejection_reason,
        rejected_value,
        rejected_value_read_as,
        raw_record
    from {{ ref(validated_model) }}
    where rejection_reason is not null

),
{% endfor %}

unioned as (

    {% for source_table, _, _ in sources %}
    select * from {{ source_table }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    -- exact duplicates are identical rows, so this numbering is deterministic where it matters
    select
        row_number() over (order by source_table, record_id, rejection_reason, raw_record) as quarantine_id,
        unioned.*
    from unioned

)

select * from final
