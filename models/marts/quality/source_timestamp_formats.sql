{#- Which format each source's timestamps were read in (the query: timestamp_formats_query; the build
    log lists the same rows). -#}
-- depends_on: {{ ref('int_feature_window') }}
{{ dbt_segments.timestamp_formats_query() }}
