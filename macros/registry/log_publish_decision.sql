{#- segment_models' post-hook: say in the dbt log what the publish gate decided about the latest fit
    (segment_model_in_force's post-hook then says which version scores this build). A retired latest
    fit says why it was retired (replaced by a version the gate published, or rolled back by a pin:
    retired_reason). Returns no SQL. -#}
{% macro log_publish_decision(registry) %}
    {%- if execute and load_relation(registry) is not none -%}
        {%- set rows = run_query(
            "select model_version, status, published_by, gate_passed, gate_reason, latest_fit, retired_reason from "
            ~ registry ~ " where latest_fit") -%}
        {%- for row in rows -%}
            {%- if row['status'] == 'published' -%}
                {%- do log(
                    "publish gate: latest fit " ~ row['model_version'] ~ " is published (" ~ row['published_by'] ~ ")"
                    ~ ("" if row['gate_reason'] is none else "; gate: " ~ row['gate_reason']), info=true) -%}
            {%- elif row['status'] == 'candidate' -%}
                {%- do log(
                    "publish gate: latest fit " ~ row['model_version'] ~ " is NOT published: " ~ row['gate_reason'],
                    info=true) -%}
            {%- else -%}
                {%- do log(
                    "publish gate: latest fit " ~ row['model_version'] ~ " is retired ("
                    ~ (row['retired_reason'] or 'published once, replaced since')
                    ~ "); only a pin (model_version var) publishes it again", info=true) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
