with validated as (

    select * from {{ ref('int_customers_validated') }}

),

final as (

    select
        customer_id,
        email,
        full_name,
        signup_date,
        country,
        city,
        birth_year,
        acquisition_channel,
        plan
    from validated
    where rejection_reason is null

)

select * from final
