{#- The model version scoring uses this build, read from the registry (segment_models) at compile time:
    the pinned one (model_version var) or else the published one. Returns none while the registry does not
    exist (parsing, `dbt compile` on a fresh database). Fails naming the fix when a pin is not registered
    or nothing is published (the publish gate refused the first candidate). -#}
{% macro scoring_model_version(registry) %}
    {{ return(adapter.dispatch('scoring_model_version', 'dbt_segments')(registry)) }}
{% endmacro %}

{% macro default__scoring_model_version(registry) %}
    {%- if not execute or load_relation(registry) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rows = run_query("select model_version, status, gate_reason from " ~ registry ~ " order by trained_at, model_version") -%}
    {%- set versions = rows.columns[0].values() | list -%}
    {%- set pinned = var('model_version', none) -%}
    {%- if pinned is not none -%}
        {%- if pinned not in versions -%}
            {{ exceptions.raise_compiler_error("model_version is '" ~ pinned ~ "', which is not a registered model version (registered: " ~ versions ~ "): pin one of those, or set model_version to null.") }}
        {%- endif -%}
        {{ return(pinned) }}
    {%- endif -%}
    {%- for row in rows if row['status'] == 'published' -%}
        {{ return(row['model_version']) }}
    {%- endfor -%}
    {%- set refused = [] -%}
    {%- for row in rows if row['status'] == 'candidate' -%}{%- do refused.append(row['gate_reason']) -%}{%- endfor -%}
    {{ exceptions.raise_compiler_error("no model version is published" ~ ((" (the publish gate refused the latest candidate: " ~ refused[-1] ~ ")") if refused else "") ~ ": loosen the publish_gate_* vars, fix the data, or pin a registered version with the model_version var.") }}
{% endmacro %}
