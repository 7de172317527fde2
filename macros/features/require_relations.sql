{#- Stops with "<macro>: pass <name>= (a relation, e.g. <example>)." for the first argument left out.
    `arguments` is a list of (name, value, example) in the macro's order. -#}
{% macro require_relations(macro_name, arguments) %}
    {%- for name, value, example in arguments if value is none -%}
        {{ exceptions.raise_compiler_error(macro_name ~ ": pass " ~ name ~ "= (a relation, e.g. " ~ example ~ ").") }}
    {%- endfor -%}
{% endmacro %}
