"""The model registry: one row per fitted model version, its status and the publish gate's verdict.

Reads the state it wrote last build and moves it on (python_udfs.registry.next_registry): the latest fit
is registered, judged by the publish gate, and published or left a candidate; a pinned version
(model_version var) is published instead. Scoring reads the published version from here.
The latest fit is registered only once the registry tables (its scaler, centroids and drift baseline)
record it, so they are refs here and always built first: a published version can always be scored.
"""

import pandas as pd

from python_udfs.frames import read_existing, select_columns
from python_udfs.model_settings import model_settings
from python_udfs.registry import registry_table


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    return registry_table(
        read_existing(session, dbt.this),
        centroids=dbt.ref("segment_centroids"),
        scalers=dbt.ref("segment_model_scalers"),
        recorded={
            "segment_model_centroids": select_columns(dbt.ref("segment_model_centroids"), "model_version"),
            "segment_training_shares": select_columns(dbt.ref("segment_training_shares"), "model_version"),
            "segment_training_bins": select_columns(dbt.ref("segment_training_bins"), "model_version"),
        },
        stability=dbt.ref("segment_stability"),
        k_selection=dbt.ref("segment_k_selection"),
        window=dbt.ref("int_feature_window"),
        tenure=select_columns(dbt.ref("customer_features"), "tenure_days"),
        settings=settings,
        now=pd.Timestamp.now(tz="UTC").tz_localize(None).floor("s"),
    )
