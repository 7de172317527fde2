{#- Creates the target schema and the polymorphic dbt_segments_try_cast(text, anyelement) function on
    PostgreSQL; renders nothing on other engines.
    It also creates the domain `double` (= double precision): model contracts declare `data_type: double`,
    which DuckDB and Spark know and PostgreSQL does not, and contracts cannot be dispatched. -#}
{% macro create_try_cast_function() %}
    {%- if target.type == 'postgres' -%}
    create schema if not exists {{ target.schema }};
    create or replace function {{ target.schema }}.dbt_segments_try_cast(value text, target_type anyelement)
    returns anyelement language plpgsql immutable as $body$
    declare
        result alias for $0;
    begin
        execute format('select cast(%L as %s)', value, pg_typeof(target_type)) into result;
        return result;
    exception when others then
        return null;
    end;
    $body$;
    do $body$ begin
        create domain public.double as double precision;
    exception when duplicate_object then null;
    end $body$
    {%- endif -%}
{% endmacro %}
