{#- The form a label is matched in: cleaned of control characters, lower case, accents folded to
    their base letter (é -> e) and every space removed, so `Home & Garden`, `home  &  garden` and
    `HOME &GARDEN` all meet the same product_category_map row (the seed is matched in the same form). -#}
{% macro category_key(text) %}
    {{ return(adapter.dispatch('category_key', 'dbt_segments')(text)) }}
{% endmacro %}

{#- Accents are folded with translate() over the Latin letters raw feeds carry rather than an engine's
    unaccent/strip_accents, which PostgreSQL only has as an extension and Spark SQL not at all. -#}
{% macro default__category_key(text) %}
    {%- set folds = {'a': 'àáâãäåā', 'c': 'çćč', 'e': 'èéêëēė', 'i': 'ìíîïī', 'n': 'ñń', 'o': 'òóôõöøō',
                     'u': 'ùúûüū', 'y': 'ýÿ', 's': 'śš', 'z': 'źżž'} -%}
    {%- set accented = folds.values() | join('') -%}
    {%- set plain = [] -%}
    {%- for base, letters in folds.items() -%}{%- do plain.append(base * (letters | length)) -%}{%- endfor -%}
    replace(translate(lower({{ dbt_segments.clean_text(text) }}), '{{ accented }}', '{{ plain | join("") }}'), ' ', '')
{%- endmacro %}
