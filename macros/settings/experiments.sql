{#- The experiments var as a list of {name, holdout_share, start_date, end_date} (the share a number, the
    dates YYYY-MM-DD text), each checked as python_udfs.settings_schema.check_experiments checks it: a
    mapping with exactly those fields, a lower-case name used once, 0 < holdout_share < 1, real dates,
    start_date <= end_date. Anything else stops the run with the settings_rules message naming the fix. -#}
{% macro experiments() %}
    {%- set rules = dbt_segments.settings_rules() -%}
    {%- set checked = [] -%}
    {%- set names = [] -%}
    {%- set items = dbt_segments.setting_value('experiments') -%}
    {%- for item in items -%}
        {%- if item is not mapping -%}
            {{ exceptions.raise_compiler_error(dbt_segments.settings_message(
                rules.experiment_not_mapping, {'value': dbt_segments.shown(item)})) }}
        {%- endif -%}
        {%- set name = item.get('name') -%}
        {%- if not (name is string and modules.re.match('^[a-z][a-z0-9_]{0,62}$', name)) -%}
            {{ exceptions.raise_compiler_error(dbt_segments.settings_message(
                rules.experiment_name, {'value': dbt_segments.shown(name)})) }}
        {%- endif -%}
        {%- if item.keys() | sort | list != ['end_date', 'holdout_share', 'name', 'start_date'] -%}
            {{ exceptions.raise_compiler_error(dbt_segments.settings_message(
                rules.experiment_fields, {'experiment': name, 'fields': item.keys() | sort | list | string})) }}
        {%- endif -%}
        {%- set share = item.holdout_share -%}
        {%- if share is boolean or share is not number or not (0 < share < 1) -%}
            {{ exceptions.raise_compiler_error(dbt_segments.settings_message(
                rules.experiment_holdout_share, {'experiment': name, 'value': dbt_segments.shown(share)})) }}
        {%- endif -%}
        {%- set dates = {} -%}
        {%- for field in ['start_date', 'end_date'] -%}
            {%- set value = item[field] -%}
            {%- set parsed = none -%}
            {%- if value is not string and value is not none and value.year is defined -%}
                {%- set parsed = value.date() if value.hour is defined else value -%}
            {%- elif value is string
                    and modules.re.match('^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$', value | trim) -%}
                {%- set parsed = modules.datetime.datetime.strptime(value | trim, '%Y-%m-%d').date() -%}
            {%- endif -%}
            {%- if parsed is none -%}
                {{ exceptions.raise_compiler_error(dbt_segments.settings_message(
                    rules.experiment_date,
                    {'experiment': name, 'field': field, 'value': dbt_segments.shown(value)})) }}
            {%- endif -%}
            {%- do dates.update({field: parsed}) -%}
        {%- endfor -%}
        {%- if dates.start_date > dates.end_date -%}
            {{ exceptions.raise_compiler_error(dbt_segments.settings_message(
                rules.experiment_window, {'experiment': name, 'start_date': dates.start_date,
                                          'end_date': dates.end_date})) }}
        {%- endif -%}
        {%- do names.append(name) -%}
        {%- do checked.append({'name': name, 'holdout_share': share, 'start_date': dates.start_date.isoformat(),
                               'end_date': dates.end_date.isoformat()}) -%}
    {%- endfor -%}
    {%- set duplicated = [] -%}
    {%- for name in names | unique | sort if names | select('equalto', name) | list | length > 1 -%}
        {%- do duplicated.append(name) -%}
    {%- endfor -%}
    {%- if duplicated -%}
        {{ exceptions.raise_compiler_error(dbt_segments.settings_message(
            rules.experiment_names_duplicated, {'names': duplicated | string})) }}
    {%- endif -%}
    {{ return(checked) }}
{% endmacro %}
