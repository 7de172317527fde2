"""Bootstrap stability of the fitted segments (Hennig's clusterboot): per segment the mean best-match
Jaccard over resamples and a verdict, with the adjusted Rand index and the inertia spread across starts."""

from python_udfs.fit_sample import SampleSettings, fit_customers
from python_udfs.frames import to_pandas
from python_udfs.registry import fit_to_keep
from python_udfs.segmentation import centroid_matrix, standardize
from python_udfs.stability import bootstrap_stability


def model(dbt, session):
    dbt.config(materialized="table")
    # a score-only build (retrain false) keeps the latest fit as it is
    kept = fit_to_keep(dbt.config.get("retrain"), dbt.ref("segment_retrain_decision"), session, dbt.this)
    if kept is not None:
        return kept
    customers = fit_customers(dbt.ref("customer_features"), SampleSettings.checked(
        threshold=dbt.config.get("fit_sample_threshold"),
        size=dbt.config.get("fit_sample_size"),
        strata=dbt.config.get("fit_sample_strata"),
        random_state=dbt.config.get("random_state"),
    )).frame
    scaler = to_pandas(dbt.ref("segment_scaler"), order_by="feature_position")
    centroids = to_pandas(dbt.ref("segment_centroids"), order_by="segment_id")
    scaled = standardize(customers, scaler)
    fitted = centroid_matrix(centroids)
    positions, _ = fitted.nearest_positions(scaled)
    table = bootstrap_stability(
        scaled,
        positions,
        fitted.segment_ids,
        n_bootstrap=int(dbt.config.get("stability_bootstrap_samples")),
        random_state=int(dbt.config.get("random_state")),
        n_init=int(dbt.config.get("stability_n_init")),
        n_starts=int(dbt.config.get("stability_random_starts")),
        minibatch_threshold=int(dbt.config.get("minibatch_threshold")),
    )
    table.insert(1, "model_version", centroids["model_version"].iloc[0])
    return table
