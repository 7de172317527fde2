{#- Stops the build, before anything is written, when a raw source lacks a column its staging model
    reads, naming the columns, the file and the fix; a column the source has beyond those declared in
    _raw__sources.yml is ignored (staging selects by name) and logged. Without this a missing column
    surfaces as an engine binder error inside the compiled SQL. -#}
{% macro require_source_columns(source_relation, source_name='raw') %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set table_name = source_relation.identifier -%}
    {%- set declared = [] -%}
    {#- matched by identifier: the raw_<table>_table vars may give the table another name than the
        source's; the raw_<table>_columns mappings give its columns the names they have in the data -#}
    {%- for node in graph.sources.values()
            if node.package_name == 'dbt_segments' and node.source_name == source_name and node.identifier == table_name -%}
        {%- set mapping = dbt_segments.raw_column_mapping(node.name) -%}
        {%- for column in node.columns -%}{%- do declared.append(mapping.get(column, column) | lower) -%}{%- endfor -%}
    {%- endfor -%}
    {%- set found = run_query('select * from ' ~ source_relation ~ ' where 1 = 0').column_names | map('lower') | list -%}
    {%- set missing = declared | reject('in', found) | list -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            "source " ~ source_name ~ "." ~ table_name ~ " has no column(s) " ~ missing ~ " (it has " ~ found ~ "). "
            ~ "Add them to the raw " ~ table_name ~ " data (an empty column is fine: its rows are then cleaned "
            ~ "or quarantined by the usual rules), or point the raw_data_path var at the right files; the "
            ~ "expected columns are listed in models/staging/_raw__sources.yml, and a raw_<table>_columns var "
            ~ "maps them to other names (README: Use it from your dbt project).") }}
    {%- endif -%}
    {%- set extra = found | reject('in', declared) | list -%}
    {%- if extra -%}
        {{ log("source " ~ source_name ~ "." ~ table_name ~ ": ignoring column(s) " ~ extra ~ " not declared in _raw__sources.yml", info=true) }}
    {%- endif -%}
{%- endmacro %}
