"""Fit the lifetime-value models: BG/NBD (purchases and dropout) and Gamma-Gamma (value of a purchase) by MAP
on the customers the segmentation fits on; one row per parameter, or one row saying why the fit was skipped
(python_udfs.clv)."""

from python_udfs.clv import parameters_table
from python_udfs.fit_sample import fit_input
from python_udfs.model_settings import model_settings


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    fit = fit_input(settings, dbt.ref("customer_features"), dbt.ref("segment_retrain_decision"), session, dbt.this)
    if fit.kept is not None:  # a score-only build keeps the latest fit as it is
        return fit.kept
    return parameters_table(fit.customers, dbt.ref("int_customer_clv_inputs"), settings)
