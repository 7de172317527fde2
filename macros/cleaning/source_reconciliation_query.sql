{#- Rows in = kept + quarantined, by reason, for every raw source: one row per source and outcome
    (`kept`, or a rejection reason) with its rows, the source's rows, the share, and one example of the
    rejected rows (its record id, the raw value the rule rejected and, for a timestamp, what it was read
    as). The source_reconciliation mart is this query; check_quarantine_share runs it before any mart. -#}
{% macro source_reconciliation_query() %}
    {%- set sources = dbt_segments.cleaning_sources() -%}
    {%- set excluded = dbt_segments.reasons_excluded_by_settings() -%}
with staged as (

    {% for source in sources -%}
    select '{{ source.source_table }}' as source_table, count(*) as source_rows from {{ ref(source.staged) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

kept as (

    {% for source in sources -%}
    select '{{ source.source_table }}' as source_table, count(*) as outcome_rows
    from {{ ref(source.validated) }}
    where rejection_reason is null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

quarantine as (

    select * from {{ ref('int_quarantine') }}

),

quarantined as (

    select
        source_table,
        rejection_reason,
        count(*) as outcome_rows,
        min(quarantine_id) as example_quarantine_id
    from quarantine
    group by source_table, rejection_reason

),

outcomes as (

    select source_table, 'kept' as outcome, outcome_rows, cast(null as {{ dbt.type_bigint() }}) as example_quarantine_id
    from kept
    union all
    select source_table, rejection_reason as outcome, outcome_rows, example_quarantine_id
    from quarantined

),

final as (

    select
        outcomes.source_table,
        outcomes.outcome,
        outcomes.outcome_rows,
        staged.source_rows,
        {{ dbt_segments.safe_divide('outcomes.outcome_rows * 1.0', 'staged.source_rows') }} as share_of_source,
        outcomes.outcome in ('{{ excluded | join("', '") }}') as is_excluded_by_setting,
        quarantine.record_id as example_record_id,
        quarantine.rejected_value as example_value,
        quarantine.rejected_value_read_as as example_read_as
    from outcomes
    inner join staged
        on outcomes.source_table = staged.source_table
    left join quarantine
        on outcomes.example_quarantine_id = quarantine.quarantine_id

)

select * from final
{%- endmacro %}
