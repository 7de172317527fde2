{#- The model version customers are scored with, read at compile time from segment_model_in_force, the
    one-row model that records it (the version segment_models publishes, a pinned one included). Every
    scoring model and mart passes ref('segment_model_in_force'); segment_retrain_decision passes the
    previous build's table, as this build's registry does not exist yet when it runs.

    Returns none while the table does not exist (parsing, `dbt compile` on a fresh database), and with
    required=false also while nothing is published. Fails naming the fix when nothing is published, or
    when the model_version var pins a version the table does not hold: segment_models publishes a pin, so
    a selection without it (e.g. --select customer_segments) would score with another version than the
    registry says. -#}
{% macro model_version_in_force(in_force, required=true) %}
    {%- if required not in [true, false] -%}
        {{ exceptions.raise_compiler_error(
            "model_version_in_force: required takes true or false, got " ~ required ~ ".") }}
    {%- endif -%}
    {{ return(adapter.dispatch('model_version_in_force', 'dbt_segments')(in_force, required)) }}
{% endmacro %}

{% macro default__model_version_in_force(in_force, required) %}
    {%- if not execute or in_force is none or load_relation(in_force) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set versions = run_query("select model_version from " ~ in_force).columns[0].values() | list -%}
    {%- set pinned = var('model_version', none) -%}
    {%- if pinned is not none and versions != [pinned] -%}
        {#- the registry beside the table, read only to name the versions a pin may take -#}
        {%- set registry = adapter.get_relation(
            database=in_force.database, schema=in_force.schema, identifier='segment_models') -%}
        {%- set registered = [] if registry is none else run_query(
            "select model_version from " ~ registry ~ " order by trained_at, model_version"
        ).columns[0].values() | list -%}
        {%- if pinned not in registered -%}
            {{ exceptions.raise_compiler_error(
                "model_version is '" ~ pinned ~ "', which is not a registered model version (registered: " ~ registered
                ~ "): pin one of those, or set model_version to null.") }}
        {%- endif -%}
        {{ exceptions.raise_compiler_error(
            "model_version is pinned to '" ~ pinned ~ "', but " ~ in_force ~ " holds " ~ versions
            ~ ": segment_models publishes a pin, so build it with the pin first"
            ~ " (dbt build --selector score_only --vars '{retrain: false, model_version: " ~ pinned ~ "}').") }}
    {%- endif -%}
    {%- if versions | length == 0 and required -%}
        {{ exceptions.raise_compiler_error(
            "no model version is published (" ~ in_force ~ " is empty; segment_models.gate_reason"
            ~ " and the build log's 'publish gate:' line say why the gate refused the latest fit):"
            ~ " loosen the publish_gate_* vars, fix the data,"
            ~ " or pin a registered version with the model_version var.") }}
    {%- endif -%}
    {{ return(versions[0] if versions else none) }}
{% endmacro %}
