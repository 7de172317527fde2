"""Fit the standard scaler of the segmentation: one row per clustering feature (mean, scale).

The clustering features are the segment_features that segment_feature_screening keeps (constant and
near-constant ones are left out there, with a warning)."""

from python_udfs.fit_models import scaler_table
from python_udfs.fit_sample import fit_input
from python_udfs.model_settings import model_settings


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    # every customer, or above fit_sample_threshold a stratified sample drawn in the warehouse
    fit = fit_input(settings, dbt.ref("customer_features"), dbt.ref("segment_retrain_decision"), session, dbt.this)
    if fit.kept is not None:  # a score-only build (retrain false) keeps the latest fit as it is
        return fit.kept
    return scaler_table(fit.customers, dbt.ref("segment_feature_screening"), settings)
