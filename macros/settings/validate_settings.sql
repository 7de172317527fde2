{#- Checks every setting (dbt var) before any model is built -- it runs as the project's on-run-start
    hook -- and stops the run with one message naming the var and the fix. First every setting of the
    settings schema's group 'settings' (type, bounds, choices: settings_schema, declared in
    python_udfs/settings_schema.py), then the checks that involve two settings or the data. Vars that end
    up inside SQL (feature names, dates, numbers, the model version, the raw data path) are validated here
    so that no value can change the meaning of a query: feature names must be plain identifiers and real
    columns of customer_features (its declared columns, plus its live columns when it exists). Checks that
    need data (K against the number of customers, an as-of date before all data) run in
    check_data_window, as soon as the cleaned data exists and still before any mart is replaced. Returns
    a no-op statement. -#}
{% macro validate_settings() %}
    {%- if not execute -%}{{ return('select 1') }}{%- endif -%}
    {%- do dbt_segments.check_setting_group('settings') -%}
    {%- set rules = dbt_segments.settings_rules() -%}

    {#- segment_features: each once, each a column of customer_features -#}
    {%- set lowered = dbt_segments.setting_value('segment_features') | map('lower') | list -%}
    {%- if lowered | length == 0 -%}
        {{ exceptions.raise_compiler_error(rules.segment_features_empty) }}
    {%- endif -%}
    {%- set duplicated = [] -%}
    {%- for feature in lowered | unique if lowered.count(feature) > 1 -%}
        {%- do duplicated.append(feature) -%}
    {%- endfor -%}
    {%- if duplicated -%}
        {{ exceptions.raise_compiler_error(dbt_segments.settings_message(
            rules.segment_features_duplicated, {'features': duplicated})) }}
    {%- endif -%}
    {%- set columns = dbt_segments.feature_mart_columns() -%}
    {%- if columns -%}
        {%- set unknown = lowered | reject('in', columns) | list -%}
        {%- if unknown -%}
            {{ exceptions.raise_compiler_error(dbt_segments.settings_message(
                rules.segment_features_unknown, {'features': unknown, 'columns': columns | sort})) }}
        {%- endif -%}
    {%- endif -%}

    {#- the as-of date neither in the future nor before the earliest date data may have -#}
    {%- set earliest = dbt_segments.setting_value('earliest_valid_date') -%}
    {%- set as_of = dbt_segments.setting_value('as_of_date') -%}
    {%- if as_of is not none and as_of > run_started_at.date() -%}
        {{ exceptions.raise_compiler_error(
            "as_of_date is " ~ as_of ~ ", in the future (today is " ~ run_started_at.date()
            ~ "): features would measure days that have not happened; set as_of_date to today or earlier, "
            ~ "or to null for the date of the latest clean order line.") }}
    {%- elif as_of is not none and as_of < earliest -%}
        {{ exceptions.raise_compiler_error(
            "as_of_date is " ~ as_of ~ ", before earliest_valid_date " ~ earliest
            ~ " and so before all data: set a later as_of_date, "
            ~ "or null for the date of the latest clean order line.") }}
    {%- endif -%}
    {%- if "'" in (var('raw_data_path') | string) -%}
        {{ exceptions.raise_compiler_error(
            "raw_data_path " ~ dbt_segments.shown(var('raw_data_path'))
            ~ " contains a quote: move the raw files to a folder whose path has none and set raw_data_path to it.") }}
    {%- endif -%}

    {#- the report marts: which features segment_feature_distribution describes -#}
    {%- for feature in dbt_segments.list_var('distribution_features') -%}
        {%- if not dbt_segments.is_plain_column_name(feature) -%}
            {{ exceptions.raise_compiler_error(
                "distribution_features names " ~ dbt_segments.shown(feature)
                ~ ", which is not a lower-case column name of customer_features: fix the distribution_features var.") }}
        {%- elif columns and feature not in columns -%}
            {{ exceptions.raise_compiler_error(
                "distribution_features names '" ~ feature ~ "', which customer_features does not have: choose from "
                ~ (columns | sort | join(', ')) ~ " in the distribution_features var.") }}
        {%- endif -%}
    {%- endfor -%}

    {%- do dbt_segments.validate_fit_sample_settings(columns) -%}

    {#- a pinned model version must be a registered one (segment_models lists every fitted version) -#}
    {%- set pinned = dbt_segments.setting_value('model_version') -%}
    {%- if pinned is not none -%}
        {%- set registry = adapter.get_relation(
            database=target.database, schema=target.schema, identifier='segment_models') -%}
        {%- set versions = [] if registry is none
            else run_query("select model_version from " ~ registry ~ " order by trained_at, model_version")
                .columns[0].values() | list -%}
        {%- if pinned not in versions -%}
            {{ exceptions.raise_compiler_error(dbt_segments.settings_message(
                rules.model_version_unregistered, {'version': pinned, 'versions': versions})) }}
        {%- endif -%}
    {%- endif -%}

    {#- a customer table instead of order lines: its vars are checked by customer_table_settings (through
        feature_mart_columns above); features are measured at as_of_date or its latest signup date -#}
    {%- set customer_table = dbt_segments.customer_table_settings() -%}
    {%- if customer_table is not none and as_of is none and 'signup_date' not in customer_table.columns -%}
        {{ exceptions.raise_compiler_error(
            "customer_table " ~ customer_table.table ~ " has no signup date to measure features at: set the as_of_date "
            ~ "var to the date the table describes (YYYY-MM-DD), or map a signup date column "
            ~ "(customer_table_columns: {signup_date: <column>}).") }}
    {%- endif -%}
    {#- the raw data: table names or paths, column mappings, timestamp formats, cancellation and
        non-product conventions (each macro stops naming its var) -#}
    {%- for table_name in ['customers', 'transactions', 'events', 'support_tickets'] -%}
        {%- set table_var = 'raw_' ~ table_name ~ '_table' -%}
        {%- set table_value = var(table_var, table_name) -%}
        {%- if table_value is none and table_name == 'transactions' and customer_table is none -%}
            {{ exceptions.raise_compiler_error(
                table_var ~ " is null, but the order lines are the one source the segmentation cannot do without: set "
                ~ table_var ~ " to your order-lines file or table.") }}
        {%- elif table_value is not none and not dbt_segments.is_safe_raw_column_name(table_value) -%}
            {{ exceptions.raise_compiler_error(
                table_var ~ " is " ~ dbt_segments.shown(table_value) ~ ": set it to a table name or file path without "
                ~ "quotes or backslashes, or to null if you have no " ~ table_name ~ " data.") }}
        {%- endif -%}
        {%- do dbt_segments.raw_column_mapping(table_name) -%}
        {%- do dbt_segments.timestamp_formats_for(table_name) -%}
    {%- endfor -%}
    {%- do dbt_segments.has_cancellation_prefix('order_id') -%}
    {%- do dbt_segments.is_non_product_code('product_code') -%}
    {{ return('select 1') }}
{% endmacro %}
