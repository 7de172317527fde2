"""The table each fit model returns, from the customers it fits on (python_udfs.fit_sample.fit_input), the
tables it refs and its settings (python_udfs.model_settings). The dbt Python models segment_scaler,
segment_k_selection, segment_centroids, segment_stability and segment_algorithm_comparison only read
their settings and refs and call these, so pytest reaches every step without dbt.
"""

from __future__ import annotations

import pandas as pd

from python_udfs.algorithm_comparison import compare_algorithms
from python_udfs.frames import read_existing, to_pandas
from python_udfs.k_selection import chosen_k_from_table, select_k
from python_udfs.model_settings import ModelSettings
from python_udfs.registry import centroids_in_force
from python_udfs.segmentation import (
    candidate_ks,
    centroid_matrix,
    centroid_table,
    check_features,
    fit_scaler,
    fit_segments,
    fitted_features,
    keep_previous_keys,
    model_version,
    standardize,
)
from python_udfs.stability import bootstrap_stability


def scaler_table(customers: pd.DataFrame, screening, settings: ModelSettings) -> pd.DataFrame:
    """segment_scaler: the standard scaler of the features segment_feature_screening keeps.

    K is checked against the data here, not only when fitting, so a K the data cannot support leaves the
    published scaler and centroids together as they were."""
    features = fitted_features(check_features(customers, settings.segment_features),
                               to_pandas(screening, order_by="requested_position"))
    candidate_ks(len(customers), settings.fixed_k, settings.segment_k_range)
    return fit_scaler(customers, features)


def k_selection_table(customers: pd.DataFrame, scaler, settings: ModelSettings) -> pd.DataFrame:
    """segment_k_selection: every K of segment_k_range scored, each criterion's vote and the chosen K."""
    return select_k(
        standardize(customers, to_pandas(scaler, order_by="feature_position")),
        settings.segment_k_range,
        fixed_k=settings.fixed_k,
        random_state=settings.random_state,
        n_init=settings.kmeans_n_init,
        silhouette_sample_size=settings.silhouette_sample_size,
        gap_reference_sets=settings.gap_reference_sets,
        gap_sample_size=settings.gap_sample_size,
        gap_n_init=settings.gap_n_init,
        minibatch_threshold=settings.minibatch_threshold,
        stability_bootstrap_samples=settings.k_stability_bootstrap_samples,
        stability_n_init=settings.stability_n_init,
        min_segment_share=settings.publish_gate_min_segment_share,
    ).table


def centroids_table(customers: pd.DataFrame, scaler, k_selection, settings: ModelSettings, session,
                    this) -> pd.DataFrame:
    """segment_centroids: K-Means on the scaled customers (n_segments, or for auto the K segment_k_selection
    chose), with the segment keys of the model version in force kept (read beside `this`, the registry the
    previous build left; before any version is published, the keys this table held)."""
    scaler = to_pandas(scaler, order_by="feature_position")
    n_segments = settings.fixed_k
    if n_segments is None:
        n_segments = chosen_k_from_table(to_pandas(k_selection, order_by="k"))
    fitted = fit_segments(
        standardize(customers, scaler),
        n_segments=n_segments,
        random_state=settings.random_state,
        n_init=settings.kmeans_n_init,
        minibatch_threshold=settings.minibatch_threshold,
    )
    # a retrain keeps the key (and so the name) of every segment of the model in force it did not really
    # change; a refused candidate's keys are never carried on
    previous, highest_key = centroids_in_force(session, this, settings.model_version)
    fitted = keep_previous_keys(fitted, scaler, previous if previous is not None else read_existing(session, this),
                                settings.segment_match_max_distance, highest_key)
    return centroid_table(scaler, fitted, model_version(scaler, fitted, settings.random_state))


def stability_table(customers: pd.DataFrame, scaler, centroids, settings: ModelSettings) -> pd.DataFrame:
    """segment_stability: bootstrap stability of the fitted segments, per segment key."""
    centroids = to_pandas(centroids, order_by="segment_id")
    scaled = standardize(customers, to_pandas(scaler, order_by="feature_position"))
    fitted = centroid_matrix(centroids)
    positions, _ = fitted.nearest_positions(scaled)
    table = bootstrap_stability(
        scaled,
        positions,
        fitted.segment_ids,
        n_bootstrap=settings.stability_bootstrap_samples,
        random_state=settings.random_state,
        n_init=settings.stability_n_init,
        n_starts=settings.stability_random_starts,
        minibatch_threshold=settings.minibatch_threshold,
    )
    table.insert(1, "model_version", centroids["model_version"].iloc[0])
    return table


def algorithm_comparison_table(customers: pd.DataFrame, scaler, centroids, settings: ModelSettings) -> pd.DataFrame:
    """segment_algorithm_comparison: K-Means against the other algorithms at the fitted K."""
    centroids = to_pandas(centroids, order_by="segment_id")
    table, _, _ = compare_algorithms(
        standardize(customers, to_pandas(scaler, order_by="feature_position")),
        n_segments=int(centroids["segment_id"].nunique()),
        random_state=settings.random_state,
        n_init=settings.kmeans_n_init,
        sample_size=settings.comparison_sample_size,
    )
    table.insert(1, "model_version", centroids["model_version"].iloc[0])
    return table
