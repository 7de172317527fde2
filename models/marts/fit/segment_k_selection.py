"""Score every K of segment_k_range (inertia + elbow, silhouette, Davies-Bouldin, Calinski-Harabasz, gap
statistic, bootstrap stability), record each criterion's vote and mark the K their documented consensus
chooses; `n_segments: auto` fits that K."""

from python_udfs.fit_models import k_selection_table
from python_udfs.fit_sample import fit_input
from python_udfs.model_settings import model_settings


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    fit = fit_input(settings, dbt.ref("customer_features"), dbt.ref("segment_retrain_decision"), session, dbt.this)
    if fit.kept is not None:  # a score-only build (retrain false) keeps the latest fit as it is
        return fit.kept
    return k_selection_table(fit.customers, dbt.ref("segment_scaler"), settings)
