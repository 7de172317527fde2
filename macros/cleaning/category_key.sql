{#- The form a label is matched in: cleaned of control characters, lower case, accents folded to
    their base letter (é -> e) and every space removed, so `Home & Garden`, `home  &  garden` and
    `HOME &GARDEN` all meet the same product_category_map row (the seed is matched in the same form). -#}
{% macro category_key(text) %}
    {{ return(adapter.dispatch('category_key', 'dbt_segments')(text)) }}
{% endmacro %}

{#- Accents are folded with translate() over the Latin letters raw feeds carry rather than an engine's
    unaccent/strip_accents, which PostgreSQL only has as an extension and Spark SQL not at all. -#}
{% macro default__category_key(text) %}
    {%- set folds = dbt_segments.category_key_folds() -%}
    replace(translate(lower({{ dbt_segments.clean_text(text) }}), '{{ folds.accented }}', '{{ folds.plain }}'), ' ', '')
{%- endmacro %}

{#- DuckDB's translate() costs about 0.5 us a row (see duckdb__clean_text), and almost no label carries an
    accent: only labels that do are translated; the same letters are folded. -#}
{% macro duckdb__category_key(text) %}
    {%- set folds = dbt_segments.category_key_folds() -%}
    {%- set lowered = 'lower(' ~ dbt_segments.clean_text(text) ~ ')' -%}
    replace(
        case
            when regexp_matches({{ lowered }}, '[{{ folds.accented }}]')
                then translate({{ lowered }}, '{{ folds.accented }}', '{{ folds.plain }}')
            else {{ lowered }}
        end, ' ', '')
{%- endmacro %}

{#- The accented letters category_key folds, and the base letter of each, position by position. -#}
{% macro category_key_folds() %}
    {%- set folds = {'a': 'àáâãäåā', 'c': 'çćč', 'e': 'èéêëēė', 'i': 'ìíîïī', 'n': 'ñń',
                     'o': 'òóôõöøō', 'u': 'ùúûüū', 'y': 'ýÿ', 's': 'śš', 'z': 'źżž'} -%}
    {%- set plain = [] -%}
    {%- for base, letters in folds.items() -%}{%- do plain.append(base * (letters | length)) -%}{%- endfor -%}
    {{ return({'accented': folds.values() | join(''), 'plain': plain | join('')}) }}
{%- endmacro %}
