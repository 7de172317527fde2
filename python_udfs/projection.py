"""A 2-D picture of the segmentation: PCA on the standardized features, for scatter plots in any BI tool.

The dbt Python model `segment_projection` is a thin wrapper around `projection_table`. PCA is fitted on
every customer the segmentation was fitted on (same scaler, same row order), so its axes belong to that
model version; the table holds a deterministic sample of customers plus every centroid.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA

from python_udfs.segmentation import (
    SegmentationConfigError,
    centroid_matrix,
    scaler_from_table,
    standardize,
)
from python_udfs.settings_schema import check_setting

N_COMPONENTS = 2


def check_sample_size(value) -> int:
    """The `projection_sample_size` var: a whole number >= 0 (0 keeps only the centroids)."""
    return check_setting("projection_sample_size", value, SegmentationConfigError)


def sample_customers(customer_ids: pd.Series, size: int, random_state: int) -> list[str]:
    """`size` customer ids chosen by a salted hash of the id, returned in id order.

    A hash rather than a random draw: a customer's place in the sample depends only on their own id and
    the seed, so a rebuild gives the same sample and a customer who joins later does not reshuffle it.
    """
    def rank(customer_id) -> str:
        return hashlib.sha256(f"{random_state}:{customer_id}".encode()).hexdigest()

    ids = sorted(map(str, customer_ids), key=lambda customer_id: (rank(customer_id), customer_id))
    return sorted(ids[:size])


def fit_projection(scaled: np.ndarray) -> PCA:
    """PCA to (at most) two components with the exact SVD solver: no randomness, same axes every build."""
    n_components = min(N_COMPONENTS, scaled.shape[1], len(scaled))
    return PCA(n_components=n_components, svd_solver="full").fit(scaled)


def project(pca: PCA, scaled: np.ndarray) -> np.ndarray:
    """Coordinates on exactly two axes; a missing second axis (one feature only) is 0."""
    coordinates = pca.transform(scaled)
    if coordinates.shape[1] < N_COMPONENTS:
        coordinates = np.hstack([coordinates, np.zeros((len(coordinates), N_COMPONENTS - coordinates.shape[1]))])
    return coordinates


def describe_axis(pca: PCA, features: list[str], component: int, top: int = 3) -> str:
    """The features that weigh most on one axis, e.g. 'monetary_log +0.52; frequency_log +0.49'."""
    if component >= pca.n_components_:
        return ""
    loadings = pca.components_[component]
    strongest = sorted(range(len(features)), key=lambda index: (-abs(loadings[index]), index))[:top]
    return "; ".join(f"{features[index]} {loadings[index]:+.2f}" for index in strongest)


def projection_table(
    customers: pd.DataFrame,
    scaler_table: pd.DataFrame,
    centroid_table_frame: pd.DataFrame,
    customer_segments: pd.DataFrame,
    segment_dictionary: pd.DataFrame,
    sample_size: int,
    random_state: int,
) -> pd.DataFrame:
    """One row per sampled customer and per centroid: 2-D PCA coordinates, segment and model version.

    `customers` must be the feature mart ordered by customer_id (the rows the model was fitted on).
    """
    versions = centroid_table_frame["model_version"].unique()
    if len(versions) != 1:
        raise SegmentationConfigError(
            f"segment_centroids holds {len(versions)} model versions ({list(versions)}): the projection needs "
            "exactly one; rebuild segment_centroids (dbt build --select segment_centroids+)."
        )
    version = str(versions[0])
    features, _, _ = scaler_from_table(scaler_table)
    scaled = standardize(customers, scaler_table)
    pca = fit_projection(scaled)
    variance = list(pca.explained_variance_ratio_) + [0.0] * (N_COMPONENTS - pca.n_components_)
    names = dict(zip(segment_dictionary["segment_id"].astype(int), segment_dictionary["segment_name"]))

    sampled_ids = sample_customers(customers["customer_id"], sample_size, random_state)
    position = pd.Series(np.arange(len(customers)), index=customers["customer_id"].astype(str))
    sampled_rows = position.loc[sampled_ids].to_numpy()
    customer_points = project(pca, scaled[sampled_rows])
    segment_of = customer_segments.assign(customer_id=customer_segments["customer_id"].astype(str)).set_index(
        "customer_id")["segment_id"]
    missing = [customer_id for customer_id in sampled_ids if customer_id not in segment_of.index]
    if missing:
        raise SegmentationConfigError(
            f"{len(missing)} customers of customer_features have no segment in customer_segments (e.g. "
            f"{missing[:3]}): rebuild customer_segments (dbt build --select customer_segments+)."
        )
    customer_segment_ids = segment_of.loc[sampled_ids].astype(int).to_numpy()

    centroids = centroid_matrix(centroid_table_frame)
    centroid_points = project(pca, centroids.matrix)
    centroid_ids = centroids.segment_ids

    frame = pd.DataFrame(
        {
            "point_id": sampled_ids + [f"centroid-{segment_id}" for segment_id in centroid_ids],
            "point_type": ["customer"] * len(sampled_ids) + ["centroid"] * centroids.k,
            "customer_id": sampled_ids + [None] * centroids.k,
            "segment_id": np.concatenate([customer_segment_ids, centroid_ids]).astype(np.int64),
            "pc1": np.concatenate([customer_points[:, 0], centroid_points[:, 0]]),
            "pc2": np.concatenate([customer_points[:, 1], centroid_points[:, 1]]),
        }
    )
    frame.insert(4, "segment_name", frame["segment_id"].map(names))
    frame["pc1_variance_share"] = float(variance[0])
    frame["pc2_variance_share"] = float(variance[1])
    frame["pc1_loadings"] = describe_axis(pca, features, 0)
    frame["pc2_loadings"] = describe_axis(pca, features, 1)
    frame["model_version"] = version
    return frame
