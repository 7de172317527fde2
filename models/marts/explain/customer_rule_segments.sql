{#- Every customer with the segment the readable rules give (apply_segment_rules) next to the segment
    the model assigns, so a CRM can use the rules and anyone can see where the two disagree. -#}
with rule_segments as (

    {{ dbt_segments.apply_segment_rules(
        ref('customer_features'), id_column='customer_id', rules=ref('segment_rules')) }}

),

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

final as (

    select
        cast(rule_segments.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(rule_segments.rule_segment_id as {{ dbt.type_int() }}) as rule_segment_id,
        cast(customer_segments.segment_id as {{ dbt.type_int() }}) as segment_id,
        rule_segments.rule_segment_id = customer_segments.segment_id as rule_agrees
    from rule_segments
    inner join customer_segments
        on rule_segments.customer_id = customer_segments.customer_id

)

select * from final
