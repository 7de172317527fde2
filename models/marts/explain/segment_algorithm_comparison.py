"""K-Means against MiniBatchKMeans, a Gaussian mixture, BIRCH, Ward and HDBSCAN at the fitted K: silhouette,
Davies-Bouldin, ARI against K-Means, fit time, and whether the result is deployable through assign_segment."""

from python_udfs.fit_models import algorithm_comparison_table
from python_udfs.fit_sample import fit_input
from python_udfs.model_settings import model_settings


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    # compared on every build, on the customers the fit models read
    fit = fit_input(settings, dbt.ref("customer_features"))
    return algorithm_comparison_table(fit.customers, dbt.ref("segment_scaler"), dbt.ref("segment_centroids"), settings)
