{#- Rows in = kept + quarantined, by reason, for every raw source (the query: source_reconciliation_query).
    Built after int_feature_window, whose compile stops the build when too much of a source was
    quarantined: the same numbers are then in the error message. -#}
-- depends_on: {{ ref('int_feature_window') }}
{{ dbt_segments.source_reconciliation_query() }}
