{#- The hashed e-mail a CRM or ad platform matches on: the address normalised (spaces trimmed at both
    ends, lower-cased), the salt put IN FRONT of it, SHA-256 as lower-case hex. Null or blank
    addresses give null. With an empty salt this is the plain SHA-256 of the normalised address, which
    is what customer-match uploads expect; a salt makes the hash useless to anyone without it.
    The salt is written into the compiled SQL (target/compiled, target/run): keep that folder private. -#}
{% macro email_sha256(email_column, salt='') %}
    {%- if salt is not string -%}
        {{ exceptions.raise_compiler_error(
            "email_sha256: salt must be text, got " ~ salt
            ~ ": pass a string (e.g. env_var('SEGMENT_EXPORT_EMAIL_SALT', '')).") }}
    {%- endif -%}
    {#- checked when SQL is written, not while dbt parses, so the on-run-start hook reports it first -#}
    {%- if execute and ("'" in salt or "\\" in salt or modules.re.search('[\\x00-\\x1f\\x7f]', salt)) -%}
        {{ exceptions.raise_compiler_error(
            "The e-mail hash salt (SEGMENT_EXPORT_EMAIL_SALT) contains a quote, a backslash or a control character,"
            ~ " which SQL string literals do not carry alike on every engine: choose a salt without them.") }}
    {%- endif -%}
    {%- set normalised = 'lower(trim(' ~ email_column ~ '))' -%}
    case
        when {{ email_column }} is null or trim({{ email_column }}) = '' then null
        else {{ dbt_segments.sha256_hex(dbt.concat([dbt.string_literal(salt), normalised]) if salt else normalised) }}
    end
{%- endmacro %}
