"""Fit the standard scaler of the segmentation: one row per clustering feature (mean, scale)."""

from python_udfs.frames import to_pandas
from python_udfs.segmentation import check_features, fit_scaler


def model(dbt, session):
    dbt.config(materialized="table")
    customers = to_pandas(dbt.ref("customer_features"), order_by="customer_id")
    features = check_features(customers, dbt.config.get("segment_features"))
    return fit_scaler(customers, features)
