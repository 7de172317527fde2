"""Compare K-Means with other clustering algorithms on the same scaled customers, as one table.

At the fitted K (HDBSCAN finds its own number of clusters), six algorithms are fitted on the scaled
features:

- K-Means, exactly as the segmentation fits it (k-means++, `n_init` starts, fixed seed), on every customer;
- MiniBatchKMeans (same K, starts and seed), on every customer;
- a Gaussian mixture (full covariances, same K and seed), on every customer;
- BIRCH (default threshold and branching factor, its subclusters merged into K), on every customer;
- Ward agglomerative clustering and HDBSCAN on a fixed-seed sample of at most `sample_size` customers:
  Ward is O(n^2) in memory and time, and HDBSCAN took 14 s on all 20,000 demo customers against 0.1 s on
  the 5,000-customer sample (single-threaded, measured on the 2-core CI-sized machine).
  HDBSCAN's smallest cluster is 1 % of the rows it fits (at least 5), so a cluster is a real group.

Every score is measured so that the rows compare:

- silhouette and Davies-Bouldin on one fixed-seed evaluation sample (the same rows for every algorithm,
  the Ward/HDBSCAN sample; exact silhouette, no further sampling). HDBSCAN's noise rows are left out of
  both (noise is not a cluster), and either is null when fewer than two clusters remain;
- adjusted Rand index against the K-Means labels on the rows the algorithm fitted (HDBSCAN's noise counts
  as one group, so labelling many customers noise lowers its ARI);
- fit time in seconds (wall clock around the fit alone): the one column that changes between rebuilds.

Only centroid-based results can be deployed: `assign_segment` scores a customer by the nearest centroid,
which reproduces K-Means' and MiniBatchKMeans' own assignments; the other algorithms assign by other rules.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from sklearn.cluster import HDBSCAN, AgglomerativeClustering, Birch, KMeans, MiniBatchKMeans
from sklearn.metrics import adjusted_rand_score, davies_bouldin_score, silhouette_score
from sklearn.mixture import GaussianMixture

from python_udfs.segmentation import SegmentationConfigError
from python_udfs.settings_schema import check_setting
from python_udfs.threads import single_threaded

ALGORITHMS = ("kmeans", "minibatch_kmeans", "gaussian_mixture", "birch", "ward_agglomerative", "hdbscan")
DEPLOYABLE = ("kmeans", "minibatch_kmeans")
SAMPLED = ("ward_agglomerative", "hdbscan")
DEPLOYABLE_REASONS = {
    "kmeans": "centroid-based: assign_segment's nearest-centroid rule reproduces its assignments (the deployed model)",
    "minibatch_kmeans": "centroid-based: its centres could be written to segment_centroids and scored by "
                        "assign_segment's nearest-centroid rule",
    "gaussian_mixture": "not deployable through assign_segment: it assigns by the highest posterior under "
                        "per-component covariances and weights, not by the nearest centroid",
    "birch": "not deployable through assign_segment: it assigns through its subcluster tree merged by "
             "agglomerative clustering, not by the nearest of K centroids",
    "ward_agglomerative": "not deployable through assign_segment: a hierarchical merge of the sample has no "
                          "centroids or rule for new customers (and is fitted on a sample only)",
    "hdbscan": "not deployable through assign_segment: density-based, with noise and no centroids; its "
               "number of clusters is found, not K",
}
COLUMNS = ("algorithm", "algorithm_position", "k_requested", "n_clusters", "silhouette", "davies_bouldin",
           "adjusted_rand_vs_kmeans", "noise_share", "rows_fitted", "rows_scored", "fit_seconds", "deployable",
           "deployable_reason")


def evaluation_sample(n_rows: int, sample_size: int, random_state: int) -> np.ndarray:
    """Row positions of the fixed-seed sample (all rows, in order, when there are no more than sample_size)."""
    if n_rows <= sample_size:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(random_state).choice(n_rows, size=sample_size, replace=False))


def hdbscan_min_cluster_size(n_rows: int) -> int:
    """1 % of the rows fitted, at least 5 (scikit-learn's default): smaller groups are noise, not segments."""
    return max(5, round(0.01 * n_rows))


@single_threaded
def compare_algorithms(
    scaled: np.ndarray,
    n_segments: int,
    random_state: int = 42,
    n_init: int = 10,
    sample_size: int = 5000,
) -> tuple[pd.DataFrame, dict[str, np.ndarray], np.ndarray]:
    """(the comparison table, one row per algorithm; each algorithm's labels on the rows it fitted; the
    sample's row positions). Rows of `scaled` must come in a fixed order (customer_id) for identical rebuilds."""
    n_rows = len(scaled)
    check_setting("comparison_sample_size", sample_size, SegmentationConfigError)
    if not 2 <= n_segments <= n_rows:
        raise SegmentationConfigError(
            f"{n_rows} customers cannot be compared at K = {n_segments}: K must be between 2 and the number of "
            "customers; rebuild segment_centroids with a valid n_segments."
        )
    sample = evaluation_sample(n_rows, sample_size, random_state)
    on_sample = scaled[sample]

    fits = {
        "kmeans": (scaled, lambda: KMeans(n_clusters=n_segments, init="k-means++", n_init=n_init,
                                          random_state=random_state)),
        "minibatch_kmeans": (scaled, lambda: MiniBatchKMeans(n_clusters=n_segments, init="k-means++", n_init=n_init,
                                                             random_state=random_state)),
        "gaussian_mixture": (scaled, lambda: GaussianMixture(n_components=n_segments, covariance_type="full",
                                                             random_state=random_state)),
        "birch": (scaled, lambda: Birch(n_clusters=n_segments)),
        # the SAMPLED algorithms
        "ward_agglomerative": (on_sample, lambda: AgglomerativeClustering(n_clusters=n_segments, linkage="ward")),
        "hdbscan": (on_sample, lambda: HDBSCAN(min_cluster_size=hdbscan_min_cluster_size(len(on_sample)), copy=True)),
    }
    labels, seconds = {}, {}
    for algorithm in ALGORITHMS:
        data, make = fits[algorithm]
        estimator = make()
        started = time.perf_counter()
        labels[algorithm] = np.asarray(estimator.fit_predict(data), dtype=np.int64)
        seconds[algorithm] = time.perf_counter() - started

    kmeans_on_sample = labels["kmeans"][sample]
    rows = []
    for position, algorithm in enumerate(ALGORITHMS):
        fitted = labels[algorithm]
        on_evaluation = fitted if algorithm in SAMPLED else fitted[sample]
        reference = kmeans_on_sample if algorithm in SAMPLED else labels["kmeans"]
        clustered = on_evaluation >= 0  # HDBSCAN marks noise -1; every other algorithm labels every row
        silhouette, davies_bouldin = _separation(on_sample[clustered], on_evaluation[clustered])
        rows.append({
            "algorithm": algorithm,
            "algorithm_position": position,
            "k_requested": None if algorithm == "hdbscan" else n_segments,
            "n_clusters": len(np.unique(fitted[fitted >= 0])),
            "silhouette": silhouette,
            "davies_bouldin": davies_bouldin,
            "adjusted_rand_vs_kmeans": float(adjusted_rand_score(reference, fitted)),
            "noise_share": float((fitted < 0).mean()),
            "rows_fitted": len(fitted),
            "rows_scored": int(clustered.sum()),
            "fit_seconds": float(seconds[algorithm]),
            "deployable": algorithm in DEPLOYABLE,
            "deployable_reason": DEPLOYABLE_REASONS[algorithm],
        })
    table = pd.DataFrame(rows, columns=list(COLUMNS)).astype({
        "algorithm_position": "int32", "k_requested": "Int32", "n_clusters": "int32", "silhouette": "float64",
        "davies_bouldin": "float64", "adjusted_rand_vs_kmeans": "float64", "noise_share": "float64",
        "rows_fitted": "int64", "rows_scored": "int64", "fit_seconds": "float64", "deployable": "bool",
    })
    return table, labels, sample


def _separation(data: np.ndarray, labels: np.ndarray) -> tuple[float | None, float | None]:
    """(exact silhouette, Davies-Bouldin) of a labelling, or (None, None) where they are undefined."""
    n_labels = len(np.unique(labels))
    if n_labels < 2 or n_labels >= len(labels):
        return None, None
    return float(silhouette_score(data, labels)), float(davies_bouldin_score(data, labels))
