"""Fit the standard scaler of the segmentation: one row per clustering feature (mean, scale).

The clustering features are the segment_features that segment_feature_screening keeps (constant and
near-constant ones are left out there, with a warning)."""

from python_udfs.fit_sample import SampleSettings, fit_customers
from python_udfs.frames import to_pandas
from python_udfs.registry import fit_to_keep
from python_udfs.segmentation import candidate_ks, check_features, fit_scaler, fitted_features, parse_n_segments


def model(dbt, session):
    dbt.config(materialized="table")
    # a score-only build (retrain false) keeps the latest fit as it is
    kept = fit_to_keep(dbt.config.get("retrain"), dbt.ref("segment_retrain_decision"), session, dbt.this)
    if kept is not None:
        return kept
    # every customer, or above fit_sample_threshold a stratified sample drawn in the warehouse
    customers = fit_customers(dbt.ref("customer_features"), SampleSettings.checked(
        threshold=dbt.config.get("fit_sample_threshold"),
        size=dbt.config.get("fit_sample_size"),
        strata=dbt.config.get("fit_sample_strata"),
        random_state=dbt.config.get("random_state"),
    )).frame
    features = fitted_features(check_features(customers, dbt.config.get("segment_features")),
                               to_pandas(dbt.ref("segment_feature_screening"), order_by="requested_position"))
    # K is checked against the data here, not only when fitting, so a K the data cannot support leaves
    # the published scaler and centroids together as they were
    n_segments, k_range = parse_n_segments(dbt.config.get("n_segments"), dbt.config.get("segment_k_range"))
    candidate_ks(len(customers), n_segments, k_range)
    return fit_scaler(customers, features)
