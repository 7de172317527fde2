{#- A post-hook for incremental models: delete the rows of `target` whose `key` no longer appears in
    `source`, so an entity that left the source does not linger (delete+insert only replaces the keys a
    run brings). Portable SQL (not in over a non-null key). -#}
{% macro delete_rows_missing_from(target, source, key) %}
    {{ return(adapter.dispatch('delete_rows_missing_from', 'dbt_segments')(target, source, key)) }}
{% endmacro %}

{% macro default__delete_rows_missing_from(target, source, key) %}
    {%- if key is not string or not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', key) -%}
        {{ exceptions.raise_compiler_error("delete_rows_missing_from: key must be one column name, got " ~ key ~ ".") }}
    {%- endif -%}
    delete from {{ target }}
    where {{ key }} not in (
        select {{ key }}
        from {{ source }}
        where {{ key }} is not null
    )
{% endmacro %}
