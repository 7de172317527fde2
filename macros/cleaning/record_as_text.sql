{#- The raw row as one readable text, `column=value; ...`, so a quarantined row keeps every value it
    arrived with whatever its source's columns are. A name that is not a plain identifier (a raw
    column such as "Customer ID") is quoted by the adapter; callers pass only names raw_table judged
    safe to quote. -#}
{% macro record_as_text(columns) %}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- set reference = column if modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', column)
            else adapter.quote(column) -%}
        {%- do parts.append("'" ~ column ~ "='") -%}
        {%- do parts.append("coalesce(cast(" ~ reference ~ " as " ~ dbt.type_string() ~ "), 'null')") -%}
        {%- if not loop.last -%}{%- do parts.append("'; '") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}
