{#- Checks every setting (dbt var) before any model is built -- it runs as the project's on-run-start
    hook -- and stops the run with one message naming the var and the fix. Vars that end up inside SQL
    (feature names, dates, numbers, the model version, the raw data path) are validated here so that no
    value can change the meaning of a query: feature names must be plain identifiers and real columns of
    customer_features (its declared columns, plus its live columns when it exists). Checks that need data
    (K against the number of customers, an as-of date before all data) run in check_data_window, as
    soon as the cleaned data exists and still before any mart is replaced. Returns a no-op statement. -#}
{% macro validate_settings() %}
    {%- if not execute -%}{{ return('select 1') }}{%- endif -%}

    {#- segment_features: plain identifiers, each once, each a column of customer_features -#}
    {%- set features = dbt_segments.list_var('segment_features') -%}
    {%- if features | length == 0 -%}
        {{ exceptions.raise_compiler_error("segment_features is empty: list at least one numeric column of customer_features in the segment_features var (dbt_project.yml).") }}
    {%- endif -%}
    {%- for feature in features -%}
        {%- if feature is not string or not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', feature) -%}
            {{ exceptions.raise_compiler_error("segment_features contains " ~ dbt_segments.shown(feature) ~ ", which is not a column name (letters, digits and _ only): list plain column names of customer_features in the segment_features var.") }}
        {%- endif -%}
    {%- endfor -%}
    {%- set lowered = features | map('lower') | list -%}
    {%- set duplicated = [] -%}
    {%- for feature in lowered | unique if lowered.count(feature) > 1 -%}{%- do duplicated.append(feature) -%}{%- endfor -%}
    {%- if duplicated -%}
        {{ exceptions.raise_compiler_error("segment_features lists " ~ duplicated ~ " more than once: keep each feature once in the segment_features var.") }}
    {%- endif -%}
    {%- set columns = dbt_segments.feature_mart_columns() -%}
    {%- if columns -%}
        {%- set unknown = lowered | reject('in', columns) | list -%}
        {%- if unknown -%}
            {{ exceptions.raise_compiler_error("segment_features names " ~ unknown ~ ", which customer_features does not have: choose from " ~ (columns | sort) ~ " in the segment_features var.") }}
        {%- endif -%}
    {%- endif -%}

    {#- K and its search range -#}
    {%- set n_segments = var('n_segments') -%}
    {%- if not (n_segments is string and n_segments | trim | lower == 'auto') -%}
        {%- set k = dbt_segments.whole_number(n_segments) -%}
        {%- if k is none -%}
            {{ exceptions.raise_compiler_error("n_segments is " ~ dbt_segments.shown(n_segments) ~ ": set it to a whole number of segments (at least 2) or to auto.") }}
        {%- elif k < 2 -%}
            {{ exceptions.raise_compiler_error("n_segments is " ~ k ~ ": segmenting needs at least 2 segments; set n_segments >= 2 or auto.") }}
        {%- endif -%}
    {%- endif -%}
    {%- set k_range = dbt_segments.list_var('segment_k_range') -%}
    {%- if k_range | length != 2 or dbt_segments.whole_number(k_range[0]) is none or dbt_segments.whole_number(k_range[1]) is none
            or not (2 <= dbt_segments.whole_number(k_range[0]) <= dbt_segments.whole_number(k_range[1])) -%}
        {{ exceptions.raise_compiler_error("segment_k_range is " ~ dbt_segments.shown(var('segment_k_range')) ~ ": give two whole numbers [min, max] with 2 <= min <= max, e.g. [3, 10].") }}
    {%- endif -%}
    {%- for name in ['random_state', 'kmeans_n_init', 'silhouette_sample_size', 'comparison_sample_size'] -%}
        {%- set value = dbt_segments.whole_number(var(name)) -%}
        {%- if value is none or value < (0 if name == 'random_state' else 1) -%}
            {{ exceptions.raise_compiler_error(name ~ " is " ~ dbt_segments.shown(var(name)) ~ ": set it to a whole number" ~ (" >= 0" if name == 'random_state' else " >= 1") ~ ".") }}
        {%- endif -%}
    {%- endfor -%}

    {#- dates: real dates (they are written into SQL), the as-of date neither in the future nor before
        the earliest date data may have -#}
    {%- set earliest = dbt_segments.date_var('earliest_valid_date') -%}
    {%- if earliest is none -%}
        {{ exceptions.raise_compiler_error("earliest_valid_date is " ~ dbt_segments.shown(var('earliest_valid_date')) ~ ": set it to a date written YYYY-MM-DD, e.g. 1990-01-01.") }}
    {%- endif -%}
    {%- if var('as_of_date') is not none -%}
        {%- set as_of = dbt_segments.date_var('as_of_date') -%}
        {%- if as_of is none -%}
            {{ exceptions.raise_compiler_error("as_of_date is " ~ dbt_segments.shown(var('as_of_date')) ~ ": set it to a date written YYYY-MM-DD, or to null for the date of the latest clean order line.") }}
        {%- elif as_of > run_started_at.date() -%}
            {{ exceptions.raise_compiler_error("as_of_date is " ~ as_of ~ ", in the future (today is " ~ run_started_at.date() ~ "): features would measure days that have not happened; set as_of_date to today or earlier, or to null for the date of the latest clean order line.") }}
        {%- elif as_of < earliest -%}
            {{ exceptions.raise_compiler_error("as_of_date is " ~ as_of ~ ", before earliest_valid_date " ~ earliest ~ " and so before all data: set a later as_of_date, or null for the date of the latest clean order line.") }}
        {%- endif -%}
    {%- endif -%}

    {#- numbers written into SQL -#}
    {%- for name in ['max_quantity_per_line', 'max_unit_price', 'money_cap_quantile', 'segment_match_max_distance',
                     'near_constant_feature_share'] -%}
        {%- set value = var(name) -%}
        {%- set is_share = name in ['money_cap_quantile', 'near_constant_feature_share'] -%}
        {%- if value is string or value is boolean or value is not number or value <= 0
                or (is_share and value > 1) -%}
            {{ exceptions.raise_compiler_error(name ~ " is " ~ dbt_segments.shown(value) ~ ": set it to a number above 0" ~ (" and at most 1, e.g. " ~ ('0.99' if name == 'money_cap_quantile' else '0.95') if is_share else "") ~ ".") }}
        {%- endif -%}
    {%- endfor -%}
    {%- if "'" in (var('raw_data_path') | string) -%}
        {{ exceptions.raise_compiler_error("raw_data_path " ~ dbt_segments.shown(var('raw_data_path')) ~ " contains a quote: move the raw files to a folder whose path has none and set raw_data_path to it.") }}
    {%- endif -%}

    {#- the report marts: which features segment_feature_distribution describes, and its bins -#}
    {%- for feature in dbt_segments.list_var('distribution_features') -%}
        {%- if not dbt_segments.is_plain_column_name(feature) -%}
            {{ exceptions.raise_compiler_error("distribution_features names " ~ dbt_segments.shown(feature) ~ ", which is not a lower-case column name of customer_features: fix the distribution_features var.") }}
        {%- elif columns and feature not in columns -%}
            {{ exceptions.raise_compiler_error("distribution_features names '" ~ feature ~ "', which customer_features does not have: choose from " ~ (columns | sort | join(', ')) ~ " in the distribution_features var.") }}
        {%- endif -%}
    {%- endfor -%}
    {%- set n_bins = dbt_segments.whole_number(var('distribution_bins')) -%}
    {%- if n_bins is none or n_bins < 1 -%}
        {{ exceptions.raise_compiler_error("distribution_bins is " ~ dbt_segments.shown(var('distribution_bins')) ~ ": set the distribution_bins var to a whole number of histogram bins >= 1, e.g. 20.") }}
    {%- endif -%}

    {%- do dbt_segments.validate_fit_sample_settings(columns) -%}

    {#- a pinned model version must be a registered one (segment_models lists every fitted version) -#}
    {%- set pinned = var('model_version', none) -%}
    {%- if pinned is not none -%}
        {%- if pinned is not string or not modules.re.match('^[A-Za-z0-9_.-]+$', pinned) -%}
            {{ exceptions.raise_compiler_error("model_version is " ~ dbt_segments.shown(pinned) ~ ", which is not a model version: copy one from segment_models.model_version into the model_version var, or set it to null.") }}
        {%- endif -%}
        {%- set registry = adapter.get_relation(database=target.database, schema=target.schema, identifier='segment_models') -%}
        {%- set versions = [] if registry is none else run_query("select model_version from " ~ registry ~ " order by trained_at, model_version").columns[0].values() | list -%}
        {%- if pinned not in versions -%}
            {{ exceptions.raise_compiler_error("model_version is '" ~ pinned ~ "', which is not a registered model version (segment_models lists " ~ versions ~ "): pin one of those in the model_version var, or set it to null to score with the published one.") }}
        {%- endif -%}
    {%- endif -%}
    {#- the retrain switches and the publish gate's bars -#}
    {%- do dbt_segments.boolean_var('retrain', true) -%}
    {%- do dbt_segments.boolean_var('retrain_on_drift', false) -%}
    {%- do dbt_segments.boolean_var('publish_gate_allow_feature_change', false) -%}
    {%- set min_share = var('publish_gate_min_segment_share', 0.01) -%}
    {%- if min_share is string or min_share is boolean or min_share is not number or min_share < 0 or min_share >= 1 -%}
        {{ exceptions.raise_compiler_error("publish_gate_min_segment_share is " ~ dbt_segments.shown(min_share) ~ ": set it to a share of customers from 0 up to (not including) 1, e.g. 0.01.") }}
    {%- endif -%}
    {%- for verdict in dbt_segments.list_var('publish_gate_allowed_verdicts') if verdict not in ['stable', 'doubtful', 'unstable'] -%}
        {{ exceptions.raise_compiler_error("publish_gate_allowed_verdicts names " ~ dbt_segments.shown(verdict) ~ ": list verdicts of segment_stability (stable, doubtful, unstable).") }}
    {%- endfor -%}

    {#- a customer table instead of order lines: its vars are checked by customer_table_settings (through
        feature_mart_columns above); features are measured at as_of_date or its latest signup date -#}
    {%- set customer_table = dbt_segments.customer_table_settings() -%}
    {%- if customer_table is not none and var('as_of_date') is none and 'signup_date' not in customer_table.columns -%}
        {{ exceptions.raise_compiler_error("customer_table " ~ customer_table.table ~ " has no signup date to measure features at: set the as_of_date var to the date the table describes (YYYY-MM-DD), or map a signup date column (customer_table_columns: {signup_date: <column>}).") }}
    {%- endif -%}
    {#- the raw data: table names or paths, column mappings, timestamp formats, cancellation and
        non-product conventions (each macro stops naming its var), the quarantine share -#}
    {%- for table_name in ['customers', 'transactions', 'events', 'support_tickets'] -%}
        {%- set table_var = 'raw_' ~ table_name ~ '_table' -%}
        {%- set table_value = var(table_var, table_name) -%}
        {%- if table_value is none and table_name == 'transactions' and customer_table is none -%}
            {{ exceptions.raise_compiler_error(table_var ~ " is null, but the order lines are the one source the segmentation cannot do without: set " ~ table_var ~ " to your order-lines file or table.") }}
        {%- elif table_value is not none and not dbt_segments.is_safe_raw_column_name(table_value) -%}
            {{ exceptions.raise_compiler_error(table_var ~ " is " ~ dbt_segments.shown(table_value) ~ ": set it to a table name or file path without quotes or backslashes, or to null if you have no " ~ table_name ~ " data.") }}
        {%- endif -%}
        {%- do dbt_segments.raw_column_mapping(table_name) -%}
        {%- do dbt_segments.timestamp_formats_for(table_name) -%}
    {%- endfor -%}
    {%- do dbt_segments.has_cancellation_prefix('order_id') -%}
    {%- do dbt_segments.is_non_product_code('product_code') -%}
    {%- set max_share = var('max_quarantined_share', 0.5) -%}
    {%- if max_share is string or max_share is boolean or max_share is not number or max_share <= 0 or max_share > 1 -%}
        {{ exceptions.raise_compiler_error("max_quarantined_share is " ~ dbt_segments.shown(max_share) ~ ": set it to the largest share of a source that may be quarantined before the build stops, above 0 and at most 1 (e.g. 0.5).") }}
    {%- endif -%}
    {{ return('select 1') }}
{% endmacro %}

{#- the fit sample and the MiniBatchKMeans threshold. Whole numbers >= 1; the sample no
    larger than the threshold above which it is drawn (else the "sample" of a population just above the
    threshold would be all of it) and larger than every K it must fit; the strata a real column. -#}
{% macro validate_fit_sample_settings(columns) %}
    {%- for name in ['fit_sample_threshold', 'fit_sample_size', 'minibatch_threshold'] -%}
        {%- set value = dbt_segments.whole_number(var(name)) -%}
        {%- if value is none or value < 1 -%}
            {{ exceptions.raise_compiler_error(name ~ " is " ~ dbt_segments.shown(var(name)) ~ ": set the " ~ name ~ " var to a whole number of customers >= 1.") }}
        {%- endif -%}
    {%- endfor -%}
    {%- set size = dbt_segments.whole_number(var('fit_sample_size')) -%}
    {%- set threshold = dbt_segments.whole_number(var('fit_sample_threshold')) -%}
    {%- if size > threshold -%}
        {{ exceptions.raise_compiler_error("fit_sample_size is " ~ size ~ ", above fit_sample_threshold " ~ threshold ~ ": a sample cannot be larger than the population it is drawn from; set fit_sample_size <= fit_sample_threshold.") }}
    {%- endif -%}
    {%- set n_segments = dbt_segments.whole_number(var('n_segments')) -%}
    {%- set largest_k = [n_segments or 0, dbt_segments.whole_number(dbt_segments.list_var('segment_k_range')[1])] | max -%}
    {%- if size <= largest_k -%}
        {{ exceptions.raise_compiler_error("fit_sample_size is " ~ size ~ ", too small to fit " ~ largest_k ~ " segments (n_segments / segment_k_range): set fit_sample_size above " ~ largest_k ~ ", e.g. 200000.") }}
    {%- endif -%}
    {%- set strata = var('fit_sample_strata') -%}
    {%- if strata is not none -%}
        {%- if strata is not string or not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', strata) -%}
            {{ exceptions.raise_compiler_error("fit_sample_strata is " ~ dbt_segments.shown(strata) ~ ", which is not a column name: set it to a column of customer_features with few values (e.g. rfm_label), or to null for a simple random sample.") }}
        {%- elif columns and strata | lower not in columns -%}
            {{ exceptions.raise_compiler_error("fit_sample_strata names '" ~ strata ~ "', which customer_features does not have: choose one of " ~ (columns | sort | join(', ')) ~ " (e.g. rfm_label) in the fit_sample_strata var, or null for a simple random sample.") }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{#- A list var as a list: a list, or the text of one (from --vars or a yml config), or comma-separated text. -#}
{% macro list_var(name) %}
    {%- set value = var(name) -%}
    {%- if value is none -%}{{ return([]) }}{%- endif -%}
    {%- if value is string -%}
        {%- set text = value | trim -%}
        {%- if text.startswith('[') -%}
            {%- set value = fromyaml(text) -%}
        {%- else -%}
            {%- set value = text.split(',') | map('trim') | reject('equalto', '') | list -%}
        {%- endif -%}
    {%- endif -%}
    {%- if value is string or value is number -%}{{ return([value]) }}{%- endif -%}
    {{ return(value | list) }}
{% endmacro %}

{#- The value as an integer when it is a whole number (7, 7.0, "7"), else none. -#}
{% macro whole_number(value) %}
    {%- if value is boolean or value is none -%}{{ return(none) }}{%- endif -%}
    {%- if value is number -%}
        {{ return(value | int if value == (value | int) else none) }}
    {%- endif -%}
    {%- if value is string and modules.re.match('^\s*-?[0-9]+\s*$', value) -%}
        {{ return(value | trim | int) }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}

{#- A date var as a date when it is a real YYYY-MM-DD date, else none. -#}
{% macro date_var(name) %}
    {%- set value = var(name) -%}
    {%- if value is not string and value is not none and value.year is defined -%}
        {{ return(value if value.day is defined and value.hour is not defined else value.date()) }}
    {%- endif -%}
    {%- if value is string and modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value | trim) -%}
        {%- set parsed = modules.datetime.datetime.strptime(value | trim, '%Y-%m-%d') if modules.re.match('^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$', value | trim) else none -%}
        {{ return(parsed.date() if parsed is not none else none) }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}

{#- The columns segment_features may name: customer_features' declared columns and, once it exists,
    its live columns (lower case); empty when neither is known (e.g. installed without that model).
    For a customer table, the columns it fills (customer_table_settings), known before any build. -#}
{% macro feature_mart_columns() %}
    {%- set customer_table = dbt_segments.customer_table_settings() -%}
    {%- if customer_table is not none -%}
        {{ return((['customer_id', 'as_of_date', 'is_buyer', 'rfm_label'] + customer_table.filled_columns
                   + customer_table.feature_columns) | unique | list) }}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == 'customer_features' -%}
        {%- for column in node.columns -%}{%- do columns.append(column | lower) -%}{%- endfor -%}
        {%- set relation = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) -%}
        {%- if relation is not none -%}
            {%- for column in adapter.get_columns_in_relation(relation) -%}{%- do columns.append(column.name | lower) -%}{%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(columns | unique | list) }}
{% endmacro %}

{#- A var's value as a message shows it: text in double quotes, anything else as written. -#}
{% macro shown(value) %}
    {{ return('"' ~ value ~ '"' if value is string else value | string) }}
{% endmacro %}
