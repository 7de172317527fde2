"""Choose the number of segments K from evidence, and keep the evidence as a table.

For every K in a range, K-Means is fitted exactly as the segmentation fits it (k-means++, `n_init` starts,
fixed seed) and scored by:

- inertia (within-segment sum of squares), with the elbow located by the kneedle rule (Satopää et al.
  2011, through the `kneed` package);
- mean silhouette, exact up to `silhouette_sample_size` customers and on a fixed-seed sample beyond;
- Davies-Bouldin (lower is better) and Calinski-Harabasz (higher is better);
- the gap statistic and its standard error (Tibshirani, Walther & Hastie 2001): B reference sets drawn
  uniformly over the box aligned with the data's principal components, gap(K) = E*[log W*_K] - log W_K,
  s_K = sd(log W*_K) * sqrt(1 + 1/B). It is computed on a fixed-seed sample of `gap_sample_size`
  customers (data and reference sets the same size), which keeps B x K fits affordable.

The choice (documented in the README, "Reading your segments"):

1. gap rule: the smallest K of {1} + the range with gap(K) >= gap(K+1) - s_{K+1} (Tibshirani's
   one-standard-error rule; the largest K of the range counts as meeting it). K = 1 is scored by the gap
   too (W_1 is the total sum of squares), so data without cluster structure can say so;
2. reconciled with silhouette: the gap rule's K is where more segments stop paying, so it bounds K from
   above; among the K of the range up to it, the one with the best mean silhouette (the best-separated
   partition) is chosen, ties to the smaller K. When the gap rule says K = 1 (no structure) the smallest
   K of the range is used and the reason says so; the stability verdicts then show how weak it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

from python_udfs.segmentation import SegmentationConfigError, kmeans_estimator
from python_udfs.threads import single_threaded

METRICS = (
    "inertia",
    "inertia_elbow",
    "silhouette",
    "silhouette_sample_size",
    "davies_bouldin",
    "calinski_harabasz",
    "gap",
    "gap_se",
    "gap_sample_size",
    "gap_reference_sets",
)


@dataclass
class KSelection:
    """The evidence per K and the K the rule picks, with the reason in words."""

    table: pd.DataFrame  # one row per (k, metric): k, metric, value, chosen, rule_chosen, reason
    rule_k: int
    chosen_k: int
    reason: str


def pca_box_references(data: np.ndarray, n_references: int, rng: np.random.Generator) -> list[np.ndarray]:
    """B reference sets drawn uniformly over the principal-component-aligned bounding box of `data`.

    Tibshirani et al.'s second method: rotate the centred data onto its principal axes (SVD), draw uniformly
    within the range of each rotated column, rotate back and re-centre.
    """
    centre = data.mean(axis=0)
    centred = data - centre
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    rotated = centred @ components.T
    low, high = rotated.min(axis=0), rotated.max(axis=0)
    references = []
    for _ in range(n_references):
        uniform = rng.uniform(low, high, size=rotated.shape)
        references.append(uniform @ components + centre)
    return references


def gap_statistic(
    data: np.ndarray, ks: list[int], n_references: int, random_state: int, n_init: int
) -> tuple[dict[int, float], dict[int, float]]:
    """(gap by K, standard error s_K by K) as Tibshirani, Walther & Hastie define them."""
    rng = np.random.default_rng(random_state)
    references = pca_box_references(data, n_references, rng)
    gaps, errors = {}, {}
    for k in ks:
        log_w = np.log(_within_sum_of_squares(data, k, random_state, n_init))
        log_w_references = np.array(
            [np.log(_within_sum_of_squares(reference, k, random_state, n_init)) for reference in references]
        )
        gaps[k] = float(log_w_references.mean() - log_w)
        # sd with 1/B, as in the paper, then the simulation-error correction sqrt(1 + 1/B)
        errors[k] = float(log_w_references.std() * np.sqrt(1.0 + 1.0 / n_references))
    return gaps, errors


def _within_sum_of_squares(data: np.ndarray, k: int, random_state: int, n_init: int) -> float:
    """W_k: the pooled within-cluster sum of squares around each cluster's own mean (the paper's definition;
    scikit-learn's inertia_ is measured to its last centres, which differ slightly when Lloyd stops early)."""
    if k == 1:
        labels = np.zeros(len(data), dtype=np.int64)
    else:
        labels = KMeans(n_clusters=k, init="k-means++", n_init=n_init, random_state=random_state).fit(data).labels_
    return sum(float(((data[labels == label] - data[labels == label].mean(axis=0)) ** 2).sum())
               for label in np.unique(labels))


def gap_rule(ks: list[int], gaps: dict[int, float], errors: dict[int, float]) -> int:
    """The smallest K with gap(K) >= gap(K+1) - s_{K+1}; the largest K if none is."""
    ordered = sorted(ks)
    for k, following in zip(ordered, ordered[1:]):
        if gaps[k] >= gaps[following] - errors[following]:
            return k
    return ordered[-1]


def inertia_elbow(ks: list[int], inertias: dict[int, float]) -> int | None:
    """The kneedle elbow of the decreasing, convex inertia curve; None when it has no knee."""
    from kneed import KneeLocator  # imported here: only K selection needs it

    ordered = sorted(ks)
    if len(ordered) < 3:
        return None
    locator = KneeLocator(ordered, [inertias[k] for k in ordered], curve="convex", direction="decreasing")
    return None if locator.knee is None else int(locator.knee)


@single_threaded
def select_k(
    scaled: np.ndarray,
    k_range: tuple[int, int],
    fixed_k: int | None = None,
    random_state: int = 42,
    n_init: int = 10,
    silhouette_sample_size: int = 5000,
    gap_reference_sets: int = 10,
    gap_sample_size: int = 5000,
    gap_n_init: int = 3,
    minibatch_threshold: int | None = None,
) -> KSelection:
    """Score every K of `k_range` (and `fixed_k`, if set outside it) and choose K by the documented rule."""
    n_rows = len(scaled)
    k_min, k_max = k_range
    ks = sorted({k for k in range(k_min, k_max + 1) if k < n_rows} | ({fixed_k} if fixed_k else set()))
    if fixed_k is not None and fixed_k > n_rows:
        raise SegmentationConfigError(
            f"only {n_rows} customers to segment into {fixed_k} segments: lower n_segments, or widen the data "
            "window (as_of_date, raw data)."
        )
    if len(ks) < 2 and fixed_k is None:
        raise SegmentationConfigError(
            f"only {n_rows} customers to segment into {k_min}..{k_max} segments: lower segment_k_range, or widen "
            "the data window (as_of_date, raw data)."
        )
    if gap_reference_sets < 1:
        raise SegmentationConfigError(
            f"gap_reference_sets is {gap_reference_sets}: the gap statistic needs at least 1 reference set (10 is usual)."
        )

    inertias, silhouettes, davies_bouldin, calinski_harabasz = {}, {}, {}, {}
    silhouette_n = min(n_rows, silhouette_sample_size)
    for k in ks:
        # the same estimator segment_centroids fits, so the K chosen here is the K of the deployed algorithm
        kmeans = kmeans_estimator(k, n_rows, random_state, n_init, minibatch_threshold).fit(scaled)
        labels = kmeans.labels_
        inertias[k] = float(kmeans.inertia_)
        if len(np.unique(labels)) < 2:  # degenerate data: every customer in one segment
            silhouettes[k], davies_bouldin[k], calinski_harabasz[k] = -1.0, np.nan, np.nan
            continue
        sample = silhouette_sample_size if n_rows > silhouette_sample_size else None
        silhouettes[k] = float(silhouette_score(scaled, labels, sample_size=sample, random_state=random_state))
        davies_bouldin[k] = float(davies_bouldin_score(scaled, labels))
        calinski_harabasz[k] = float(calinski_harabasz_score(scaled, labels))

    if n_rows > gap_sample_size:
        picked = np.sort(np.random.default_rng(random_state).choice(n_rows, size=gap_sample_size, replace=False))
        gap_data = scaled[picked]
    else:
        gap_data = scaled
    gaps, errors = gap_statistic(gap_data, [1, *ks], gap_reference_sets, random_state, gap_n_init)
    elbow = inertia_elbow(ks, inertias)

    range_ks = [k for k in ks if k_min <= k <= k_max]
    rule_k, reason = _choose(range_ks, gaps, errors, silhouettes, elbow)
    inertias[1] = float(((scaled - scaled.mean(axis=0)) ** 2).sum())
    chosen_k = fixed_k if fixed_k is not None else rule_k
    if fixed_k is not None:
        reason = (f"n_segments = {fixed_k} is set explicitly and overrides the rule, which would choose K = {rule_k}: "
                  + reason)

    rows = []
    for k in [1, *ks]:
        values = {
            "inertia": inertias[k],
            "gap": gaps[k],
            "gap_se": errors[k],
            "gap_sample_size": float(len(gap_data)),
            "gap_reference_sets": float(gap_reference_sets),
        }
        if k > 1:  # K = 1 is scored by the gap only: a partition measure needs two segments
            values.update({
                "inertia_elbow": 1.0 if k == elbow else 0.0,
                "silhouette": silhouettes[k],
                "silhouette_sample_size": float(silhouette_n),
                "davies_bouldin": davies_bouldin[k],
                "calinski_harabasz": calinski_harabasz[k],
            })
        for metric in METRICS:
            if metric not in values or np.isnan(values[metric]):
                continue
            rows.append({
                "k": k,
                "metric": metric,
                "value": float(values[metric]),
                "chosen": k == chosen_k,
                "rule_chosen": k == rule_k,
                "reason": reason if k == chosen_k else None,
            })
    table = pd.DataFrame(rows).astype({"k": "int32", "value": "float64", "chosen": "bool", "rule_chosen": "bool"})
    table["reason"] = table["reason"].astype("object")
    return KSelection(table=table, rule_k=rule_k, chosen_k=chosen_k, reason=reason)


def _choose(ks, gaps, errors, silhouettes, elbow) -> tuple[int, str]:
    gap_k = gap_rule([1, *ks], gaps, errors)
    elbow_text = f"the inertia elbow (kneedle) is at K = {elbow}" if elbow else "the inertia curve has no clear elbow"
    gap_text = f"gap rule (smallest K with gap(K) >= gap(K+1) - s(K+1)) gives K = {gap_k}"
    if gap_k == 1:
        return ks[0], (f"{gap_text}: no cluster structure, so the smallest K of the range, {ks[0]}, is used "
                       f"(check segment_stability); {elbow_text}.")
    allowed = [k for k in ks if k <= gap_k]
    best = max(allowed, key=lambda k: (silhouettes[k], -k))
    return best, (f"{gap_text}; among K <= {gap_k} the best mean silhouette is at K = {best} "
                  f"({silhouettes[best]:.3f}); {elbow_text}.")


def chosen_k_from_table(table: pd.DataFrame) -> int:
    """The K a segment_k_selection table marks as chosen (what `n_segments: auto` fits)."""
    chosen = sorted(set(table.loc[table["chosen"].astype(bool), "k"].astype(int)))
    if len(chosen) != 1:
        raise SegmentationConfigError(
            f"segment_k_selection marks {len(chosen)} K values as chosen ({chosen}); rebuild it "
            "(dbt build --select segment_k_selection+)."
        )
    return chosen[0]

