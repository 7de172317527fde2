"""Explain each segment as a threshold rule over customer_features (a surrogate CART tree or an IMM/ExKMC
threshold tree of k to rule_max_leaf_factor x k leaves, whichever meets the bars with fewer leaves), with
coverage, precision, overall fidelity and cost ratio."""

from python_udfs.explain import scoring_model_rules
from python_udfs.model_settings import model_settings


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    # the model version customers are scored with (pinned or published), not merely the latest fit
    return scoring_model_rules(dbt.ref("customer_features"), dbt.ref("segment_models"),
                               dbt.ref("segment_model_scalers"), dbt.ref("segment_model_centroids"), settings)
