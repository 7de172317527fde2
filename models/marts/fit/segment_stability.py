"""Bootstrap stability of the fitted segments (Hennig's clusterboot): per segment the mean best-match
Jaccard over resamples and a verdict, with the adjusted Rand index and the inertia spread across starts."""

from python_udfs.fit_models import stability_table
from python_udfs.fit_sample import fit_input
from python_udfs.model_settings import model_settings


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    fit = fit_input(settings, dbt.ref("customer_features"), dbt.ref("segment_retrain_decision"), session, dbt.this)
    if fit.kept is not None:  # a score-only build (retrain false) keeps the latest fit as it is
        return fit.kept
    return stability_table(fit.customers, dbt.ref("segment_scaler"), dbt.ref("segment_centroids"), settings)
