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
    CRITERIA,
    chosen_k_from_table,
    consensus,
    gap_rule,
    gap_statistic,
    inertia_elbow,
    pca_box_references,
    select_k,
)
from python_udfs.segmentation import SegmentationConfigError, nearest_centroid
from python_udfs.stability import best_match_jaccard, bootstrap_stability, verdict

pytestmark = pytest.mark.unit


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
    assert 2 <= selection.chosen_k <= 6  # segments are still formed, within the range
    assert "The gap rule run from K = 1 stops at K = 1: the data show little cluster structure" in selection.reason


def evidence(ks, **overrides):
    """Synthetic per-K evidence for consensus(): neutral everywhere, then the overrides (metric -> {k: value})."""
    base = {"silhouette": 0.3, "davies_bouldin": 1.0, "calinski_harabasz": 100.0, "stability": 0.9,
            "stability_min_jaccard": 0.9, "gap_se": 0.01}
    table = {metric: {k: value for k in ks} for metric, value in base.items()}
    table["gap"] = {k: 0.1 * k for k in [1, *ks]}  # rising: the gap rule finds no stop
    table["gap_se"][1] = 0.01
    for metric, values in overrides.items():
        table[metric].update(values)
    return table


def test_each_criterion_votes_and_the_table_records_every_vote_with_its_reason(four_blobs):
    data, _ = four_blobs
    selection = select_k(data, (2, 8), random_state=0, n_init=4, gap_reference_sets=5)
    table = selection.table
    wide = table.pivot(index="k", columns="metric", values="value")
    assert set(selection.votes) == set(CRITERIA)
    for criterion, (voted, why) in selection.votes.items():
        rows = table[table["metric"] == f"vote_{criterion}"]
        assert rows["vote_reason"].tolist() == [why]
        assert rows["value"].tolist() == [0.0 if voted is None else 1.0]
        if voted is not None:
            assert rows["k"].tolist() == [voted]
    # the votes recompute from the evidence columns, over the K whose segments all come back (splitting one
    # of the four blobs does not: K = 6, 7 are left out)
    ks = [k for k in range(2, 9) if wide.loc[k, "stability_min_jaccard"] >= 0.6]
    assert {2, 3, 4} <= set(ks) and 6 not in ks and "Not eligible: K = " in selection.reason
    assert selection.votes["silhouette"][0] == wide.loc[ks, "silhouette"].idxmax()
    assert selection.votes["davies_bouldin"][0] == wide.loc[ks, "davies_bouldin"].idxmin()
    assert selection.votes["calinski_harabasz"][0] == wide.loc[ks, "calinski_harabasz"].idxmax()
    assert selection.votes["inertia_elbow"][0] == wide.loc[ks, "inertia_elbow"].idxmax()
    assert selection.votes["stability"][0] == wide.loc[ks, "stability_adjusted_rand"].idxmax()
    counts = wide.loc[range(2, 9), "votes"].astype(int)
    assert counts.sum() == sum(voted is not None for voted, _ in selection.votes.values())
    assert counts.idxmax() == selection.chosen_k == 4 and counts[4] >= 4
    assert table.loc[table["vote_reason"].notna(), "metric"].str.startswith("vote_").all()
    assert "chooses K = 4" in selection.reason and "Votes: K = 4:" in selection.reason


def test_the_most_voted_k_wins():
    ks = [3, 4, 5, 6]
    votes_for_5 = evidence(ks, silhouette={5: 0.5}, davies_bouldin={5: 0.5}, stability={4: 0.99})
    chosen, reason, votes = consensus(ks, votes_for_5, elbow=5)
    assert chosen == 5 and votes["silhouette"][0] == votes["davies_bouldin"][0] == votes["inertia_elbow"][0] == 5
    assert votes["stability"][0] == 4 and votes["calinski_harabasz"][0] == 3  # equal values: the smaller K
    assert votes["gap"][0] == 6  # the gap keeps rising: the largest eligible K
    assert "K = 5: 3 (silhouette, Davies-Bouldin, inertia elbow)" in reason


def test_a_tie_goes_to_the_best_mean_rank():
    ks = [3, 4, 5]
    # K = 3: Calinski-Harabasz and gap; K = 5: silhouette and stability; elbow abstains (no knee), DB for 4
    tied = evidence(ks, calinski_harabasz={3: 300.0, 4: 200.0, 5: 250.0}, silhouette={3: 0.2, 4: 0.25, 5: 0.4},
                    stability={3: 0.7, 4: 0.8, 5: 0.95}, davies_bouldin={3: 1.2, 4: 0.9, 5: 1.0},
                    gap={3: 1.0, 4: 0.95, 5: 1.1})
    chosen, reason, votes = consensus(ks, tied, elbow=None)
    assert [votes[name][0] for name in CRITERIA] == [5, 4, 3, 3, None, 5]
    # mean ranks: K = 3 (3 + 3 + 1 + 3) / 4 = 2.5, K = 5 (1 + 2 + 2 + 1) / 4 = 1.5
    assert chosen == 5 and "Tie between K = 3, 5" in reason and "K = 3: 2.50, K = 5: 1.50" in reason
    assert "Abstained: inertia elbow" in reason


def test_a_k_with_an_unstable_segment_cannot_win_and_the_elbow_on_it_abstains():
    ks = [3, 4, 5]
    unstable_5 = evidence(ks, silhouette={5: 0.6}, davies_bouldin={5: 0.4}, calinski_harabasz={5: 900.0},
                          stability_min_jaccard={5: 0.55})
    chosen, reason, votes = consensus(ks, unstable_5, elbow=5)
    assert chosen != 5 and all(voted != 5 for voted, _ in votes.values())
    assert votes["inertia_elbow"][0] is None and "not eligible" in votes["inertia_elbow"][1]
    assert "Not eligible: K = 5" in reason
    # when every K has an unstable segment, all are eligible again
    everything_unstable = evidence(ks, stability_min_jaccard={3: 0.3, 4: 0.3, 5: 0.3}, silhouette={5: 0.6})
    assert consensus(ks, everything_unstable, elbow=None)[2]["silhouette"][0] == 5


def test_the_gap_votes_by_the_one_standard_error_rule_from_the_smallest_k_of_the_range():
    ks = [3, 4, 5, 6]
    gaps = {1: 2.0, 2: 1.5, 3: 1.6, 4: 1.7, 5: 1.75, 6: 1.9}  # from K = 1 the rule stops at once
    errors = {k: 0.06 for k in [1, *ks]}
    chosen, reason, votes = consensus(ks, evidence(ks, gap=gaps, gap_se=errors), elbow=None)
    assert votes["gap"][0] == 4  # 1.6 < 1.7 - 0.06; 1.7 >= 1.75 - 0.06
    assert "stops at K = 1" in reason


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
    means = np.zeros(3)
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
