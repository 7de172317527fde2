{#- 64-bit float type. dbt.type_float() is not enough: it renders `float`, which DuckDB reads as a
    4-byte REAL, and centroid distances need double precision on every engine. -#}
{% macro type_double() %}
    {{ return(adapter.dispatch('type_double', 'dbt_segments')()) }}
{% endmacro %}

{% macro default__type_double() %}double precision{% endmacro %}

{# Spark SQL has no `double precision`. #}
{% macro spark__type_double() %}double{% endmacro %}
