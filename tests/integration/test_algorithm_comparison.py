"""The algorithm comparison: on clear blobs every K-based algorithm finds the K-Means partition and the scores
equal scikit-learn's recomputed here; only the centroid methods are deployable; on the demo build the table
has one row per algorithm and its K-Means and MiniBatchKMeans rows equal an independent recomputation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import AgglomerativeClustering, KMeans, MiniBatchKMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score, davies_bouldin_score, silhouette_score

from python_udfs.algorithm_comparison import ALGORITHMS, compare_algorithms
from python_udfs.segmentation import (
    SegmentationConfigError,
    centroid_matrix,
    nearest_centroid,
    standardize,
)

CENTROID_METHODS = {"kmeans", "minibatch_kmeans"}
K_BASED = [algorithm for algorithm in ALGORITHMS if algorithm != "hdbscan"]
BLOB_K = 4


@pytest.fixture(scope="module")
def blobs():
    data, _ = make_blobs(n_samples=800, n_features=5, centers=BLOB_K, cluster_std=0.6, random_state=7)
    return data


def by_algorithm(table):
    return table.set_index("algorithm")


def test_on_clear_blobs_every_algorithm_agrees_with_kmeans_and_scores_match_sklearn(blobs):
    table, labels, sample = compare_algorithms(blobs, BLOB_K, random_state=3, n_init=4, sample_size=500)
    rows = by_algorithm(table)
    assert list(table["algorithm"]) == list(ALGORITHMS)
    assert len(sample) == 500 and np.all(np.diff(sample) > 0)

    kmeans = KMeans(n_clusters=BLOB_K, init="k-means++", n_init=4, random_state=3).fit(blobs).labels_
    for algorithm in K_BASED:
        assert rows.loc[algorithm, "adjusted_rand_vs_kmeans"] >= 0.9, algorithm
        assert rows.loc[algorithm, "n_clusters"] == BLOB_K
        assert rows.loc[algorithm, "k_requested"] == BLOB_K
        assert rows.loc[algorithm, "noise_share"] == 0.0
    # HDBSCAN finds the four blobs on its own, with little noise
    assert rows.loc["hdbscan", "n_clusters"] == BLOB_K and pd.isna(rows.loc["hdbscan", "k_requested"])
    assert rows.loc["hdbscan", "noise_share"] < 0.2
    assert rows.loc["hdbscan", "adjusted_rand_vs_kmeans"] >= 0.8

    # the full-data algorithms are scored on the sample rows of their labels, recomputed here
    assert rows.loc["kmeans", "adjusted_rand_vs_kmeans"] == 1.0
    assert rows.loc["kmeans", "silhouette"] == pytest.approx(silhouette_score(blobs[sample], kmeans[sample]), abs=1e-12)
    assert rows.loc["kmeans", "davies_bouldin"] == pytest.approx(davies_bouldin_score(blobs[sample], kmeans[sample]),
                                                                 abs=1e-12)
    for algorithm in ("minibatch_kmeans", "gaussian_mixture", "birch"):
        assert rows.loc[algorithm, "rows_fitted"] == len(blobs) and len(labels[algorithm]) == len(blobs)
        assert rows.loc[algorithm, "silhouette"] == pytest.approx(
            silhouette_score(blobs[sample], labels[algorithm][sample]), abs=1e-12)
        assert rows.loc[algorithm, "adjusted_rand_vs_kmeans"] == pytest.approx(
            adjusted_rand_score(kmeans, labels[algorithm]), abs=1e-12)

    # Ward is fitted on the sample only; recomputed here from scratch
    ward = AgglomerativeClustering(n_clusters=BLOB_K, linkage="ward").fit_predict(blobs[sample])
    assert rows.loc["ward_agglomerative", "rows_fitted"] == 500
    assert rows.loc["ward_agglomerative", "silhouette"] == pytest.approx(
        silhouette_score(blobs[sample], ward), abs=1e-12)
    assert rows.loc["ward_agglomerative", "adjusted_rand_vs_kmeans"] == pytest.approx(
        adjusted_rand_score(kmeans[sample], ward), abs=1e-12)
    # HDBSCAN's silhouette leaves its noise out
    hdbscan = labels["hdbscan"]
    kept = hdbscan >= 0
    assert rows.loc["hdbscan", "rows_scored"] == kept.sum()
    assert rows.loc["hdbscan", "silhouette"] == pytest.approx(silhouette_score(blobs[sample][kept], hdbscan[kept]),
                                                              abs=1e-12)
    assert (table["fit_seconds"] >= 0).all()


def test_only_the_centroid_methods_are_deployable(blobs):
    table, _, _ = compare_algorithms(blobs, BLOB_K, random_state=0, n_init=2, sample_size=300)
    assert set(table.loc[table["deployable"], "algorithm"]) == CENTROID_METHODS
    assert table["deployable_reason"].str.len().gt(20).all()
    not_deployable = table.loc[~table["deployable"], "deployable_reason"]
    assert not_deployable.str.contains("not deployable through assign_segment").all()


def test_every_column_but_fit_time_is_identical_on_a_rerun(blobs):
    first, _, _ = compare_algorithms(blobs, BLOB_K, random_state=5, n_init=2, sample_size=300)
    second, _, _ = compare_algorithms(blobs, BLOB_K, random_state=5, n_init=2, sample_size=300)
    assert first.drop(columns="fit_seconds").equals(second.drop(columns="fit_seconds"))


def test_bad_settings_name_the_fix(blobs):
    with pytest.raises(SegmentationConfigError, match="comparison_sample_size"):
        compare_algorithms(blobs, BLOB_K, sample_size=1)
    with pytest.raises(SegmentationConfigError, match="n_segments"):
        compare_algorithms(blobs[:3], 5)


def test_demo_table_has_one_row_per_algorithm_and_matches_a_recomputation(demo_build):
    table = demo_build.query("select * from segment_algorithm_comparison order by algorithm_position")
    assert list(table["algorithm"]) == list(ALGORITHMS)
    rows = by_algorithm(table)
    centroids = demo_build.query("select * from segment_centroids")
    k = centroids["segment_id"].nunique()
    assert (table["model_version"] == centroids["model_version"].iloc[0]).all()
    assert rows.loc["kmeans", "adjusted_rand_vs_kmeans"] == 1.0
    assert set(table.loc[table["deployable"], "algorithm"]) == CENTROID_METHODS
    assert set(rows.loc[K_BASED, "n_clusters"]) == {k}
    assert rows.loc["ward_agglomerative", "rows_fitted"] == rows.loc["hdbscan", "rows_fitted"] == 5000
    assert (table["fit_seconds"] > 0).all()

    # independent recomputation with the project's defaults (random_state 42, 10 starts, 5,000-row sample)
    features = demo_build.query("select * from customer_features order by customer_id")
    scaler = demo_build.query("select * from segment_scaler order by feature_position")
    scaled = standardize(features, scaler)
    sample = np.sort(np.random.default_rng(42).choice(len(scaled), size=5000, replace=False))
    kmeans = KMeans(n_clusters=k, init="k-means++", n_init=10, random_state=42).fit_predict(scaled)
    deployed, _ = nearest_centroid(scaled, centroid_matrix(centroids).matrix)
    assert adjusted_rand_score(deployed, kmeans) == 1.0  # the comparison's K-Means is the deployed model
    minibatch = MiniBatchKMeans(n_clusters=k, init="k-means++", n_init=10, random_state=42).fit_predict(scaled)
    for algorithm, labels in (("kmeans", kmeans), ("minibatch_kmeans", minibatch)):
        row = rows.loc[algorithm]
        assert row["rows_fitted"] == len(scaled) and row["rows_scored"] == 5000
        assert row["noise_share"] == 0.0 and row["k_requested"] == k
        assert row["silhouette"] == pytest.approx(silhouette_score(scaled[sample], labels[sample]), abs=1e-9)
        assert row["davies_bouldin"] == pytest.approx(davies_bouldin_score(scaled[sample], labels[sample]), abs=1e-9)
        assert row["adjusted_rand_vs_kmeans"] == pytest.approx(adjusted_rand_score(kmeans, labels), abs=1e-12)
    # on the planted archetypes the centroid methods agree
    assert rows.loc["minibatch_kmeans", "adjusted_rand_vs_kmeans"] >= 0.9
