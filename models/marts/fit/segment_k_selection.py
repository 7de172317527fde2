"""Score every K of segment_k_range (inertia + elbow, silhouette, Davies-Bouldin, Calinski-Harabasz, gap
statistic, bootstrap stability), record each criterion's vote and mark the K their documented consensus
chooses; `n_segments: auto` fits that K."""

from python_udfs.fit_sample import SampleSettings, fit_customers
from python_udfs.frames import to_pandas
from python_udfs.k_selection import select_k
from python_udfs.registry import fit_to_keep
from python_udfs.segmentation import parse_n_segments, standardize


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
    n_segments, k_range = parse_n_segments(dbt.config.get("n_segments"), dbt.config.get("segment_k_range"))
    selection = select_k(
        standardize(customers, scaler),
        k_range,
        fixed_k=n_segments,
        random_state=int(dbt.config.get("random_state")),
        n_init=int(dbt.config.get("kmeans_n_init")),
        silhouette_sample_size=int(dbt.config.get("silhouette_sample_size")),
        gap_reference_sets=int(dbt.config.get("gap_reference_sets")),
        gap_sample_size=int(dbt.config.get("gap_sample_size")),
        gap_n_init=int(dbt.config.get("gap_n_init")),
        minibatch_threshold=int(dbt.config.get("minibatch_threshold")),
        stability_bootstrap_samples=int(dbt.config.get("k_stability_bootstrap_samples")),
        stability_n_init=int(dbt.config.get("stability_n_init")),
        min_segment_share=float(dbt.config.get("publish_gate_min_segment_share")),
    )
    return selection.table
