{#- The customer-table settings (the customer_table* vars), checked and with every column name as the
    staging model writes it (customer_table_column_name). One macro reads the vars, so the staging,
    cleaning and feature models and validate_settings agree on what they mean:
      table              the raw table or file (customer_table var, read like raw_<table>_table);
                         none = the segmentation reads order lines
      id_column          the id column as the table spells it; staged as customer_id
      numeric_columns    columns parsed as numbers, then passed into customer_features under their names
      required_columns   of those (or of the derived features), the ones a row cannot do without
      derived_features   [(name, SQL expression)] in the order given; each may use the ones before it
      columns            {recency_days|frequency|monetary|signup_date|email: column or derived feature}
      date_format        strptime format of the signup date (none: YYYY-MM-DD)
      feature_columns    numeric columns and derived features: what customer_features passes through
      has_rfm            recency_days, frequency and monetary are mapped (and so required), so RFM scores
                         and labels are computed from them
      filled_columns     the standard customer_features columns this mode fills (the rest are null)
    Stops, naming the var and the fix, on anything that cannot work. -#}
{% macro customer_table_settings() %}
    {%- set table = var('customer_table', none) -%}
    {%- if table is none -%}{{ return(none) }}{%- endif -%}
    {%- if not dbt_segments.is_safe_raw_column_name(table) -%}
        {{ exceptions.raise_compiler_error(
            "customer_table is " ~ dbt_segments.shown(table)
            ~ ": set it to the name of your raw customer table or file (a bare name is looked up in raw_data_path"
            ~ " as <name>.parquet or <name>.csv; a path is read as it is), without quotes or backslashes,"
            ~ " or to null to segment order lines.") }}
    {%- endif -%}

    {%- set id_column = var('customer_table_id_column', 'customer_id') -%}
    {%- if not dbt_segments.is_customer_table_column(id_column) -%}
        {{ exceptions.raise_compiler_error(
            "customer_table_id_column is " ~ dbt_segments.shown(id_column)
            ~ ": set it to the name of the column holding the customer id, as your table spells it.") }}
    {%- endif -%}
    {%- set id_name = dbt_segments.customer_table_column_name(id_column) -%}

    {%- set numeric_columns = [] -%}
    {%- for column in dbt_segments.list_var('customer_table_numeric_columns') -%}
        {%- if not dbt_segments.is_customer_table_column(column) -%}
            {{ exceptions.raise_compiler_error(
                "customer_table_numeric_columns contains " ~ dbt_segments.shown(column)
                ~ ": list the names of your table's numeric columns as it spells them (no quotes).") }}
        {%- endif -%}
        {%- set name = dbt_segments.customer_table_column_name(column) -%}
        {%- if name in numeric_columns or name == id_name -%}
            {{ exceptions.raise_compiler_error(
                "customer_table_numeric_columns lists " ~ dbt_segments.shown(column)
                ~ " twice or as the id column (names are compared in lower case, other characters as _):"
                ~ " keep each column once, and the id out.") }}
        {%- endif -%}
        {%- do numeric_columns.append(name) -%}
    {%- endfor -%}

    {%- set derived = var('customer_table_derived_features', {}) or {} -%}
    {%- if derived is string or derived is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "customer_table_derived_features is " ~ dbt_segments.shown(derived)
            ~ ": give a mapping {feature name: SQL expression over your table's columns},"
            ~ " e.g. {total_spend: 'wines + fruits'}.") }}
    {%- endif -%}
    {%- set standard = dbt_segments.customer_table_standard_columns() -%}
    {%- set derived_features = [] -%}
    {%- set feature_columns = numeric_columns | list -%}
    {%- for name, expression in derived.items() -%}
        {%- if not dbt_segments.is_plain_column_name(name) or name in feature_columns or name == id_name -%}
            {{ exceptions.raise_compiler_error(
                "customer_table_derived_features names " ~ dbt_segments.shown(name)
                ~ ": a derived feature needs a new lower-case column name (letters, digits, _) that is not the id,"
                ~ " a numeric column or another derived feature.") }}
        {%- endif -%}
        {%- if expression is not string or expression | trim == '' or ';' in expression -%}
            {{ exceptions.raise_compiler_error(
                "customer_table_derived_features: " ~ name ~ " is " ~ dbt_segments.shown(expression)
                ~ ": give one SQL expression (no ;) over your table's columns in lower case, e.g. 'ln(1 + income)'.") }}
        {%- endif -%}
        {%- do derived_features.append((name, expression)) -%}
        {%- do feature_columns.append(name) -%}
    {%- endfor -%}

    {%- set required_columns = [] -%}
    {%- for column in dbt_segments.list_var('customer_table_required_columns') -%}
        {%- set name = dbt_segments.customer_table_column_name(column)
            if dbt_segments.is_customer_table_column(column) else none -%}
        {%- if name not in feature_columns -%}
            {{ exceptions.raise_compiler_error(
                "customer_table_required_columns names " ~ dbt_segments.shown(column)
                ~ ", which is neither in customer_table_numeric_columns nor in customer_table_derived_features:"
                ~ " list only those.") }}
        {%- endif -%}
        {%- do required_columns.append(name) -%}
    {%- endfor -%}

    {%- set mapping = var('customer_table_columns', {}) or {} -%}
    {%- if mapping is string or mapping is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "customer_table_columns is " ~ dbt_segments.shown(mapping)
            ~ ": give a mapping from recency_days, frequency, monetary, signup_date or email to your column,"
            ~ " e.g. {recency_days: Recency}.") }}
    {%- endif -%}
    {%- set columns = {} -%}
    {%- for key, column in mapping.items() -%}
        {%- if key not in ['recency_days', 'frequency', 'monetary', 'signup_date', 'email'] -%}
            {{ exceptions.raise_compiler_error(
                "customer_table_columns maps " ~ dbt_segments.shown(key)
                ~ ": its keys are recency_days, frequency, monetary (numbers: a numeric column or derived feature),"
                ~ " signup_date and email (text columns).") }}
        {%- endif -%}
        {%- if not dbt_segments.is_customer_table_column(column) -%}
            {{ exceptions.raise_compiler_error(
                "customer_table_columns maps " ~ key ~ " to " ~ dbt_segments.shown(column)
                ~ ": give the column's name as your table spells it.") }}
        {%- endif -%}
        {%- set name = dbt_segments.customer_table_column_name(column) -%}
        {%- if key in ['recency_days', 'frequency', 'monetary'] and name not in feature_columns -%}
            {{ exceptions.raise_compiler_error(
                "customer_table_columns maps " ~ key ~ " to " ~ dbt_segments.shown(column)
                ~ ", which is neither in customer_table_numeric_columns nor in customer_table_derived_features: "
                ~ key ~ " must be a number; add the column to customer_table_numeric_columns.") }}
        {%- endif -%}
        {%- if key in ['signup_date', 'email'] and (name in feature_columns or name == id_name) -%}
            {{ exceptions.raise_compiler_error(
                "customer_table_columns maps " ~ key ~ " to " ~ dbt_segments.shown(column)
                ~ ", a numeric, derived or id column: map " ~ key ~ " to a text column of your table.") }}
        {%- endif -%}
        {%- do columns.update({key: name}) -%}
    {%- endfor -%}
    {%- set rfm_keys = ['recency_days', 'frequency', 'monetary'] -%}
    {%- set rfm_mapped = rfm_keys | select('in', columns) | list -%}
    {%- if rfm_mapped and rfm_mapped | length < 3 -%}
        {{ exceptions.raise_compiler_error(
            "customer_table_columns maps " ~ rfm_mapped ~ " but not " ~ (rfm_keys | reject('in', columns) | list)
            ~ ": RFM scores and labels need recency_days, frequency and monetary; map all three,"
            ~ " or none (then rfm_label is null).") }}
    {%- endif -%}
    {#- RFM cannot score a customer without all three: their columns are required -#}
    {%- for key in rfm_mapped if columns[key] not in required_columns -%}
        {%- do required_columns.append(columns[key]) -%}
    {%- endfor -%}

    {#- a column passed through must not shadow one customer_features computes, unless it is mapped to it -#}
    {%- for name in feature_columns if name in standard and columns.get(name) != name -%}
        {{ exceptions.raise_compiler_error(
            "customer table column " ~ name ~ " has the name of a column customer_features computes: map it ({"
            ~ name ~ ": " ~ name ~ "} in customer_table_columns) if it means that,"
            ~ " or rename it with a derived feature and leave it out of customer_table_numeric_columns.") }}
    {%- endfor -%}

    {%- set date_format = var('customer_table_date_format', none) -%}
    {%- if date_format is not none
        and (date_format is not string or '%' not in date_format or "'" in date_format) -%}
        {{ exceptions.raise_compiler_error(
            "customer_table_date_format is " ~ dbt_segments.shown(date_format)
            ~ ": give a strptime format such as '%d-%m-%Y' (day first) or '%m/%d/%Y', or null for YYYY-MM-DD.") }}
    {%- endif -%}

    {%- set has_rfm = rfm_mapped | length == 3 -%}
    {%- set filled = [] -%}
    {%- for name in ['recency_days', 'frequency', 'monetary'] if name in columns -%}
        {%- do filled.extend([name, name ~ '_log']) -%}
    {%- endfor -%}
    {%- if 'frequency' in columns and 'monetary' in columns -%}
        {%- do filled.extend(['avg_order_value', 'avg_order_value_log']) -%}
    {%- endif -%}
    {%- if 'signup_date' in columns -%}{%- do filled.append('tenure_days') -%}{%- endif -%}
    {{ return({
        'table': table, 'id_column': id_column, 'numeric_columns': numeric_columns,
        'required_columns': required_columns, 'derived_features': derived_features, 'columns': columns,
        'date_format': date_format, 'feature_columns': feature_columns, 'has_rfm': has_rfm,
        'filled_columns': filled | unique | list}) }}
{% endmacro %}

{#- True for a column name a var may give: text, not blank, without quotes (raw names are quoted in SQL). -#}
{% macro is_customer_table_column(name) %}
    {{ return(name is string and name | trim != '' and '"' not in name and "'" not in name and '`' not in name) }}
{% endmacro %}
