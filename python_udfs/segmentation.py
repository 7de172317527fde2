"""Fit the segmentation: a standard scaler and K-Means on the customer feature mart.

The dbt Python models `segment_scaler` and `segment_centroids` are thin wrappers around this module;
everything here takes and returns pandas, so pytest reaches it without dbt.

Conventions the SQL scoring macro relies on:
- scaled value = (value - mean) / scale, with scale 1 for a constant feature (as scikit-learn does; the
  segment_feature_screening model leaves constant and near-constant features out of the fit before that);
- a missing value is imputed with the feature's training mean, i.e. 0 in scaled space;
- a first fit's segment ids are 0..K-1 ordered by training size, largest first (ties: smallest centroid
  first), so a refit that finds the same segments gives them the same ids whatever order K-Means found
  them in; a retrain keeps the keys of the segments it continues (keep_previous_keys), so keys need not
  be 0..K-1, and code reading a centroid table goes through centroid_matrix to get them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.preprocessing import StandardScaler

from python_udfs.settings_schema import SettingsError, check_setting, list_value, rule_message


class SegmentationConfigError(SettingsError):
    """A setting (a dbt var) that cannot work; the message names the var and the fix."""


def as_list(value) -> list:
    """A list var as dbt hands it to a Python model: a list, or its text form from a yml config."""
    return list_value(value)


def check_features(frame: pd.DataFrame, features) -> list[str]:
    """Validate the `segment_features` var against the real columns of the feature mart."""
    features = list(check_setting("segment_features", features, SegmentationConfigError))
    if not features:
        raise SegmentationConfigError(rule_message("segment_features_empty"))
    lowered = [name.lower() for name in features]
    duplicated = sorted({name for name in lowered if lowered.count(name) > 1})
    if duplicated:
        raise SegmentationConfigError(rule_message("segment_features_duplicated", features=duplicated))
    columns = {column.lower() for column in frame.columns}
    unknown = [name for name in lowered if name not in columns]
    if unknown:
        raise SegmentationConfigError(
            rule_message("segment_features_unknown", features=unknown, columns=sorted(columns)))
    features = lowered
    not_numeric = [name for name in features if not pd.api.types.is_numeric_dtype(frame[name])
                   or pd.api.types.is_bool_dtype(frame[name])]
    if not_numeric:
        raise SegmentationConfigError(
            f"segment_features names {not_numeric}, which are not numeric: K-Means needs numbers; "
            "remove them from the segment_features var or add a numeric encoding to customer_features."
        )
    return features


def fitted_features(requested: list[str], screening: pd.DataFrame) -> list[str]:
    """The requested features segment_feature_screening keeps (is_fitted), in the order requested.

    The screening (constant and near-constant features are left out) is decided in that SQL model; this only
    reads it, and stops when it was built for another feature list or keeps nothing.
    """
    screened = [str(name).lower() for name in screening.sort_values("requested_position")["feature"]]
    if screened != requested:
        raise SegmentationConfigError(
            f"segment_feature_screening describes {screened}, but segment_features is {requested}: build it with "
            "the same vars as the fit (dbt build --select segment_feature_screening+)."
        )
    kept = set(screening.loc[screening["is_fitted"].astype(bool), "feature"].str.lower())
    features = [name for name in requested if name in kept]
    if not features:
        reasons = ", ".join(f"{row.feature} ({row.screening_reason})" for row in screening.itertuples())
        raise SegmentationConfigError(
            f"every feature of segment_features is left out of the fit: {reasons}. Add features that vary between "
            "customers to the segment_features var, or raise near_constant_feature_share "
            "(1 keeps all but constant ones)."
        )
    return features


def parse_n_segments(n_segments, k_range) -> tuple[int | None, tuple[int, int]]:
    """Return (fixed K or None for auto, (k_min, k_max)) from the n_segments and segment_k_range vars."""
    k_min, k_max = check_setting("segment_k_range", k_range, SegmentationConfigError)
    k = check_setting("n_segments", n_segments, SegmentationConfigError)
    return (None if k == "auto" else k), (k_min, k_max)


def feature_matrix(frame: pd.DataFrame, features: list[str]) -> np.ndarray:
    """The raw feature values as float64; fails on infinities, which no imputation can mend."""
    if frame.empty:
        raise SegmentationConfigError(
            "customer_features is empty: there is nothing to segment. Check that the raw data loaded and "
            "that the as_of_date var is not before all activity."
        )
    values = frame[features].to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isinf(values).any():
        bad = [name for name, column in zip(features, values.T) if np.isinf(column).any()]
        raise SegmentationConfigError(f"features {bad} contain infinite values: fix them in customer_features.")
    return values


def fit_scaler(frame: pd.DataFrame, features: list[str]) -> pd.DataFrame:
    """Fit a StandardScaler; return one row per feature: feature_position, feature, mean, scale."""
    values = feature_matrix(frame, features)
    all_missing = [name for name, column in zip(features, values.T) if np.isnan(column).all()]
    if all_missing:
        raise SegmentationConfigError(
            f"features {all_missing} are null for every customer: remove them from the segment_features var."
        )
    scaler = StandardScaler().fit(values)  # ignores NaN when fitting
    return pd.DataFrame(
        {
            "feature_position": np.arange(len(features), dtype=np.int64),
            "feature": features,
            "mean": scaler.mean_.astype(np.float64),
            "scale": scaler.scale_.astype(np.float64),
        }
    )


def scaler_from_table(scaler_table: pd.DataFrame) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(features, means, scales) from a segment_scaler table, in feature_position order."""
    table = scaler_table.sort_values("feature_position")
    return (list(table["feature"]), table["mean"].to_numpy(np.float64), table["scale"].to_numpy(np.float64))


def standardize(frame: pd.DataFrame, scaler_table: pd.DataFrame) -> np.ndarray:
    """Scale the features exactly as the SQL macro does: (x - mean) / scale, missing -> 0."""
    features, means, scales = scaler_from_table(scaler_table)
    scaled = (feature_matrix(frame, features) - means) / scales
    return np.where(np.isnan(scaled), 0.0, scaled)


@dataclass
class SegmentModel:
    """A fitted K-Means with segment ids in the package's canonical order."""

    kmeans: KMeans
    order: np.ndarray  # order[new_id] = K-Means' own cluster index
    centroids: np.ndarray  # (K, n_features), scaled space, canonical order
    sizes: np.ndarray  # training customers per segment, canonical order
    # the key of each segment (canonical order): 0..K-1 for a first fit, the previous model's keys where
    # keep_previous_keys matched a segment to one it had; and the model version each key was born in
    segment_ids: np.ndarray | None = None
    origin_versions: list | None = None

    @property
    def k(self) -> int:
        return len(self.centroids)

    @property
    def ids(self) -> np.ndarray:
        return np.arange(self.k) if self.segment_ids is None else self.segment_ids

    def predict(self, scaled: np.ndarray) -> np.ndarray:
        """Segment ids for scaled rows, via scikit-learn's own predict, mapped to the segment keys."""
        inverse = np.empty_like(self.order)
        inverse[self.order] = np.arange(len(self.order))
        return self.ids[inverse[self.kmeans.predict(scaled)]]


def keep_previous_keys(model: SegmentModel, scaler_table: pd.DataFrame, previous: pd.DataFrame | None,
                       max_distance: float, highest_key: int | None = None) -> SegmentModel:
    """Give each new segment the key (segment_id) of the previous model's segment it continues.

    New and previous centroids are matched one to one by the Hungarian assignment on their Euclidean
    distance, the previous ones rescaled with the new scaler (from centroid_value, in original units). A
    pair further apart than `max_distance` standard deviations is a new segment: it gets a key above every
    key the previous model had (and above `highest_key`, the highest key any earlier model had), never a
    freed one, so a name never jumps to a different group. A previous model on other features is another
    segmentation: nothing is matched.
    """
    if previous is None or previous.empty:
        return model
    features, means, scales = scaler_from_table(scaler_table)
    previous_centroids = previous.pivot(index="segment_id", columns="feature", values="centroid_value")
    if sorted(previous_centroids.columns) != sorted(features):
        return model
    previous_scaled = (previous_centroids[features].to_numpy(np.float64) - means) / scales
    distance = np.sqrt(((model.centroids[:, None, :] - previous_scaled[None, :, :]) ** 2).sum(axis=2))
    previous_ids = previous_centroids.index.to_numpy()
    origins_by_id = (previous.groupby("segment_id")["segment_origin_version"].first().to_dict()
                     if "segment_origin_version" in previous.columns else {})
    ids = np.full(model.k, -1, dtype=np.int64)
    origins: list = [None] * model.k
    for new, old in zip(*linear_sum_assignment(distance)):
        if distance[new, old] <= max_distance:
            ids[new] = previous_ids[old]
            origins[new] = origins_by_id.get(previous_ids[old])
    next_id = max(int(previous_ids.max()), -1 if highest_key is None else int(highest_key)) + 1
    for new in range(model.k):
        if ids[new] < 0:
            ids[new], next_id = next_id, next_id + 1
    return replace(model, segment_ids=ids, origin_versions=origins)


def candidate_ks(n_rows: int, n_segments: int | None, k_range: tuple[int, int]) -> list[int]:
    """The K values to fit on n_rows customers; fails, naming the vars, when there are too few customers.

    Called by segment_scaler too, so a K the data cannot support stops the build before the scaler
    (and with it the published model) is replaced.
    """
    k_min, k_max = k_range
    if n_segments is not None:
        candidates = [n_segments]
    else:
        candidates = [k for k in range(k_min, k_max + 1) if k < n_rows]
    needed = n_segments if n_segments is not None else k_min + 1
    if n_rows < needed or not candidates:
        raise SegmentationConfigError(
            f"only {n_rows} customers to segment into {n_segments or f'{k_min}..{k_max}'} segments: "
            "lower n_segments (or segment_k_range), or widen the data window (as_of_date, raw data)."
        )
    return candidates


MINIBATCH_SIZE = 4096


def kmeans_estimator(n_clusters: int, n_rows: int, random_state: int, n_init: int,
                     minibatch_threshold: int | None = None) -> KMeans | MiniBatchKMeans:
    """K-Means (k-means++, n_init starts, fixed seed), or MiniBatchKMeans when more than
    `minibatch_threshold` rows are fitted: its cost per iteration does not grow with the rows.

    None (the default) always gives K-Means, as every fit did before the threshold existed.
    """
    if minibatch_threshold is not None and n_rows > int(minibatch_threshold):
        # 4096 rows a batch (scikit-learn's default is 1024): each centre update averages over more customers;
        # with the fixed seed the result is reproducible either way
        return MiniBatchKMeans(n_clusters=n_clusters, init="k-means++", n_init=n_init, random_state=random_state,
                               batch_size=MINIBATCH_SIZE)
    return KMeans(n_clusters=n_clusters, init="k-means++", n_init=n_init, random_state=random_state)


def fit_segments(scaled: np.ndarray, n_segments: int, random_state: int = 42, n_init: int = 10,
                 minibatch_threshold: int | None = None) -> SegmentModel:
    """Fit K-Means (k-means++, n_init starts, fixed seed) with K = n_segments; MiniBatchKMeans above
    `minibatch_threshold` rows.

    K itself is chosen upstream: an explicit n_segments var, or segment_k_selection for auto.
    """
    candidate_ks(len(scaled), n_segments, (n_segments, n_segments))
    kmeans = kmeans_estimator(n_segments, len(scaled), random_state, n_init, minibatch_threshold).fit(scaled)
    sizes = np.bincount(kmeans.labels_, minlength=n_segments)
    centers = kmeans.cluster_centers_.astype(np.float64)
    # largest first; equal sizes ordered by their centroid coordinates so the order never depends on luck
    order = np.array(sorted(range(n_segments), key=lambda index: (-sizes[index], tuple(centers[index]))))
    return SegmentModel(kmeans=kmeans, order=order, centroids=centers[order], sizes=sizes[order])


def model_version(scaler_table: pd.DataFrame, model: SegmentModel, random_state: int) -> str:
    """A content hash of everything scoring depends on: equal models get equal versions, rebuilds included."""
    features, means, scales = scaler_from_table(scaler_table)
    payload = {
        "features": features,
        "mean": [repr(float(value)) for value in means],
        "scale": [repr(float(value)) for value in scales],
        "centroids": [[repr(float(value)) for value in row] for row in model.centroids],
        "segment_ids": [int(value) for value in model.ids],
        "random_state": int(random_state),
    }
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    return f"km-{digest[:12]}"


def centroid_table(scaler_table: pd.DataFrame, model: SegmentModel, version: str) -> pd.DataFrame:
    """Long format, one row per (segment, feature): the value in scaled space and in original units."""
    features, means, scales = scaler_from_table(scaler_table)
    origins = model.origin_versions or [None] * model.k
    rows = []
    for segment_id, origin, center, size in zip(model.ids, origins, model.centroids, model.sizes):
        for position, feature in enumerate(features):
            rows.append(
                {
                    "model_version": version,
                    "segment_id": segment_id,
                    "feature_position": position,
                    "feature": feature,
                    "centroid_scaled": float(center[position]),
                    "centroid_value": float(means[position] + center[position] * scales[position]),
                    "training_customers": int(size),
                    "segment_origin_version": origin or version,
                }
            )
    table = pd.DataFrame(rows)
    return table.astype({"segment_id": "int64", "feature_position": "int64", "training_customers": "int64"})


class CentroidMatrix(NamedTuple):
    """One model version's centroids as a matrix, with the segment key of every row.

    Row i of `matrix` (scaled space, features in feature_position order) is the centroid of segment
    `segment_ids[i]`; keys ascend, so a tie between rows goes to the lowest key, as the SQL macro rules.
    Keys are not positions: a retrain that creates a segment gives keys such as 0, 1, 2, 3, 5. Numpy
    code works on row positions (nearest_positions, bootstrap resamples, threshold trees); `keys` maps
    them back, so every table written holds keys.
    """

    segment_ids: np.ndarray
    matrix: np.ndarray

    @property
    def k(self) -> int:
        return len(self.segment_ids)

    def keys(self, positions) -> np.ndarray:
        """The segment key of each row position."""
        return self.segment_ids[np.asarray(positions, dtype=np.int64)]

    def nearest_positions(self, scaled: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row position of the nearest centroid, squared distance) for every row of `scaled`."""
        return nearest_centroid(scaled, self.matrix)

    def nearest(self, scaled: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(segment key of the nearest centroid, squared distance): the scoring rule, in numpy."""
        positions, squared = self.nearest_positions(scaled)
        return self.keys(positions), squared


def centroid_matrix(centroid_table_frame: pd.DataFrame, model_version: str | None = None) -> CentroidMatrix:
    """The segment keys and centroid matrix of one model version of a segment_centroids-shaped table.

    `model_version` picks a version of a table holding several (segment_model_centroids); without it
    the table must hold one version.
    """
    table = centroid_table_frame
    if "model_version" in table.columns:
        if model_version is not None:
            table = table[table["model_version"] == model_version]
        versions = table["model_version"].unique()
        if len(versions) != 1:
            raise SegmentationConfigError(
                f"the centroid table holds {len(versions)} model versions {sorted(map(str, versions))} where one "
                "was expected: pass model_version, or rebuild segment_centroids "
                "(dbt build --select segment_centroids+)."
            )
    pivot = table.pivot(index="segment_id", columns="feature_position", values="centroid_scaled")
    pivot = pivot.sort_index().sort_index(axis=1)
    return CentroidMatrix(pivot.index.to_numpy(np.int64), pivot.to_numpy(np.float64))


def nearest_centroid(scaled: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The documented scoring rule in numpy: squared Euclidean distance, ties to the first centroid.

    Returns (row positions in `centroids`, squared distances). Used as the reference the SQL macro is
    tested against; CentroidMatrix.nearest maps the positions to segment keys.
    """
    distances = np.zeros((len(scaled), len(centroids)))
    # summed feature by feature, left to right, as the SQL expression is, so both round alike
    for position in range(centroids.shape[1]):
        difference = scaled[:, position, None] - centroids[None, :, position]
        distances = distances + difference * difference
    labels = distances.argmin(axis=1)  # argmin returns the first minimum: the lowest key
    return labels, distances[np.arange(len(scaled)), labels]
