"""Are the segments real? Bootstrap stability of a K-Means segmentation (Hennig's clusterboot method).

B resamples of the customers are drawn with replacement (fixed seed). K-Means with the same K is refitted
on each, and its partition of the customers that the resample holds is compared with the full fit's
partition of the same customers:

- the adjusted Rand index (scikit-learn) of the two partitions;
- per full-fit segment C, the Jaccard similarity |C ∩ D| / |C ∪ D| to its most similar resample segment
  D, both restricted to the resampled customers (Hennig 2007, "Cluster-wise assessment of cluster
  stability").

A segment's verdict comes from its mean Jaccard over the B resamples: `stable` from 0.75, `doubtful` from
0.6, `unstable` below (Hennig's reading: below 0.6 a segment is not to be trusted, from 0.75 it is). The
spread of the K-Means objective across single random starts on the full data is recorded alongside: a
wide spread means the fit depends on its start, which the n_init restarts are there to absorb.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from python_udfs.segmentation import SegmentationConfigError, kmeans_estimator
from python_udfs.settings_schema import check_setting
from python_udfs.threads import single_threaded

STABLE_JACCARD = 0.75
DOUBTFUL_JACCARD = 0.6


def verdict(mean_jaccard: float, stable: float = STABLE_JACCARD, doubtful: float = DOUBTFUL_JACCARD) -> str:
    """stable (>= 0.75), doubtful (0.6 to 0.75) or unstable (< 0.6)."""
    if mean_jaccard >= stable:
        return "stable"
    if mean_jaccard >= doubtful:
        return "doubtful"
    return "unstable"


def best_match_jaccard(reference: np.ndarray, other: np.ndarray, k: int) -> np.ndarray:
    """For each reference segment 0..k-1, the Jaccard similarity to its most similar segment of `other`.

    A reference segment absent from the rows compared scores 0 (it was dissolved by the resample).
    """
    other_ids = np.unique(other)
    # contingency[c, d] = customers in reference segment c and other segment d
    contingency = np.zeros((k, len(other_ids)))
    np.add.at(contingency, (reference, np.searchsorted(other_ids, other)), 1.0)
    reference_sizes = contingency.sum(axis=1, keepdims=True)
    other_sizes = contingency.sum(axis=0, keepdims=True)
    union = reference_sizes + other_sizes - contingency
    jaccard = np.divide(contingency, union, out=np.zeros_like(contingency), where=union > 0)
    return jaccard.max(axis=1)


@single_threaded
def bootstrap_stability(
    scaled: np.ndarray,
    labels: np.ndarray,
    segment_ids: np.ndarray,
    n_bootstrap: int = 20,
    random_state: int = 42,
    n_init: int = 3,
    n_starts: int = 10,
    minibatch_threshold: int | None = None,
) -> pd.DataFrame:
    """One row per segment: mean/min Jaccard, verdict, mean ARI, and the inertia spread across random starts.

    `labels` is the full fit's segment of every row of `scaled` as a position into `segment_ids`, the
    segment keys (CentroidMatrix.nearest_positions and .segment_ids); the table speaks in those keys.
    """
    segment_ids = np.asarray(segment_ids, dtype=np.int64)
    k = len(segment_ids)
    check_setting("stability_bootstrap_samples", n_bootstrap, SegmentationConfigError)
    check_setting("stability_random_starts", n_starts, SegmentationConfigError)
    n_rows = len(scaled)
    rng = np.random.default_rng(random_state)
    jaccards = np.zeros((n_bootstrap, k))
    rand_indices = np.zeros(n_bootstrap)
    for b in range(n_bootstrap):
        drawn = rng.integers(0, n_rows, size=n_rows)
        # the deployed algorithm (MiniBatchKMeans above minibatch_threshold rows) is the one whose stability counts
        kmeans = kmeans_estimator(k, n_rows, random_state + 1 + b, n_init, minibatch_threshold)
        kmeans.fit(scaled[drawn])
        # compare on each resampled customer once (duplicates would weight them twice)
        present = np.unique(drawn)
        resample_labels = kmeans.predict(scaled[present])
        rand_indices[b] = adjusted_rand_score(labels[present], resample_labels)
        jaccards[b] = best_match_jaccard(labels[present], resample_labels, k)

    start_inertias = np.array([
        kmeans_estimator(k, n_rows, random_state + start, 1, minibatch_threshold).fit(scaled).inertia_
        for start in range(n_starts)
    ])
    sizes = np.bincount(labels, minlength=k)
    mean_jaccard = jaccards.mean(axis=0)
    table = pd.DataFrame({
        "segment_id": segment_ids.astype(np.int32),
        "training_customers": sizes.astype(np.int64),
        "mean_jaccard": mean_jaccard,
        "min_jaccard": jaccards.min(axis=0),
        "verdict": [verdict(value) for value in mean_jaccard],
        "mean_adjusted_rand": float(rand_indices.mean()),
        "min_adjusted_rand": float(rand_indices.min()),
        "bootstrap_samples": np.int64(n_bootstrap),
        "random_starts": np.int64(n_starts),
        "inertia_start_min": float(start_inertias.min()),
        "inertia_start_max": float(start_inertias.max()),
        "inertia_start_relative_spread": float((start_inertias.max() - start_inertias.min()) / start_inertias.min()),
    })
    return table

