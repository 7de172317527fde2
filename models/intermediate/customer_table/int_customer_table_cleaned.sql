{#- The customers of the customer table that passed cleaning, one row per customer id: signup date,
    e-mail, parsed numbers and derived features. -#}
{%- set settings = dbt_segments.customer_table_settings() %}

with validated as (

    select * from {{ ref('int_customer_table_validated') }}

),

final as (

    select
        customer_id,
        signup_date,
        email
        {%- for column in settings.feature_columns %},
        {{ column }}
        {%- endfor %}
    from validated
    where rejection_reason is null

)

select * from final
