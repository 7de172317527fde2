{#- The segment_playbook seed can give every segment an action: it has the catch-all row (blank label and
    driver), and every driver it names is words of feature_dictionary, so the row can match a name.
    Fails with the offending rows. -#}
with segment_playbook as (

    select * from {{ ref('segment_playbook') }}

),

feature_dictionary as (

    select * from {{ ref('feature_dictionary') }}

),

phrases as (

    select high_label as phrase from feature_dictionary
    union
    select low_label as phrase from feature_dictionary

),

unknown_drivers as (

    select
        segment_playbook.rfm_label,
        segment_playbook.driver,
        'driver is not a high_label or low_label of feature_dictionary' as problem
    from segment_playbook
    left join phrases
        on segment_playbook.driver = phrases.phrase
    where segment_playbook.driver is not null
        and phrases.phrase is null

),

catch_all as (

    select
        cast(null as {{ dbt.type_string() }}) as rfm_label,
        cast(null as {{ dbt.type_string() }}) as driver,
        'no row with both rfm_label and driver blank: a segment may get no action' as problem
    from (select count(*) as catch_all_rows from segment_playbook where rfm_label is null and driver is null) as counted
    where catch_all_rows = 0

),

final as (

    select * from unknown_drivers
    union all
    select * from catch_all

)

select * from final
