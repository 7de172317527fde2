"""The model registry: one row per fitted model version, its status and the publish gate's verdict.

Reads the state it wrote last build and moves it on (python_udfs.registry.next_registry): the latest fit
is registered, judged by the publish gate, and published or left a candidate; a pinned version
(model_version var) is published instead. Scoring reads the published version from here.
The latest fit is registered only once the registry tables (its scaler, centroids and drift baseline)
record it, so they are refs here and always built first: a published version can always be scored.
"""

import pandas as pd

from python_udfs.frames import read_existing, select_columns, to_pandas
from python_udfs.registry import GateSettings, next_registry, pinned_version, recorded_scaler


def model(dbt, session):
    dbt.config(materialized="table")
    centroids = to_pandas(dbt.ref("segment_centroids"), order_by="segment_id")
    latest_fit = str(centroids["model_version"].iloc[0]) if len(centroids) else None
    scaler = recorded_scaler(
        latest_fit,
        to_pandas(dbt.ref("segment_model_scalers"), order_by="feature_position"),
        segment_model_centroids=to_pandas(select_columns(dbt.ref("segment_model_centroids"), "model_version")),
        segment_training_shares=to_pandas(select_columns(dbt.ref("segment_training_shares"), "model_version")),
        segment_training_bins=to_pandas(select_columns(dbt.ref("segment_training_bins"), "model_version")),
    )
    stability = to_pandas(dbt.ref("segment_stability"), order_by="segment_id")
    k_selection = to_pandas(dbt.ref("segment_k_selection"), order_by="k")
    window = to_pandas(dbt.ref("int_feature_window"))
    tenure = to_pandas(select_columns(dbt.ref("customer_features"), "tenure_days"))
    as_of_date = pd.Timestamp(window["as_of_date"].iloc[0])
    settings = GateSettings.from_config(
        dbt.config.get("publish_gate_min_segment_share"),
        dbt.config.get("publish_gate_allowed_verdicts"),
        dbt.config.get("publish_gate_allow_feature_change"),
        dbt.config.get("allow_unstable_segments"),
    )
    pinned = pinned_version(dbt.config.get("model_version"))
    parameters = (f"n_segments={dbt.config.get('n_segments')}; segment_k_range={dbt.config.get('segment_k_range')}; "
                  f"random_state={dbt.config.get('random_state')}; kmeans_n_init={dbt.config.get('kmeans_n_init')}")
    return next_registry(
        read_existing(session, dbt.this),
        centroids=centroids,
        scaler=scaler,
        stability=stability,
        k_selection=k_selection,
        as_of_date=as_of_date,
        # the longest-standing customer's start (signup, first order or event): the data the fit saw;
        # unknown (null) for a customer table without signup dates
        training_window_start=(None if tenure["tenure_days"].isna().all()
                               else as_of_date - pd.Timedelta(days=int(tenure["tenure_days"].max()))),
        parameters=parameters,
        settings=settings,
        pinned=pinned,
        now=pd.Timestamp.now(tz="UTC").tz_localize(None).floor("s"),
    )
