{#- The value of setting (dbt var) `name` as its type, checked against the settings schema
    (settings_schema, declared in python_udfs/settings_schema.py, whose check_setting reads values the
    same way): a whole number, number, boolean, date, text or list; none when it is null and may be; a
    keyword (n_segments: auto) as written in lower case. Anything else stops the run with the schema's
    message naming the var and the fix. -#}
{% macro setting_value(name) %}
    {%- set setting = dbt_segments.settings_schema()[name] -%}
    {%- set value = var(name) -%}
    {%- set failure = dbt_segments.settings_message(
        setting.message, {'name': name, 'value': dbt_segments.shown(value)}) -%}
    {%- if value is none and setting.get('nullable') -%}{{ return(none) }}{%- endif -%}
    {%- if value is string and value | trim | lower in setting.get('keywords', []) -%}
        {{ return(value | trim | lower) }}
    {%- endif -%}
    {%- if setting.type == 'list' -%}
        {%- set items = dbt_segments.list_var(name) -%}
        {%- if setting.get('items') == 'whole_number' -%}
            {%- set parsed = [] -%}
            {%- for item in items -%}{%- do parsed.append(dbt_segments.whole_number(item)) -%}{%- endfor -%}
            {%- if none in parsed -%}{{ exceptions.raise_compiler_error(failure) }}{%- endif -%}
            {%- set items = parsed -%}
        {%- endif -%}
        {%- set bad = [] -%}
        {%- for item in items -%}
            {%- if (setting.get('pattern') and not (item is string and modules.re.match(setting.pattern, item)))
                    or (setting.get('choices') and item not in setting.choices) -%}
                {%- do bad.append(item) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if bad -%}
            {{ exceptions.raise_compiler_error(dbt_segments.settings_message(
                setting.message, {'name': name, 'value': bad | string})) }}
        {%- endif -%}
        {%- if (setting.get('length') is not none and items | length != setting.length)
                or (items and setting.get('items') and not dbt_segments.setting_in_bounds(setting, items | min))
                or (items and setting.get('items') and not dbt_segments.setting_in_bounds(setting, items | max))
                or (setting.get('ascending') and items != items | sort) -%}
            {{ exceptions.raise_compiler_error(failure) }}
        {%- endif -%}
        {{ return(items) }}
    {%- endif -%}
    {%- if setting.type == 'whole_number' -%}
        {%- set typed = dbt_segments.whole_number(value) -%}
    {%- elif setting.type == 'number' -%}
        {%- set typed = none if value is string or value is boolean or value is not number else value -%}
    {%- elif setting.type == 'boolean' -%}
        {%- set typed = (value | trim | lower == 'true')
                        if value is string and value | trim | lower in ['true', 'false']
                        else (value if value is boolean else none) -%}
    {%- elif setting.type == 'date' -%}
        {%- set typed = dbt_segments.date_var(name) -%}
    {%- elif setting.type == 'text' -%}
        {%- set typed = value
                        if value is string and (not setting.get('pattern') or modules.re.match(setting.pattern, value))
                        else none -%}
    {%- endif -%}
    {%- if typed is none -%}{{ exceptions.raise_compiler_error(failure) }}{%- endif -%}
    {%- if setting.type in ['whole_number', 'number'] and not dbt_segments.setting_in_bounds(setting, typed) -%}
        {{ exceptions.raise_compiler_error(dbt_segments.settings_message(
            setting.get('bounds_message') or setting.message, {'name': name, 'value': dbt_segments.shown(value)})) }}
    {%- endif -%}
    {{ return(typed) }}
{% endmacro %}
