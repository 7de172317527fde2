{#- segment_models' post-hook: say in the dbt log what the publish gate decided about the latest fit and
    which version scores this build. Returns no SQL. -#}
{% macro log_publish_decision(registry) %}
    {%- if execute and load_relation(registry) is not none -%}
        {%- set rows = run_query("select model_version, status, published_by, gate_passed, gate_reason, latest_fit from " ~ registry ~ " where latest_fit or status = 'published'") -%}
        {%- for row in rows if row['latest_fit'] -%}
            {%- if row['status'] == 'published' -%}
                {%- do log("publish gate: latest fit " ~ row['model_version'] ~ " is published (" ~ row['published_by'] ~ ")" ~ ("" if row['gate_reason'] is none else "; gate: " ~ row['gate_reason']), info=true) -%}
            {%- elif row['status'] == 'candidate' -%}
                {%- do log("publish gate: latest fit " ~ row['model_version'] ~ " is NOT published: " ~ row['gate_reason'], info=true) -%}
            {%- else -%}
                {%- do log("publish gate: latest fit " ~ row['model_version'] ~ " is retired (it was rolled back); only a pin (model_version var) publishes it again", info=true) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for row in rows if row['status'] == 'published' -%}
            {%- do log("scoring model version: " ~ row['model_version'] ~ " (" ~ row['published_by'] ~ ")", info=true) -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
