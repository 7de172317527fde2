{#- A value read with one of the timestamp_formats var's compiled formats (timestamp_formats_for). -#}
{% macro timestamp_from_format(text, format) %}
    {%- set roles = format.roles -%}
    {%- set group = {} -%}
    {%- for role, index in roles.items() -%}
        {%- do group.update({role: dbt_segments.regex_group(text, format.pattern, index)}) -%}
    {%- endfor -%}
    {%- if 'year' in group -%}
        {%- set year = group.year -%}
    {%- else -%}
        {#- two-digit years as Python's strptime reads them: 69-99 are 19xx, 00-68 are 20xx -#}
        {%- set year = "cast(case when " ~ dbt_segments.try_cast(group.year_2_digits, dbt.type_int())
                       ~ " >= 69 then 1900 else 2000 end + "
                       ~ dbt_segments.try_cast(group.year_2_digits, dbt.type_int())
                       ~ " as " ~ dbt.type_string() ~ ")" -%}
    {%- endif -%}
    {%- if 'month' in group -%}
        {%- set month = group.month -%}
    {%- else -%}
        {%- set month_cases = [] -%}
        {%- for name in ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] -%}
            {%- do month_cases.append(
                "when substring(" ~ group.month_name ~ ", 1, 3) = '" ~ name ~ "' then '" ~ loop.index ~ "'") -%}
        {%- endfor -%}
        {%- set month = "case " ~ month_cases | join(' ') ~ " end" -%}
    {%- endif -%}
    {%- set hour = group.get('hour', group.get('hour_12', "'0'")) -%}
    {%- if 'am_pm' in group -%}{%- set hour = dbt_segments.hour_of_day(hour, group.am_pm) -%}{%- endif -%}
    {{ return(dbt_segments.timestamp_from_parts(year, month, group.get('day', "'1'"), hour,
                                               group.get('minute', "'0'"), group.get('second', "'0'"),
                                               fraction=group.get('fraction'), zone=group.get('zone'))) }}
{% endmacro %}
