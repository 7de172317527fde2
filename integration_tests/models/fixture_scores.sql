{#- Scores the `fixture_cases` cases the test wrote, each against its own scaler and model version,
    in one dbt run (one run per case would spend seconds per case starting dbt). -#}
{%- set n_cases = var('fixture_cases', 1) | int -%}

{% for case in range(n_cases) %}
select
    {{ case }} as case_id,
    scored.*
from (
    {{ dbt_segments.assign_segment(
        api.Relation.create(database=(target.database or none), schema='main', identifier='fixture_rows_' ~ case),
        id_column='row_id',
        scaler=api.Relation.create(database=(target.database or none), schema='main', identifier='fixture_scaler_' ~ case),
        centroids=source('fixture', 'fixture_centroids'),
        model_version='case_' ~ case) }}
) as scored
{% if not loop.last %}union all{% endif %}
{% endfor %}
