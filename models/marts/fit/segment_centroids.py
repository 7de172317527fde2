"""Fit K-Means on the scaled customer features and write its centroids, one row per segment and feature.

Segment keys survive a retrain: the new centroids are matched to those of the model version in force
(the registry the previous build left); before any version is published, to the ones this table held.
"""

from python_udfs.fit_sample import SampleSettings, fit_customers
from python_udfs.frames import read_existing, to_pandas
from python_udfs.k_selection import chosen_k_from_table
from python_udfs.registry import centroids_in_force, fit_to_keep, pinned_version
from python_udfs.segmentation import (
    centroid_table,
    fit_segments,
    keep_previous_keys,
    model_version,
    parse_n_segments,
    standardize,
)


def model(dbt, session):
    dbt.config(materialized="table")
    # a score-only build (retrain false) keeps the latest fit as it is
    kept = fit_to_keep(dbt.config.get("retrain"), dbt.ref("segment_retrain_decision"), session, dbt.this)
    if kept is not None:
        return kept
    # the customers segment_scaler was fitted on: all, or the same seeded stratified sample
    customers = fit_customers(dbt.ref("customer_features"), SampleSettings.checked(
        threshold=dbt.config.get("fit_sample_threshold"),
        size=dbt.config.get("fit_sample_size"),
        strata=dbt.config.get("fit_sample_strata"),
        random_state=dbt.config.get("random_state"),
    )).frame
    scaler = to_pandas(dbt.ref("segment_scaler"), order_by="feature_position")
    n_segments, _ = parse_n_segments(dbt.config.get("n_segments"), dbt.config.get("segment_k_range"))
    if n_segments is None:  # auto: the K segment_k_selection chose by its documented rule
        n_segments = chosen_k_from_table(to_pandas(dbt.ref("segment_k_selection"), order_by="k"))
    random_state = int(dbt.config.get("random_state"))
    fitted = fit_segments(
        standardize(customers, scaler),
        n_segments=n_segments,
        random_state=random_state,
        n_init=int(dbt.config.get("kmeans_n_init")),
        minibatch_threshold=int(dbt.config.get("minibatch_threshold")),
    )
    # a retrain keeps the key (and so the name) of every segment of the model in force it did not really
    # change; a refused candidate's keys are never carried on
    previous, highest_key = centroids_in_force(session, dbt.this, pinned_version(dbt.config.get("model_version")))
    fitted = keep_previous_keys(fitted, scaler, previous if previous is not None else read_existing(session, dbt.this),
                                float(dbt.config.get("segment_match_max_distance")), highest_key)
    return centroid_table(scaler, fitted, model_version(scaler, fitted, random_state))
