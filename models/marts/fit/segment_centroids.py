"""Fit K-Means on the scaled customer features and write its centroids, one row per segment and feature.

Segment keys survive a retrain: the new centroids are matched to those of the model version in force
(the registry the previous build left); before any version is published, to the ones this table held.
"""

from python_udfs.fit_models import centroids_table
from python_udfs.fit_sample import fit_input
from python_udfs.model_settings import model_settings


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    # the customers segment_scaler was fitted on: all, or the same seeded stratified sample
    fit = fit_input(settings, dbt.ref("customer_features"), dbt.ref("segment_retrain_decision"), session, dbt.this)
    if fit.kept is not None:  # a score-only build (retrain false) keeps the latest fit as it is
        return fit.kept
    # n_segments auto fits the K segment_k_selection chose by its documented rule
    return centroids_table(fit.customers, dbt.ref("segment_scaler"), dbt.ref("segment_k_selection"), settings,
                           session, dbt.this)
