{#- One bin's (or segment's) term of the population stability index:
    (current - training) * ln(current / training), each share floored at `epsilon` (the drift_psi_epsilon
    var) so an emptied or newly filled bin adds a large but finite term. The PSI of a feature is the sum of
    its bins' terms; segment_drift writes both the feature and the segment terms with it. -#}
{% macro psi_term(current_share, training_share, epsilon) %}
    {%- set current = 'case when ' ~ current_share ~ ' < ' ~ epsilon ~ ' then ' ~ epsilon
        ~ ' else ' ~ current_share ~ ' end' -%}
    {%- set training = 'case when ' ~ training_share ~ ' < ' ~ epsilon ~ ' then ' ~ epsilon
        ~ ' else ' ~ training_share ~ ' end' -%}
    (({{ current }}) - ({{ training }})) * ln(({{ current }}) / ({{ training }}))
{%- endmacro %}
