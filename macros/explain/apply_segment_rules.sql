{#- Segment membership by the readable rules of segment_rules, in plain SQL: what a BI tool or a CRM can
    run without the model. Returns a select with one row per row of `relation`: <id_column>, rule_segment_id.

    The rules partition the customers (they are the leaves of one tree), so exactly one segment's
    rule_sql is true for every row; the nearest-centroid macro assign_segment stays the assignment of
    record, the rules explain it (segment_rules.fidelity says how often they agree).

    The rules are read once at compile time and written into one CASE expression. Before segment_rules
    exists (parsing, `dbt compile` on a fresh database) the macro emits an empty query of the same shape.

    Arguments:
      relation       the rows to classify (a ref() or source()) holding the columns the rules name
      id_column      the column identifying a row, carried through
      rules          relation of the rules table (segment_id, rule_sql, model_version); default segment_rules -#}
{% macro apply_segment_rules(relation, id_column, rules=none) %}
    {{ return(adapter.dispatch('apply_segment_rules', 'dbt_segments')(relation, id_column, rules)) }}
{% endmacro %}

{% macro default__apply_segment_rules(relation, id_column, rules) %}
    {%- set rules = rules if rules is not none else ref('segment_rules') -%}
    {%- set rule_rows = none -%}
    {%- if execute and load_relation(rules) is not none -%}
        {%- set rule_rows = run_query("select segment_id, rule_sql from " ~ rules ~ " order by segment_id").rows -%}
        {%- if rule_rows | length == 0 -%}
            {{ exceptions.raise_compiler_error(
                "apply_segment_rules: " ~ rules ~ " is empty; rebuild it (dbt build --select segment_rules).") }}
        {%- endif -%}
    {%- endif -%}
    {%- if rule_rows is none %}
    select
        {{ id_column }},
        cast(null as {{ dbt.type_int() }}) as rule_segment_id
    from {{ relation }}
    where 1 = 0
    {%- else %}
    select
        {{ id_column }},
        case
            {%- for row in rule_rows %}
            when {{ row['rule_sql'] }} then {{ row['segment_id'] | int }}
            {%- endfor %}
        end as rule_segment_id
    from {{ relation }}
    {%- endif %}
{% endmacro %}
