{#- Whether this build fits a new candidate model: {'retrain': bool, 'reason': text}.

    The retrain var decides (true: fit; false: only score with the published model). With
    retrain_on_drift true, a build also retrains when the PREVIOUS build's segment_health has a row with
    retrain_recommended = true; segment_health is read through adapter.get_relation, not ref(): it is
    downstream of the scores this decision feeds, so a ref would be a cycle. A score-only build with no
    published model yet fails here, before anything is replaced, naming the fix. -#}
{% macro retrain_decision() %}
    {{ return(adapter.dispatch('retrain_decision', 'dbt_segments')()) }}
{% endmacro %}

{% macro default__retrain_decision() %}
    {%- set retrain = dbt_segments.setting_value('retrain') -%}
    {%- if retrain -%}
        {{ return({'retrain': true, 'reason': 'the retrain var is true: fit a candidate model'}) }}
    {%- endif -%}
    {%- if not execute -%}
        {{ return({'retrain': false, 'reason': 'parsing'}) }}
    {%- endif -%}
    {%- if dbt_segments.setting_value('retrain_on_drift') -%}
        {%- set health = adapter.get_relation(
            database=this.database, schema=this.schema, identifier='segment_health') -%}
        {%- if health is not none and 'retrain_recommended'
               in (adapter.get_columns_in_relation(health) | map(attribute='name') | map('lower') | list) -%}
            {%- set recommended = run_query(
                "select count(*) from " ~ health ~ " where retrain_recommended").columns[0].values()[0] | int -%}
            {%- if recommended > 0 -%}
                {{ return({'retrain': true,
                           'reason': 'retrain_on_drift: the previous build\'s segment_health recommends retraining ('
                                     ~ recommended ~ ' rows)'}) }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    {#- a pin is published by this build's segment_models (which refuses an unregistered one); without one,
        the version the previous build put in force scores this build -#}
    {%- if var('model_version', none) is none -%}
        {%- set in_force = adapter.get_relation(
            database=this.database, schema=this.schema, identifier='segment_model_in_force') -%}
        {%- if dbt_segments.model_version_in_force(in_force, required=false) is none -%}
            {{ exceptions.raise_compiler_error(
                "retrain is false, but no model version is published yet (segment_model_in_force "
                ~ ("does not exist" if in_force is none else "is empty")
                ~ "): run one build with --vars '{retrain: true}' (the default) first,"
                ~ " or pin a registered version with the model_version var.") }}
        {%- endif -%}
    {%- endif -%}
    {{ return({'retrain': false, 'reason': 'the retrain var is false: score with the published model only'}) }}
{% endmacro %}
