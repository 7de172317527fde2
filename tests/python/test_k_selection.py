"""K selection, stability and rules on small fixed data sets, checked against independent computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.decomposition import PCA

from python_udfs.explain import fit_rules, partition_cost, rule_table, sql_number
from python_udfs.k_selection import (
    chosen_k_from_table,
    gap_rule,
    gap_statistic,
    inertia_elbow,
    pca_box_references,
    select_k,
)
from python_udfs.segmentation import SegmentationConfigError, nearest_centroid
from python_udfs.stability import best_match_jaccard, bootstrap_stability, verdict


@pytest.fixture(scope="module")
def four_blobs() -> tuple[np.ndarray, np.ndarray]:
    data, truth = make_blobs(n_samples=600, centers=4, n_features=3, cluster_std=0.6, random_state=7)
    return data, truth


@pytest.fixture(scope="module")
def one_blob() -> np.ndarray:
    return np.random.default_rng(3).normal(size=(600, 2))


def numpy_silhouette(data: np.ndarray, labels: np.ndarray) -> float:
    """Rousseeuw's silhouette written out: (b - a) / max(a, b), averaged over every point."""
    distances = np.sqrt(((data[:, None, :] - data[None, :, :]) ** 2).sum(axis=2))
    scores = []
    for index, label in enumerate(labels):
        same = labels == label
        a = distances[index, same].sum() / (same.sum() - 1)
        b = min(distances[index, labels == other].mean() for other in np.unique(labels) if other != label)
        scores.append((b - a) / max(a, b))
    return float(np.mean(scores))


def test_silhouette_and_scores_match_an_independent_computation(four_blobs):
    data, _ = four_blobs
    selection = select_k(data, (2, 6), random_state=0, n_init=4, gap_reference_sets=3)
    wide = selection.table.pivot(index="k", columns="metric", values="value")
    for k in (2, 4, 6):
        kmeans = KMeans(n_clusters=k, n_init=4, random_state=0).fit(data)
        labels, centres = kmeans.labels_, kmeans.cluster_centers_
        assert wide.loc[k, "silhouette"] == pytest.approx(numpy_silhouette(data, labels), abs=1e-9)
        assert wide.loc[k, "inertia"] == pytest.approx(((data - centres[labels]) ** 2).sum(), rel=1e-9)
    assert (wide.loc[2:, "silhouette_sample_size"] == len(data)).all()  # exact below the sample size


def test_silhouette_is_sampled_above_the_sample_size_and_the_size_is_recorded(four_blobs):
    data, _ = four_blobs
    table = select_k(data, (3, 4), silhouette_sample_size=200, gap_reference_sets=2).table
    assert set(table.loc[table["metric"] == "silhouette_sample_size", "value"]) == {200.0}


def test_pca_box_references_fill_the_principal_axis_box_of_the_data(four_blobs):
    data, _ = four_blobs
    references = pca_box_references(data, 3, np.random.default_rng(0))
    pca = PCA().fit(data)  # independent axes; a flipped sign flips data and references alike
    projected = pca.transform(data)
    low, high = projected.min(axis=0), projected.max(axis=0)
    for reference in references:
        assert reference.shape == data.shape
        rotated = pca.transform(reference)
        assert (rotated.min(axis=0) >= low - 1e-9).all() and (rotated.max(axis=0) <= high + 1e-9).all()
        # uniform: fills the box, centred in it, flat (variance of a uniform on [l, h] is (h - l)^2 / 12)
        assert ((rotated.max(axis=0) - rotated.min(axis=0)) > 0.95 * (high - low)).all()
        np.testing.assert_allclose(rotated.var(axis=0), (high - low) ** 2 / 12, rtol=0.25)


def test_gap_statistic_matches_an_independent_computation(four_blobs):
    data, _ = four_blobs
    ks, references_count, seed = [1, 2, 3, 4, 5], 4, 11
    gaps, errors = gap_statistic(data, ks, references_count, seed, n_init=3)
    references = pca_box_references(data, references_count, np.random.default_rng(seed))

    def log_w(points: np.ndarray, k: int) -> float:
        if k == 1:
            labels = np.zeros(len(points), dtype=int)
        else:
            labels = KMeans(n_clusters=k, n_init=3, random_state=seed).fit(points).labels_
        # W_k = sum over clusters of D_r / (2 n_r) = within-cluster sum of squares (Tibshirani et al., eq. 2)
        return np.log(sum(
            ((points[labels == r][:, None, :] - points[labels == r][None, :, :]) ** 2).sum() / (2 * (labels == r).sum())
            for r in np.unique(labels)))

    for k in ks:
        reference_logs = np.array([log_w(reference, k) for reference in references])
        assert gaps[k] == pytest.approx(reference_logs.mean() - log_w(data, k), abs=1e-9)
        spread = np.sqrt(((reference_logs - reference_logs.mean()) ** 2).mean())
        assert errors[k] == pytest.approx(spread * np.sqrt(1 + 1 / references_count), abs=1e-9)


def test_gap_rule_is_the_one_standard_error_rule():
    gaps = {1: 0.1, 2: 0.5, 3: 0.9, 4: 0.95, 5: 0.97}
    errors = {1: 0.02, 2: 0.02, 3: 0.02, 4: 0.1, 5: 0.02}
    assert gap_rule([1, 2, 3, 4, 5], gaps, errors) == 3  # 0.9 >= 0.95 - 0.1
    errors[4] = 0.01
    assert gap_rule([1, 2, 3, 4, 5], gaps, errors) == 4  # 0.95 >= 0.97 - 0.02
    assert gap_rule([1, 2], {1: 0.1, 2: 0.2}, {1: 0.01, 2: 0.01}) == 2  # the largest K when none stops


def test_kneedle_finds_the_elbow_of_an_inertia_curve():
    inertias = {1: 1000.0, 2: 600.0, 3: 250.0, 4: 120.0, 5: 110.0, 6: 102.0, 7: 97.0, 8: 93.0}
    assert inertia_elbow(list(inertias), inertias) == 4


def test_planted_clusters_are_chosen_and_the_table_has_the_promised_shape(four_blobs):
    data, _ = four_blobs
    selection = select_k(data, (2, 8), random_state=0, n_init=4, gap_reference_sets=5)
    assert selection.chosen_k == 4 and selection.rule_k == 4
    table = selection.table
    assert not table.duplicated(["k", "metric"]).any()
    assert table.groupby("k")["chosen"].nunique().eq(1).all()
    assert table.loc[table["chosen"], "reason"].notna().all() and table.loc[~table["chosen"], "reason"].isna().all()
    assert set(table.loc[table["k"] == 1, "metric"]) == {"inertia", "gap", "gap_se", "gap_sample_size",
                                                         "gap_reference_sets"}
    assert {"silhouette", "davies_bouldin", "calinski_harabasz", "gap", "gap_se", "inertia_elbow"} <= set(
        table.loc[table["k"] == 4, "metric"])
    assert chosen_k_from_table(table) == 4
    # the same inputs give the same table, bit for bit
    pd.testing.assert_frame_equal(table, select_k(data, (2, 8), random_state=0, n_init=4, gap_reference_sets=5).table)


def test_an_explicit_k_overrides_the_rule_and_still_shows_where_it_stands(four_blobs):
    data, _ = four_blobs
    selection = select_k(data, (2, 5), fixed_k=7, random_state=0, n_init=2, gap_reference_sets=3)
    table = selection.table
    assert selection.chosen_k == 7 and selection.rule_k == 4
    assert set(table.loc[table["chosen"], "k"]) == {7} and set(table.loc[table["rule_chosen"], "k"]) == {4}
    assert "n_segments = 7 is set explicitly" in selection.reason
    with pytest.raises(SegmentationConfigError, match="only 600 customers"):
        select_k(data, (2, 5), fixed_k=601)


def test_one_gaussian_blob_has_no_structure_the_gap_rule_says_so(one_blob):
    selection = select_k(one_blob, (2, 6), random_state=0, n_init=3, gap_reference_sets=10)
    assert selection.chosen_k == 2  # the smallest K of the range
    assert "gives K = 1: no cluster structure" in selection.reason


def test_jaccard_best_match_and_verdicts():
    reference = np.array([0, 0, 0, 1, 1, 1])
    other = np.array([5, 5, 5, 5, 7, 7])  # segment 0 inside a bigger one; segment 1 split
    np.testing.assert_allclose(best_match_jaccard(reference, other, 2), [3 / 4, 2 / 3])
    np.testing.assert_allclose(best_match_jaccard(reference, other, 3), [3 / 4, 2 / 3, 0.0])  # 2 dissolved
    assert [verdict(value) for value in (0.75, 0.7499, 0.6, 0.5999)] == ["stable", "doubtful", "doubtful", "unstable"]


def test_planted_clusters_are_stable(four_blobs):
    data, _ = four_blobs
    labels = KMeans(n_clusters=4, n_init=4, random_state=0).fit(data).labels_
    table = bootstrap_stability(data, labels, np.arange(4), n_bootstrap=10, random_state=0)
    assert (table["verdict"] == "stable").all() and (table["mean_jaccard"] > 0.95).all()
    assert table["mean_adjusted_rand"].iloc[0] > 0.95
    assert table["inertia_start_min"].iloc[0] <= table["inertia_start_max"].iloc[0]


def test_segments_cut_from_one_round_blob_are_not_all_stable(one_blob):
    labels = KMeans(n_clusters=4, n_init=4, random_state=0).fit(one_blob).labels_
    table = bootstrap_stability(one_blob, labels, np.arange(4), n_bootstrap=10, random_state=0)
    assert (table["verdict"] != "stable").any(), table[["mean_jaccard", "verdict"]]
    assert table["mean_adjusted_rand"].iloc[0] < 0.9


def test_bad_bootstrap_settings_name_the_var():
    with pytest.raises(SegmentationConfigError, match="stability_bootstrap_samples"):
        bootstrap_stability(np.zeros((10, 2)), np.zeros(10, dtype=int), np.arange(2), n_bootstrap=1)


def test_rules_partition_fidelity_coverage_and_cost_recomputed(four_blobs):
    data, _ = four_blobs
    values = data * [1.0, 10.0, 100.0] + [0.0, 5.0, 50.0]  # rules live in the features' own units
    values[::50, 1] = np.nan  # a missing value reads as the mean, as scoring does
    means = np.nanmean(values, axis=0)
    filled = np.where(np.isnan(values), means, values)
    scaled = (filled - means) / filled.std(axis=0)
    kmeans = KMeans(n_clusters=4, n_init=4, random_state=0).fit(scaled)
    labels, squared = nearest_centroid(scaled, kmeans.cluster_centers_)
    rules, summary = fit_rules(values, ["a", "b", "c"], means, scaled, labels, float(squared.sum()), k=4)
    assert summary["meets_targets"] and 4 <= summary["leaves"] <= 16
    assigned = rules.partition(values)

    # every row satisfies exactly one segment's rule, evaluated independently through pandas' query engine
    frame = pd.DataFrame(values, columns=["a", "b", "c"])
    table = rule_table(rules, summary, labels, assigned)
    matches = np.zeros(len(frame), dtype=int)
    for row in table.itertuples():
        expression = row.rule_sql.replace("coalesce(b, ", "b.fillna(").replace("coalesce(a, ", "a.fillna(") \
            .replace("coalesce(c, ", "c.fillna(").replace(" and ", " & ").replace(" or ", " | ")
        hit = frame.eval(expression).to_numpy() if row.rule_leaves else np.zeros(len(frame), dtype=bool)
        assert np.array_equal(hit, assigned == row.segment_id), row.rule_sql
        matches += hit
    assert (matches == 1).all()

    assert summary["fidelity"] == pytest.approx((assigned == labels).mean())
    for row in table.itertuples():
        in_segment, in_rule = labels == row.segment_id, assigned == row.segment_id
        assert row.coverage == pytest.approx((in_segment & in_rule).sum() / in_segment.sum())
        assert row.precision == pytest.approx((in_segment & in_rule).sum() / in_rule.sum())
    own_means = pd.DataFrame(scaled).groupby(assigned).transform("mean").to_numpy()
    assert summary["cost_ratio"] == pytest.approx(((scaled - own_means) ** 2).sum() / squared.sum())
    assert partition_cost(scaled, labels) == pytest.approx(squared.sum())  # K-Means labels: own means = centroids


def test_sql_numbers_read_back_exactly():
    for value in (0.1, -2.5, 1e-7, 123456.789, 4.951743841171265):
        literal = sql_number(value)
        assert "e" in literal and float(literal.strip("()")) == value
    assert sql_number(-2.5).startswith("(-")


def test_imm_cut_makes_the_fewest_mistakes_counted_by_brute_force(four_blobs):
    from python_udfs.explain import _imm_split

    data, _ = four_blobs
    centroids = KMeans(n_clusters=4, n_init=4, random_state=0).fit(data).cluster_centers_
    labels, _ = nearest_centroid(data, centroids)
    position, threshold = _imm_split(data, centroids[labels], centroids)

    def mistakes(feature: int, cut: float) -> int:
        return int(((data[:, feature] <= cut) != (centroids[labels, feature] <= cut)).sum())

    fewest = min(
        mistakes(feature, cut)
        for feature in range(data.shape[1])
        for cut in np.unique(data[:, feature])
        if 0 < (centroids[:, feature] <= cut).sum() < len(centroids)
    )
    assert mistakes(position, threshold) == fewest
    assert 0 < (centroids[:, position] <= threshold).sum() < len(centroids)


def test_imm_tree_has_one_leaf_per_centre_and_exkmc_expansion_lowers_the_cost(four_blobs):
    from python_udfs.explain import threshold_tree_sequence

    data, _ = four_blobs
    centroids = KMeans(n_clusters=4, n_init=4, random_state=0).fit(data).cluster_centers_
    labels, _ = nearest_centroid(data, centroids)
    means, ones = np.zeros(3), np.ones(3)
    costs = []
    for leaves in threshold_tree_sequence(data, labels, centroids, max_leaves=8):
        if len(leaves) == 4:
            assert sorted(leaf.segment_id for leaf in leaves) == [0, 1, 2, 3]
        assigned = rule_set(leaves, means).partition(data)
        costs.append(sum(((data[assigned == leaf] - centroids[leaf]) ** 2).sum() for leaf in np.unique(assigned)))
    assert len(costs) == 5  # 4, 5, 6, 7, 8 leaves
    assert all(later <= earlier + 1e-9 for earlier, later in zip(costs, costs[1:]))


def rule_set(leaves, means):
    from python_udfs.explain import RuleSet

    return RuleSet(features=["a", "b", "c"], means=means, leaves=leaves, k=4)


def test_rules_keep_the_candidate_that_meets_the_bar_with_fewer_leaves():
    data, _ = make_blobs(n_samples=800, centers=5, n_features=4, cluster_std=2.5, random_state=2)  # overlapping
    kmeans = KMeans(n_clusters=5, n_init=4, random_state=0).fit(data)
    labels, squared = nearest_centroid(data, kmeans.cluster_centers_)
    inputs = dict(values=data, features=["a", "b", "c", "d"], means=np.zeros(4), scaled=data, labels=labels,
                  kmeans_cost=float(squared.sum()), k=5, centroids=kmeans.cluster_centers_, scales=np.ones(4))
    alone = {method: fit_rules(**inputs, methods=(method,))[1] for method in ("surrogate_tree", "imm_exkmc_tree")}
    assert all(summary["meets_targets"] for summary in alone.values())
    assert alone["imm_exkmc_tree"]["leaves"] < alone["surrogate_tree"]["leaves"] <= 20
    rules, chosen = fit_rules(**inputs)
    assert chosen == alone["imm_exkmc_tree"]
    assigned = rules.partition(data)
    assert chosen["fidelity"] == pytest.approx((assigned == labels).mean()) and chosen["fidelity"] >= 0.9
    assert chosen["cost_ratio"] == pytest.approx(partition_cost(data, assigned) / squared.sum())
    assert len(rules.leaves) == chosen["leaves"] and set(np.unique(assigned)) <= set(range(5))
