{#- A pre-hook of the tables that record every fitted model version (segment_model_scalers,
    segment_model_centroids, the drift baselines, the distance profile): the SQL deleting the rows of
    versions that segment_models does not list and that are not the latest fit (segment_centroids), or
    nothing when there are none.

    Those rows were appended by a build that stopped (a failed test, an error, a kill) after recording a
    fit and before segment_models registered it; such a version never scored a customer, since scoring
    reads its version from segment_models. The latest fit's rows stay: this build registers it. Without
    segment_models no version is registered yet. The delete is issued only when there is something to
    delete, and logged. -#}
{% macro delete_unregistered_model_versions(relation, latest_fit) %}
    {{ return(adapter.dispatch('delete_unregistered_model_versions', 'dbt_segments')(relation, latest_fit)) }}
{% endmacro %}

{% macro default__delete_unregistered_model_versions(relation, latest_fit) %}
    {%- if not execute or load_relation(relation) is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set registry = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier='segment_models') -%}
    {%- set kept = ["select model_version from " ~ latest_fit] -%}
    {%- if registry is not none -%}
        {%- do kept.append("select model_version from " ~ registry) -%}
    {%- endif -%}
    {%- set unregistered = run_query(
        "select distinct model_version from " ~ relation ~ " where model_version not in ("
        ~ kept | join(" union all ") ~ ") order by model_version").columns[0].values() | list -%}
    {%- if unregistered | length == 0 -%}
        {{ return('') }}
    {%- endif -%}
    {%- do log("model registry: removed the rows of " ~ unregistered | join(", ") ~ " from " ~ relation.identifier
               ~ ": segment_models never registered them (the build that fitted them stopped first)", info=true) -%}
    delete from {{ relation }}
    where model_version not in ({{ kept | join(" union all ") }})
{% endmacro %}
