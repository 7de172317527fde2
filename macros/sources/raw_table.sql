{#- The raw data of one source table as its staging model reads it, checked before anything is built:
    a dict with
      relation       what to select from: the raw files (DuckDB), the raw table (other engines), or no
                     rows at all when the table's var is null (the source is switched off);
      enabled        false when switched off;
      columns        {package column: the raw column, quoted when its name is not a plain identifier}
                     for every declared column the data has (after the raw_<table>_columns mapping);
      other_columns  the data's columns this package does not read (they count in exact-duplicate
                     detection and the quarantine's raw_record).
    The raw_<table>_table var names the data: null switches the source off (every optional source:
    customers, events, support_tickets; the order lines are required). On DuckDB with raw_data_path
    set the value names files: a bare name is looked up in raw_data_path as <name>.parquet, <name>.csv
    or a folder <name>/ of .parquet or .csv files; a value with a '/' or an extension is a path of its
    own (a file, a folder or a glob). Parquet or CSV is chosen by extension; CSV is read with every
    column as text, so the cleaning rules, not a type guess, read numbers and dates. Elsewhere (and on
    DuckDB with raw_data_path null) the value is a table of the raw_schema schema.
    Stops, naming the var and the fix, when the file or table is missing, when a required column is
    missing (_raw__sources.yml marks them: meta required, and a table's required_one_of groups), or when
    a mapped column is not in the data. An optional column the data lacks gets its documented default
    (a null the cleaning models fill); missing optional columns and unread columns are logged. -#}
{% macro raw_table(table_name, source_relation) %}
    {%- set var_name = 'raw_' ~ table_name ~ '_table' -%}
    {%- set mapping = dbt_segments.raw_column_mapping(table_name) -%}
    {%- if not dbt_segments.raw_source_enabled(table_name) -%}
        {%- if table_name == 'transactions' -%}
            {{ exceptions.raise_compiler_error(
                var_name ~ " is null, but the order lines are the one source the segmentation cannot do without: set "
                ~ var_name ~ " to your order-lines file or table.") }}
        {%- endif -%}
        {{ return({'enabled': false, 'relation': '(select 1 as no_rows where 1 = 0) as switched_off',
                   'columns': {}, 'other_columns': []}) }}
    {%- endif -%}
    {%- if not execute -%}
        {{ return({'enabled': true, 'relation': source_relation, 'columns': {}, 'other_columns': []}) }}
    {%- endif -%}
    {%- set declared = dbt_segments.raw_source_columns(table_name) -%}
    {%- set relation = adapter.dispatch('raw_table_relation', 'dbt_segments')(table_name, source_relation) -%}
    {%- set found = run_query('select * from ' ~ relation ~ ' where 1 = 0').column_names | list -%}
    {%- set found_by_lower = {} -%}
    {%- for name in found -%}{%- do found_by_lower.update({name | lower: name}) -%}{%- endfor -%}

    {%- set columns = {} -%}
    {%- set read_names = [] -%}
    {%- set missing_required = [] -%}
    {%- set missing_optional = [] -%}
    {%- for column, meta in declared.items() -%}
        {%- set wanted = mapping[column] if column in mapping else column -%}
        {%- if wanted is not none and (wanted | lower) in found_by_lower -%}
            {%- set name = found_by_lower[wanted | lower] -%}
            {%- do read_names.append(name | lower) -%}
            {%- do columns.update(
                {column: name if modules.re.match('^[a-z_][a-z0-9_]*$', name) else adapter.quote(name)}) -%}
        {%- elif wanted is not none and column in mapping -%}
            {{ exceptions.raise_compiler_error(
                "raw_" ~ table_name ~ "_columns maps " ~ column ~ " to '" ~ wanted ~ "', which the raw " ~ table_name
                ~ " data (" ~ relation ~ ") does not have: its columns are " ~ found ~ ". Map " ~ column
                ~ " to one of them, or to null if your data has no such column"
                ~ ("" if meta.get('required') else " (it is optional)") ~ ".") }}
        {%- elif meta.get('required') -%}
            {%- do missing_required.append(column) -%}
        {%- else -%}
            {%- do missing_optional.append(column) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set groups = dbt_segments.raw_source_meta(table_name).get('required_one_of', []) -%}
    {%- set unmet = [] -%}
    {%- for group in groups -%}
        {%- if group | reject('in', columns.keys() | list) | list -%}{%- do unmet.append(group) -%}{%- endif -%}
    {%- endfor -%}
    {%- if missing_required or (groups and unmet | length == groups | length) -%}
        {%- set needs = missing_required | list -%}
        {%- if groups and unmet | length == groups | length -%}
            {%- set alternatives = [] -%}
            {%- for group in groups -%}{%- do alternatives.append(group | join(' + ')) -%}{%- endfor -%}
            {%- do needs.append('either ' ~ alternatives | join(' or ')) -%}
        {%- endif -%}
        {{ exceptions.raise_compiler_error(
            "source raw." ~ table_name ~ " (" ~ relation ~ ") has no column(s) for " ~ needs | join(', ')
            ~ " (it has " ~ found ~ "). "
            ~ "Map them to your column names in the raw_" ~ table_name
            ~ "_columns var, e.g. {customer_id: client_ref}, "
            ~ "or add them to the data; every other column is optional (models/staging/_raw__sources.yml lists "
            ~ "them with their defaults; README: Your own data).") }}
    {%- endif -%}
    {%- if missing_optional -%}
        {{ log("source raw." ~ table_name ~ ": no column(s) " ~ missing_optional
            ~ " in the data: their defaults apply (models/staging/_raw__sources.yml)", info=true) }}
    {%- endif -%}

    {%- set other_columns = [] -%}
    {%- set unsafe = [] -%}
    {%- for name in found if (name | lower) not in read_names -%}
        {%- if dbt_segments.is_safe_raw_column_name(name) -%}
            {%- do other_columns.append(name) -%}
        {%- else -%}
            {%- do unsafe.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if other_columns or unsafe -%}
        {{ log(
            "source raw." ~ table_name ~ ": not reading column(s) " ~ (other_columns + unsafe)
            ~ " (not declared in _raw__sources.yml); "
            ~ ("they still count in exact-duplicate detection and the quarantine's raw_record" if other_columns else "")
            ~ ((", except " ~ unsafe ~ ", whose names hold quote characters") if unsafe else ""),
            info=true) }}
    {%- endif -%}
    {{ return({'enabled': true, 'relation': relation, 'columns': columns, 'other_columns': other_columns}) }}
{% endmacro %}

{#- The var that names a raw source's data: raw_<table>_table, and customer_table for the customer table. -#}
{% macro raw_table_var(table_name) %}
    {{ return('customer_table' if table_name == 'customer_table' else 'raw_' ~ table_name ~ '_table') }}
{% endmacro %}

{#- The meta of a raw source table in _raw__sources.yml. -#}
{% macro raw_source_meta(table_name) %}
    {%- for node in graph.sources.values()
        if node.package_name == 'dbt_segments' and node.source_name == 'raw' and node.name == table_name -%}
        {{ return(node.meta or {}) }}
    {%- endfor -%}
    {{ return({}) }}
{% endmacro %}

{#- Where the raw table is: its source relation, checked to exist (engines that read tables). -#}
{% macro default__raw_table_relation(table_name, source_relation) %}
    {%- set var_name = dbt_segments.raw_table_var(table_name) -%}
    {%- set found = adapter.get_relation(database=source_relation.database, schema=source_relation.schema,
                                         identifier=source_relation.identifier) -%}
    {%- if found is none -%}
        {{ exceptions.raise_compiler_error(
            var_name ~ ": there is no table " ~ source_relation ~ ": load the raw " ~ table_name
            ~ " data there, or point the raw_schema and " ~ var_name ~ " vars at your table"
            ~ (", or set " ~ var_name ~ ": null if you have no " ~ table_name ~ " data"
               if table_name not in ['transactions', 'customer_table'] else "") ~ ".") }}
    {%- endif -%}
    {{ return(source_relation) }}
{% endmacro %}

{#- DuckDB reads the raw files themselves (see raw_table); with raw_data_path null, tables as elsewhere. -#}
{% macro duckdb__raw_table_relation(table_name, source_relation) %}
    {%- if var('raw_data_path') is none -%}
        {{ return(dbt_segments.default__raw_table_relation(table_name, source_relation)) }}
    {%- endif -%}
    {%- set var_name = dbt_segments.raw_table_var(table_name) -%}
    {%- set value = (var(var_name, table_name) | string | trim).rstrip('/') -%}
    {%- set base = value if '/' in value else var('raw_data_path') ~ '/' ~ value -%}
    {%- set extension = modules.re.search('[.](parquet|csv|tsv|txt)$', base | lower) -%}
    {%- if extension or '*' in base -%}
        {%- set candidates = [base] -%}
    {%- else -%}
        {%- set candidates = [base ~ '.parquet', base ~ '.csv', base ~ '/**/*.parquet', base ~ '/**/*.csv'] -%}
    {%- endif -%}
    {%- set counts = [] -%}
    {%- for candidate in candidates -%}
        {%- do counts.append("(select count(*) from glob('" ~ candidate ~ "'))") -%}
    {%- endfor -%}
    {%- set found = run_query('select ' ~ counts | join(', ')).rows[0] | list -%}
    {%- set matched = [] -%}
    {%- for candidate in candidates -%}
        {%- if found[loop.index0] | int > 0 -%}{%- do matched.append(candidate) -%}{%- endif -%}
    {%- endfor -%}
    {%- if not matched -%}
        {{ exceptions.raise_compiler_error(
            var_name ~ ": no file found for the raw " ~ table_name ~ " data at " ~ candidates | join(', ')
            ~ ". Put the file there, or set " ~ var_name
            ~ " to its path (a .parquet or .csv file, or a folder of them; a bare name is looked up in raw_data_path)"
            ~ (", or set " ~ var_name ~ ": null if you have no " ~ table_name ~ " data"
               if table_name not in ['transactions', 'customer_table'] else "") ~ ".") }}
    {%- elif matched | length > 1 -%}
        {{ exceptions.raise_compiler_error(
            var_name ~ ": the raw " ~ table_name ~ " data could be any of " ~ matched | join(', ') ~ ": set "
            ~ var_name ~ " to the one to read, with its extension or folder path.") }}
    {%- endif -%}
    {%- set location = matched[0] -%}
    {%- if modules.re.search('[.](csv|tsv|txt)$', location | lower) -%}
        {{ return("read_csv('" ~ location ~ "', header = true, all_varchar = true, union_by_name = true)") }}
    {%- endif -%}
    {{ return("read_parquet('" ~ location ~ "', union_by_name = true)") }}
{% endmacro %}
