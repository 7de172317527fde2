{#- The timestamp_formats var's formats for one source, compiled: a list of {label, pattern, roles} in
    the order given, tried before the forms timestamp_forms recognises. The var is a list (every source)
    or a mapping {source: list}, e.g.
        timestamp_formats: ['%d.%m.%Y %H:%M', '%Y%m%d']
        timestamp_formats: {transactions: ['%m/%d/%Y %I:%M %p']}
    Formats are strptime-style: %Y %y %m %d %H %I %M %S %f %p %z %Z %b %B and %%; any other character
    stands for itself (case does not matter). Stops, naming the var and the fix, on anything else. -#}
{% macro timestamp_formats_for(source_name) %}
    {%- set value = var('timestamp_formats', none) -%}
    {%- if value is mapping -%}
        {%- set unknown = value.keys()
            | reject('in', ['customers', 'transactions', 'events', 'support_tickets']) | list -%}
        {%- if unknown -%}
            {{ exceptions.raise_compiler_error(
                "timestamp_formats names " ~ unknown ~ ", which are not raw sources: give a list for every source,"
                ~ " or a mapping from customers, transactions, events or support_tickets to a list.") }}
        {%- endif -%}
        {%- set value = value.get(source_name) -%}
    {%- endif -%}
    {%- if value is none -%}{{ return([]) }}{%- endif -%}
    {%- if value is string -%}{%- set value = [value] -%}{%- endif -%}
    {%- if value is not iterable or value is mapping -%}
        {{ exceptions.raise_compiler_error(
            "timestamp_formats is " ~ dbt_segments.shown(value)
            ~ ": give a list of strptime formats, e.g. ['%d/%m/%Y %H:%M'].") }}
    {%- endif -%}
    {%- set compiled = [] -%}
    {%- for format in value -%}{%- do compiled.append(dbt_segments.compile_timestamp_format(format)) -%}{%- endfor -%}
    {{ return(compiled) }}
{% endmacro %}

{#- One strptime format as a regular expression over the lower-cased value and the capture group of
    each part: {label, pattern, roles: {part: group}}. -#}
{% macro compile_timestamp_format(format) %}
    {%- set months = 'jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec' -%}
    {%- set directives = {
        'Y': ('([0-9]{4})', 'year'), 'y': ('([0-9]{2})', 'year_2_digits'),
        'm': ('([0-9]{1,2})', 'month'), 'b': ('(' ~ months ~ ')', 'month_name'),
        'B': ('(january|february|march|april|may|june|july|august|september|october|november|december)', 'month_name'),
        'd': ('([0-9]{1,2})', 'day'), 'H': ('([0-9]{1,2})', 'hour'), 'I': ('([0-9]{1,2})', 'hour_12'),
        'M': ('([0-9]{1,2})', 'minute'), 'S': ('([0-9]{1,2})', 'second'), 'f': ('([0-9]{1,9})', 'fraction'),
        'p': ('(am|pm)', 'am_pm'), 'z': ('(z|[+-][0-9]{2}(?::?[0-9]{2})?)', 'zone'), 'Z': ('(utc|gmt|z)', 'zone'),
    } -%}
    {%- if format is not string or format | trim == '' or modules.re.search('[][\'"`^\\\\\\x00-\\x1f\\x7f]', format) -%}
        {{ exceptions.raise_compiler_error(
            "timestamp_formats holds " ~ dbt_segments.shown(format) ~ ", which is not a format this package reads:"
            ~ " give strptime formats such as '%d/%m/%Y %H:%M' (no quotes, brackets, ^ or backslashes).") }}
    {%- endif -%}
    {%- set pattern = ['^'] -%}
    {%- set roles = {} -%}
    {%- set state = {'directive': false} -%}
    {%- for character in format -%}
        {%- if state.directive -%}
            {%- do state.update({'directive': false}) -%}
            {%- if character == '%' -%}
                {%- do pattern.append('[%]') -%}
            {%- elif character not in directives -%}
                {{ exceptions.raise_compiler_error(
                    "timestamp_formats: '" ~ format ~ "' uses %" ~ character ~ ", which this package does not read:"
                    ~ " use %Y %y %m %d %H %I %M %S %f %p %z %Z %b %B (or %% for a percent sign).") }}
            {%- else -%}
                {%- set regex, role = directives[character] -%}
                {%- if role in roles -%}
                    {{ exceptions.raise_compiler_error(
                        "timestamp_formats: '" ~ format ~ "' gives the " ~ role ~ " twice: give each part once.") }}
                {%- endif -%}
                {%- do roles.update({role: roles | length + 1}) -%}
                {%- do pattern.append(regex) -%}
            {%- endif -%}
        {%- elif character == '%' -%}
            {%- do state.update({'directive': true}) -%}
        {%- elif modules.re.match('[a-z0-9]', character | lower) -%}
            {%- do pattern.append(character | lower) -%}
        {%- else -%}
            {%- do pattern.append('[' ~ character ~ ']') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if state.directive -%}
        {{ exceptions.raise_compiler_error(
            "timestamp_formats: '" ~ format ~ "' ends with a lone %: write %% for a percent sign.") }}
    {%- endif -%}
    {%- if not ('year' in roles or 'year_2_digits' in roles) or not ('month' in roles or 'month_name' in roles) -%}
        {{ exceptions.raise_compiler_error(
            "timestamp_formats: '" ~ format
            ~ "' has no year (%Y, %y) or no month (%m, %b, %B): a timestamp needs both.") }}
    {%- endif -%}
    {%- do pattern.append('$') -%}
    {{ return({'label': format, 'pattern': pattern | join(''), 'roles': roles}) }}
{% endmacro %}
