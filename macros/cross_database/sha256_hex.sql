{#- SHA-256 of a text expression (its UTF-8 bytes) as 64 lower-case hex characters, the form
    hashlib's hexdigest() and the ad and CRM platforms' customer-match uploads use. -#}
{% macro sha256_hex(expression) %}
    {{ return(adapter.dispatch('sha256_hex', 'dbt_segments')(expression)) }}
{% endmacro %}

{#- sha2(x, 256) returns lower-case hex on Spark / Databricks, Snowflake, Redshift and MySQL. -#}
{% macro default__sha256_hex(expression) -%}
    sha2({{ expression }}, 256)
{%- endmacro %}

{#- DuckDB has no sha2(); its sha256() already returns lower-case hex text. -#}
{% macro duckdb__sha256_hex(expression) -%}
    sha256({{ expression }})
{%- endmacro %}

{#- PostgreSQL's sha256() (11+) takes bytea and returns bytea: encode the text as UTF-8 first and the
    digest as hex after. -#}
{% macro postgres__sha256_hex(expression) -%}
    encode(sha256(convert_to({{ expression }}, 'UTF8')), 'hex')
{%- endmacro %}
