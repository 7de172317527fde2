{#- A timestamp from its parts, each a SQL text expression of digits ('' reads as 0): the parts are
    written as 'YYYY-MM-DD HH:MM:SS[.ffffff]' and cast, so an impossible date or time is null. `zone` is
    '', z, utc, gmt or an offset (+02, +0200, +02:00), converted to UTC. -#}
{% macro timestamp_from_parts(year, month, day, hour="'0'", minute="'0'", second="'0'", fraction=none, zone=none) %}
    {%- set pieces = [] -%}
    {%- for part, width, separator in [(year, 4, "'-'"), (month, 2, "'-'"), (day, 2, "' '"), (hour, 2, "':'"),
                                        (minute, 2, "':'"), (second, 2, none)] -%}
        {%- do pieces.append("lpad(" ~ part ~ ", " ~ width ~ ", '0')") -%}
        {%- if separator -%}{%- do pieces.append(separator) -%}{%- endif -%}
    {%- endfor -%}
    {%- if fraction -%}
        {%- do pieces.append("case when " ~ fraction ~ " <> '' then "
            ~ dbt.concat(["'.'", "substring(" ~ fraction ~ ", 1, 6)"]) ~ " else '' end") -%}
    {%- endif -%}
    {%- set parsed = dbt_segments.try_cast(dbt.concat(pieces), dbt.type_timestamp()) -%}
    {%- if not zone -%}{{ return(parsed) }}{%- endif -%}
    {%- set offset_minutes = "(case when substring(" ~ zone ~ ", 1, 1) = '-' then 1 else -1 end) * ("
        ~ dbt_segments.try_cast("substring(" ~ zone ~ ", 2, 2)", dbt.type_int())
        ~ " * 60 + case when length(" ~ zone ~ ") >= 5 then "
        ~ dbt_segments.try_cast("substring(" ~ zone ~ ", length(" ~ zone ~ ") - 1, 2)", dbt.type_int())
        ~ " else 0 end)" -%}
    {{ return("case when " ~ zone ~ " in ('', 'z', 'utc', 'gmt') then " ~ parsed
        ~ " else " ~ dbt.dateadd('minute', offset_minutes, parsed) ~ " end") }}
{% endmacro %}
