{#- The raw columns this package does not read, as one `name=value; ...` text (null when there are
    none): staged with every row so exact duplicates are judged on the whole row as it arrived and the
    quarantine's raw_record keeps every value. `raw` is what raw_table returned. -#}
{% macro raw_other_columns(raw) %}
    {%- if not raw.other_columns -%}
        {{ return('cast(null as ' ~ dbt.type_string() ~ ')') }}
    {%- endif -%}
    {{ return(dbt_segments.record_as_text(raw.other_columns)) }}
{% endmacro %}
