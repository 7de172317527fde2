{#- The check between cleaning and every mart, run while int_feature_window compiles (so after every
    cleaning model and before any feature or segment mart is replaced). It logs the timestamp format(s)
    each source was read in, and stops the build, naming the fix:
      - when a source has D/M/YYYY timestamps that read both day first and month first and no value
        settles which (reason ambiguous_day_month_order): set the timestamp_formats var;
      - when more than the max_quarantined_share var (default 0.5) of a source's rows is quarantined
        (reasons a setting chose, such as non_product_line, aside): the top reasons, their counts and an
        example raw value each, e.g.
        transactions: 12,345 of 12,345 order lines quarantined (100 %): 100 % timestamp_before_earliest_valid_date
        (e.g. '1234567' read as 1970-01-15 06:56:07): set timestamp_formats ...
    The SQL is rendered at parse time too, so dbt knows the check reads every cleaning model. -#}
{% macro check_quarantine_share() %}
    {%- set reconciliation_sql = dbt_segments.source_reconciliation_query() -%}
    {%- set formats_sql = dbt_segments.timestamp_formats_query() -%}
    {%- if not execute or load_relation(ref('int_quarantine')) is none -%}{{ return('') }}{%- endif -%}

    {%- set formats = run_query(formats_sql ~ ' order by source_table, format_rows desc') -%}
    {%- for row in formats.rows -%}
        {{ log(
            "timestamps: " ~ row['source_table'] ~ "." ~ row['timestamp_column'] ~ " read as " ~ row['timestamp_format']
            ~ ": " ~ '{:,}'.format(row['format_rows'] | int) ~ " rows, e.g. '" ~ row['example_text'] ~ "'",
            info=true) }}
    {%- endfor -%}

    {%- set outcomes = run_query(reconciliation_sql ~ ' order by source_table, outcome_rows desc, outcome') -%}
    {%- set sources = {} -%}
    {%- for source in dbt_segments.cleaning_sources() -%}
        {%- do sources.update({source.source_table: source}) -%}
    {%- endfor -%}
    {%- set messages = [] -%}
    {%- for row in outcomes.rows if row['outcome'] == 'ambiguous_day_month_order' -%}
        {%- set source = sources[row['source_table']] -%}
        {%- do messages.append(
            row['source_table'] ~ "." ~ source.timestamp_column ~ ": " ~ '{:,}'.format(row['outcome_rows'] | int)
            ~ (" value" if row['outcome_rows'] | int == 1 else " values") ~ " such as '" ~ row['example_value']
            ~ "' read both day first and month first, and no value of " ~ row['source_table']
            ~ " settles which (a number above 12 in one place): set the timestamp_formats var, e.g. "
            ~ "timestamp_formats: ['" ~ dbt_segments.day_month_format(row['example_value'], true)
            ~ "'] (day first) or ['"
            ~ dbt_segments.day_month_format(row['example_value'], false) ~ "'] (month first); "
            ~ "a mapping {" ~ row['source_table'] ~ ": [...]} sets it for this source only.") -%}
    {%- endfor -%}

    {%- set limit = var('max_quarantined_share', 0.5) -%}
    {%- set excluded = dbt_segments.reasons_excluded_by_settings() -%}
    {%- set share_messages = [] -%}
    {%- for source_table, source in sources.items() -%}
        {%- set rows = outcomes.rows | selectattr('source_table', 'equalto', source_table) | list -%}
        {%- set rejected = rows | rejectattr('outcome', 'equalto', 'kept')
            | rejectattr('outcome', 'in', excluded) | list -%}
        {%- set total = (rows[0]['source_rows'] | int) if rows else 0 -%}
        {%- set quarantined = rejected | sum(attribute='outcome_rows') -%}
        {%- if total > 0 and quarantined / total > limit -%}
            {%- set reasons = [] -%}
            {%- for row in rejected[:3] -%}
                {%- set example =
                    ("e.g. '" ~ row['example_value'] ~ "'" if row['example_value'] is not none else "e.g. null")
                    ~ (" read as " ~ row['example_read_as'] if row['example_read_as'] is not none else "") -%}
                {%- do reasons.append(
                    dbt_segments.percent(row['outcome_rows'] / total) ~ " " ~ row['outcome'] ~ " (" ~ example ~ "): "
                    ~ dbt_segments.rejection_fix(row['outcome'], source_table)) -%}
            {%- endfor -%}
            {%- do share_messages.append(
                source_table ~ ": " ~ '{:,}'.format(quarantined | int) ~ " of " ~ '{:,}'.format(total) ~ " "
                ~ source.rows_called ~ " quarantined (" ~ dbt_segments.percent(quarantined / total) ~ "): "
                ~ reasons | join('; ')) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if share_messages -%}
        {%- do messages.append(
            share_messages | join('\n')
            ~ "\nThe build stops before any mart when more than max_quarantined_share (" ~ dbt_segments.percent(limit)
            ~ ") of a source is quarantined; every rejected row is in int_quarantine. "
            ~ "Fix the mapping or the settings named, or raise max_quarantined_share.") -%}
    {%- endif -%}
    {%- if messages -%}
        {{ exceptions.raise_compiler_error(messages | join('\n')) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}

{#- A share as a whole percentage, '100 %' (one decimal below 10 %). -#}
{% macro percent(share) %}
    {%- set value = share * 100 -%}
    {{ return(('{:.1f}' if value < 10 else '{:.0f}').format(value) ~ ' %') }}
{% endmacro %}

{#- The fix to name for a rejection reason that dominates a source. -#}
{% macro rejection_fix(reason, source_table) %}
    {%- set columns_var = 'raw_' ~ source_table ~ '_columns' -%}
    {%- if reason in ['unparseable_timestamp', 'timestamp_before_earliest_valid_date', 'timestamp_in_future'] -%}
        {{ return("set timestamp_formats to the format the timestamps are written in (e.g. ['%d.%m.%Y %H:%M']), "
            ~ "or map the timestamp to the right column in " ~ columns_var) }}
    {%- elif reason == 'missing_customer_id' -%}
        {{ return("map customer_id to the column that holds the customer in " ~ columns_var) }}
    {%- elif reason == 'unknown_customer_id' -%}
        {{ return("the customers table does not list these ids: check raw_customers_table and raw_customers_columns, "
            ~ "or set raw_customers_table: null to take the customers from the order lines") }}
    {%- elif reason == 'exact_duplicate' -%}
        {{ return("the data holds the same rows more than once: load each file once") }}
    {%- elif reason == 'unknown_status' -%}
        {{ return("map status in " ~ columns_var
            ~ " to a column of completed / returned / cancelled, or to null to do without one") }}
    {%- elif reason in ['unparseable_number', 'non_finite_number', 'non_positive_quantity', 'non_positive_price',
                        'implausible_amount', 'invalid_discount'] -%}
        {{ return("check that quantity, unit_price, line_amount and discount_amount are mapped to the right columns in "
            ~ columns_var ~ " (and max_quantity_per_line, max_unit_price)") }}
    {%- endif -%}
    {{ return("see int_quarantine for the rows and the rules in the header of int_" ~ source_table ~ "_validated") }}
{% endmacro %}

{#- The strptime format of a D/M/YYYY example value, day first or month first, e.g. '%d/%m/%Y %H:%M'. -#}
{% macro day_month_format(example, day_first) %}
    {%- set parts = modules.re.match(
        '^\\s*[0-9]{1,2}([/.-])[0-9]{1,2}([/.-])[0-9]{4}([ tT][0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?( ?[AaPp][Mm])?',
        example or '') -%}
    {%- if parts is none -%}{{ return('%d/%m/%Y' if day_first else '%m/%d/%Y') }}{%- endif -%}
    {%- set date = ('%d' ~ parts.group(1) ~ '%m' if day_first else '%m' ~ parts.group(1) ~ '%d')
        ~ parts.group(2) ~ '%Y' -%}
    {%- set hour = '%I' if parts.group(5) else '%H' -%}
    {%- set time = (parts.group(3)[0] ~ hour ~ ':%M' ~ (':%S' if parts.group(4) else '')) if parts.group(3) else '' -%}
    {{ return(date ~ time ~ ((' ' if parts.group(5)[0] == ' ' else '') ~ '%p' if parts.group(5) else '')) }}
{% endmacro %}
