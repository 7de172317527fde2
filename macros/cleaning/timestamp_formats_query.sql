{#- Which format each source's timestamps were read in: one row per source and format, with its rows,
    the rows kept, the smallest raw text and the earliest and latest time read. The
    source_timestamp_formats mart is this query; check_quarantine_share logs it. -#}
{% macro timestamp_formats_query() %}
with
{% for source in dbt_segments.cleaning_sources() if source.timestamp_column %}
{%- set column = source.timestamp_column %}
{{ source.source_table }} as (

    select
        '{{ source.source_table }}' as source_table,
        '{{ column }}' as timestamp_column,
        coalesce({{ column }}_format, 'unrecognised') as timestamp_format,
        count(*) as format_rows,
        sum(case when rejection_reason is null then 1 else 0 end) as kept_rows,
        min({{ column }}_text) as example_text,
        min({{ column }}) as earliest_read,
        max({{ column }}) as latest_read
    from {{ ref(source.validated) }}
    group by coalesce({{ column }}_format, 'unrecognised')

),
{% endfor %}

final as (

    {% for source in dbt_segments.cleaning_sources() if source.timestamp_column -%}
    select * from {{ source.source_table }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from final
{%- endmacro %}
