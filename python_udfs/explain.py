"""Explain segments as threshold rules a marketer can read and a warehouse can run.

Two kinds of axis-aligned threshold tree are grown from k leaves up to `max_leaf_factor` x k leaves:

- a surrogate decision tree (scikit-learn's CART, best-first with `max_leaf_nodes`) fitted to the K-Means
  segments on the clustering features;
- IMM's threshold tree (Dasgupta et al. 2020, "Explainable k-Means and k-Medians Clustering": each cut
  separates the centres while sending the fewest customers away from their own centre), then expanded
  leaf by leaf as ExKMC does (Frost et al. 2020: split the leaf whose best cut lowers the cost to each
  leaf's best centre most), so a segment may be the union of a few leaves.

For each, the first size that reaches both bars counts, and the one that does so with fewer leaves wins:

- fidelity >= `fidelity_target`: share of customers whose rule segment equals their K-Means segment;
- cost ratio <= `cost_ratio_target`: the K-Means objective of the rule partition (sum of squared
  distances to each rule segment's own mean, in standardized units) / the K-Means objective of the fit.

A segment's rule is its leaves' conditions joined by `or`. If neither reaches the bars the largest
surrogate tree is kept and `meets_targets` says so.

The rule partition is computed here by evaluating the extracted rules on float64 values, null imputed with
the training mean exactly as scoring does; `rule_sql` is the same comparison, so the SQL macro
`apply_segment_rules` reproduces it row for row. (CART's own predict compares float32 copies; it is used
only to grow the tree.) The nearest-centroid macro still assigns segments; rules explain them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

from python_udfs.frames import to_pandas
from python_udfs.registry import scoring_fit
from python_udfs.segmentation import (
    SegmentationConfigError,
    centroid_matrix,
    feature_matrix,
    scaler_from_table,
    standardize,
)
from python_udfs.settings_schema import check_setting


@dataclass
class Leaf:
    segment_id: int
    bounds: dict[int, tuple[float | None, float | None]]  # feature index -> (lower < x, x <= upper)


@dataclass
class RuleSet:
    features: list[str]
    means: np.ndarray  # imputation value per feature (the scaler's mean)
    leaves: list[Leaf]
    k: int
    # the segment key of each position 0..k-1 the trees were grown on (CentroidMatrix.segment_ids); the
    # leaves carry keys once `keyed` has mapped them, positions before
    segment_ids: np.ndarray | None = None

    @property
    def keys(self) -> np.ndarray:
        return np.arange(self.k) if self.segment_ids is None else self.segment_ids

    def keyed(self, segment_ids) -> "RuleSet":
        """The same rules with each leaf's segment position replaced by its segment key."""
        segment_ids = np.asarray(segment_ids, dtype=np.int64)
        if len(segment_ids) != self.k:
            raise ValueError(f"{len(segment_ids)} segment keys for {self.k} segments")
        leaves = [Leaf(int(segment_ids[leaf.segment_id]), leaf.bounds) for leaf in self.leaves]
        return RuleSet(self.features, self.means, leaves, self.k, segment_ids)

    def partition(self, values: np.ndarray) -> np.ndarray:
        """The rule segment of every row of raw feature `values` (NaN -> the feature's mean)."""
        filled = np.where(np.isnan(values), self.means, values)
        assigned = np.full(len(values), -1, dtype=np.int64)
        for leaf in self.leaves:
            mask = np.ones(len(values), dtype=bool)
            for position, (lower, upper) in leaf.bounds.items():
                if lower is not None:
                    mask &= filled[:, position] > lower
                if upper is not None:
                    mask &= filled[:, position] <= upper
            assigned[mask] = leaf.segment_id
        if (assigned < 0).any():  # cannot happen for a tree's leaves; guards the SQL contract
            raise AssertionError("the rule leaves do not cover every customer")
        return assigned


def sql_number(value: float) -> str:
    """A float as a literal every engine reads back as the same double: round-trip repr, with an exponent
    (DuckDB and Spark read `4.8e0` as DOUBLE, where `4.8` would be DECIMAL), in parentheses when negative."""
    text = repr(float(value))
    if "e" not in text and "inf" not in text and "nan" not in text:
        text = f"{text}e0"
    return f"({text})" if text.startswith("-") else text


def leaves_from_tree(tree: DecisionTreeClassifier) -> list[Leaf]:
    """Every leaf of a fitted tree with its path condensed to one (lower, upper] interval per feature."""
    structure = tree.tree_
    leaves: list[Leaf] = []

    def walk(node: int, bounds: dict[int, tuple[float | None, float | None]]) -> None:
        left, right = structure.children_left[node], structure.children_right[node]
        if left == right:  # a leaf
            leaves.append(Leaf(int(tree.classes_[np.argmax(structure.value[node][0])]), dict(bounds)))
            return
        feature, threshold = int(structure.feature[node]), float(structure.threshold[node])
        lower, upper = bounds.get(feature, (None, None))
        walk(left, {**bounds, feature: (lower, threshold if upper is None else min(upper, threshold))})
        walk(right, {**bounds, feature: (threshold if lower is None else max(lower, threshold), upper)})

    walk(0, {})
    return leaves


def partition_cost(scaled: np.ndarray, labels: np.ndarray) -> float:
    """K-Means objective of a partition: squared distances to each part's own mean."""
    total = 0.0
    for label in np.unique(labels):
        members = scaled[labels == label]
        total += float(((members - members.mean(axis=0)) ** 2).sum())
    return total


def _scaled_leaves_to_raw(leaves: list[Leaf], means: np.ndarray, scales: np.ndarray) -> list[Leaf]:
    """Thresholds found in standardized units, written in the features' own units (x = mean + z * scale)."""
    def raw(position, value):
        return None if value is None else float(means[position] + value * scales[position])

    return [Leaf(leaf.segment_id, {position: (raw(position, lower), raw(position, upper))
                                   for position, (lower, upper) in leaf.bounds.items()}) for leaf in leaves]


def _imm_split(points: np.ndarray, point_centres: np.ndarray, centres: np.ndarray) -> tuple[int, float] | None:
    """IMM's split (Dasgupta et al. 2020): the axis-aligned cut separating the node's centres that sends the
    fewest points away from their own centre. Returns (feature, threshold) or None."""
    best = None
    for position in range(points.shape[1]):
        x, c = points[:, position], point_centres[:, position]
        lowest, highest = centres[:, position].min(), centres[:, position].max()
        if lowest == highest:
            continue
        candidates = np.unique(x[(x >= lowest) & (x < highest)])
        if len(candidates) == 0:
            continue
        values = np.unique(x)
        following = values[np.minimum(np.searchsorted(values, candidates, side="right"), len(values) - 1)]
        thresholds = np.where(following > candidates, (candidates + following) / 2, candidates)
        # a point is a mistake for thresholds in [min(x, c), max(x, c)): count the intervals holding each cut
        starts, stops = np.sort(np.minimum(x, c)), np.sort(np.maximum(x, c))
        mistakes = np.searchsorted(starts, thresholds, side="right") - np.searchsorted(stops, thresholds, side="right")
        left_centres = (centres[:, position][None, :] <= thresholds[:, None]).sum(axis=1)
        valid = (left_centres > 0) & (left_centres < len(centres))
        if not valid.any():
            continue
        index = np.flatnonzero(valid)[np.argmin(mistakes[valid])]
        if best is None or mistakes[index] < best[0]:
            best = (int(mistakes[index]), position, float(thresholds[index]))
    return None if best is None else (best[1], best[2])


def _imm_leaves(scaled: np.ndarray, labels: np.ndarray, centroids: np.ndarray) -> list[tuple[dict, np.ndarray]]:
    """IMM's threshold tree with one leaf per centre: [(bounds in scaled units, row indices of the leaf)]."""
    leaves = []

    def grow(rows: np.ndarray, kept: np.ndarray, centre_ids: np.ndarray, bounds: dict) -> None:
        if len(centre_ids) == 1:
            leaves.append((bounds, rows, int(centre_ids[0])))
            return
        split = _imm_split(scaled[kept], centroids[labels[kept]], centroids[centre_ids])
        if split is None:  # identical centres: nothing separates them
            leaves.append((bounds, rows, int(centre_ids[0])))
            return
        position, threshold = split
        lower, upper = bounds.get(position, (None, None))
        goes_left = scaled[rows, position] <= threshold
        kept_left = scaled[kept, position] <= threshold
        centre_left = centroids[labels[kept], position] <= threshold
        centres_left = centroids[centre_ids, position] <= threshold
        # IMM drops the points a cut separates from their centre from the rest of the construction
        grow(rows[goes_left], kept[kept_left & centre_left], centre_ids[centres_left],
             {**bounds, position: (lower, threshold if upper is None else min(upper, threshold))})
        grow(rows[~goes_left], kept[~kept_left & ~centre_left], centre_ids[~centres_left],
             {**bounds, position: (threshold if lower is None else max(lower, threshold), upper)})

    everyone = np.arange(len(scaled))
    grow(everyone, everyone, np.arange(len(centroids)), {})
    return leaves


def _leaf_cost(points: np.ndarray, centroids: np.ndarray) -> tuple[float, int]:
    """ExKMC's surrogate cost of a leaf: its points' squared distance to the single best centre."""
    costs = ((points[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2).sum(axis=0)
    return float(costs.min()), int(costs.argmin())


def _best_expansion(points: np.ndarray, centroids: np.ndarray) -> tuple[float, int, float] | None:
    """The cut of a leaf that lowers the surrogate cost most: (new cost, feature, threshold), via prefix sums."""
    if len(points) < 2:
        return None
    norms = (centroids ** 2).sum(axis=1)
    squares = (points ** 2).sum(axis=1)
    best = None
    for position in range(points.shape[1]):
        order = np.argsort(points[:, position], kind="stable")
        x = points[order, position]
        cuts = np.flatnonzero(x[1:] > x[:-1])  # cut after row `cut` of the sorted leaf
        if len(cuts) == 0:
            continue
        prefix_points = np.cumsum(points[order], axis=0)
        prefix_squares = np.cumsum(squares[order])
        left_n = cuts + 1
        left_cost = (prefix_squares[cuts][:, None] - 2 * prefix_points[cuts] @ centroids.T
                     + left_n[:, None] * norms[None, :]).min(axis=1)
        right_points = prefix_points[-1] - prefix_points[cuts]
        right_cost = (prefix_squares[-1] - prefix_squares[cuts])[:, None] - 2 * right_points @ centroids.T \
            + (len(x) - left_n)[:, None] * norms[None, :]
        total = left_cost + right_cost.min(axis=1)
        index = int(np.argmin(total))
        if best is None or total[index] < best[0]:
            best = (float(total[index]), position, float((x[cuts[index]] + x[cuts[index] + 1]) / 2))
    return best


def threshold_tree_sequence(scaled: np.ndarray, labels: np.ndarray, centroids: np.ndarray, max_leaves: int):
    """IMM's k-leaf tree, then ExKMC's greedy expansion (Frost et al. 2020) one leaf at a time up to
    `max_leaves`: yields the leaves [Leaf with bounds in scaled units] of each size."""
    leaves = []
    for bounds, rows, _ in _imm_leaves(scaled, labels, centroids):
        cost, centre = _leaf_cost(scaled[rows], centroids)
        leaves.append({"bounds": bounds, "rows": rows, "cost": cost, "centre": centre})
    yield [Leaf(leaf["centre"], leaf["bounds"]) for leaf in leaves]
    while len(leaves) < max_leaves:
        gains = []
        for index, leaf in enumerate(leaves):
            expansion = _best_expansion(scaled[leaf["rows"]], centroids)
            if expansion is not None:
                gains.append((leaf["cost"] - expansion[0], index, expansion))
        if not gains:
            return
        _, index, (_, position, threshold) = max(gains, key=lambda gain: gain[0])
        leaf = leaves.pop(index)
        lower, upper = leaf["bounds"].get(position, (None, None))
        goes_left = scaled[leaf["rows"], position] <= threshold
        for rows, bounds in (
            (leaf["rows"][goes_left],
             {**leaf["bounds"], position: (lower, threshold if upper is None else min(upper, threshold))}),
            (leaf["rows"][~goes_left],
             {**leaf["bounds"], position: (threshold if lower is None else max(lower, threshold), upper)}),
        ):
            cost, centre = _leaf_cost(scaled[rows], centroids)
            leaves.insert(index, {"bounds": bounds, "rows": rows, "cost": cost, "centre": centre})
        yield [Leaf(leaf["centre"], leaf["bounds"]) for leaf in leaves]


def fit_rules(
    values: np.ndarray,
    features: list[str],
    means: np.ndarray,
    scaled: np.ndarray,
    labels: np.ndarray,
    kmeans_cost: float,
    k: int,
    max_leaf_factor: int = 4,
    fidelity_target: float = 0.9,
    cost_ratio_target: float = 1.1,
    random_state: int = 42,
    centroids: np.ndarray | None = None,
    scales: np.ndarray | None = None,
    methods: tuple[str, ...] = ("surrogate_tree", "imm_exkmc_tree"),
    segment_ids: np.ndarray | None = None,
) -> tuple[RuleSet, dict]:
    """Grow each candidate from k to max_leaf_factor * k leaves and keep, per candidate, the first size that
    meets both targets; the candidate doing so with fewer leaves wins (ties: higher fidelity, then the
    surrogate tree). Candidates: the surrogate CART tree, and, when `centroids` (scaled) and `scales` are
    given, the IMM/ExKMC threshold tree (`methods` limits the candidates). If none meets the targets, the
    largest surrogate tree is kept.

    `labels` are positions 0..k-1 (rows of `centroids`); given `segment_ids`, the returned rules speak in
    those segment keys (RuleSet.keyed)."""
    check_setting("rule_max_leaf_factor", max_leaf_factor, SegmentationConfigError)
    means = np.asarray(means, dtype=np.float64)
    filled = np.where(np.isnan(values), means, values)
    max_leaves = max_leaf_factor * k

    def evaluate(method: str, leaves: list[Leaf]) -> tuple[RuleSet, dict]:
        rules = RuleSet(features=list(features), means=means, leaves=leaves, k=k)
        assigned = rules.partition(values)
        summary = {"method": method, "leaves": len(leaves), "fidelity": float((assigned == labels).mean()),
                   "cost_ratio": float(partition_cost(scaled, assigned) / kmeans_cost)}
        summary["meets_targets"] = bool(summary["fidelity"] >= fidelity_target
                                        and summary["cost_ratio"] <= cost_ratio_target)
        return rules, summary

    def surrogate_sizes():
        for n_leaves in range(max(k, 2), max_leaves + 1):
            tree = DecisionTreeClassifier(max_leaf_nodes=n_leaves, random_state=random_state).fit(filled, labels)
            yield leaves_from_tree(tree)
            if tree.get_n_leaves() < n_leaves:  # the tree cannot grow further
                return

    def threshold_sizes():
        for leaves in threshold_tree_sequence(scaled, labels, centroids, max_leaves):
            yield _scaled_leaves_to_raw(leaves, means, scales)

    candidates = [("surrogate_tree", surrogate_sizes())] if "surrogate_tree" in methods else []
    if centroids is not None and scales is not None and "imm_exkmc_tree" in methods:
        candidates.append(("imm_exkmc_tree", threshold_sizes()))
    reached, fallback = [], None
    for method, sizes in candidates:
        for leaves in sizes:
            result = evaluate(method, leaves)
            if method == "surrogate_tree":
                fallback = result
            if result[1]["meets_targets"]:
                reached.append(result)
                break
    if not reached:
        rules, summary = fallback if fallback is not None else result
    else:
        rules, summary = min(reached, key=lambda result: (result[1]["leaves"], -result[1]["fidelity"],
                                                          result[1]["method"] != "surrogate_tree"))
    return (rules if segment_ids is None else rules.keyed(segment_ids)), summary


def _readable_number(value: float) -> str:
    if value == 0:
        return "0"
    digits = max(0, 2 - int(math.floor(math.log10(abs(value)))))
    rounded = round(value, digits)
    return f"{rounded:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{rounded:,.0f}"


def _readable_condition(feature: str, lower, upper, log_features: set[str]) -> str:
    """`30 < recency_days <= 120`: a log1p feature is shown on its original scale (thresholds rounded)."""
    name, convert = feature, (lambda value: value)
    if feature in log_features:
        name, convert = feature[: -len("_log")], math.expm1
    if lower is not None and upper is not None:
        return f"{_readable_number(convert(lower))} < {name} <= {_readable_number(convert(upper))}"
    if lower is not None:
        return f"{name} > {_readable_number(convert(lower))}"
    return f"{name} <= {_readable_number(convert(upper))}"


def rule_table(
    rules: RuleSet, summary: dict, labels: np.ndarray, assigned: np.ndarray, log_features: set[str] | None = None
) -> pd.DataFrame:
    """One row per segment: rule_text, rule_sql, coverage, precision, and the overall fidelity and cost ratio.

    coverage = share of the segment's customers its rule captures; precision = share of the customers the
    rule captures that are in the segment. `labels` and `assigned` are segment keys (rules.keys), as the
    leaves of keyed rules are. `log_features`: *_log columns equal to ln(1 + base column), whose rule text
    is written on the base column's scale.
    """
    log_features = log_features or set()
    rows = []
    for segment_id in (int(key) for key in rules.keys):
        leaves = [leaf for leaf in rules.leaves if leaf.segment_id == segment_id]
        texts, sqls = [], []
        for leaf in leaves:
            conditions = sorted(leaf.bounds.items())
            texts.append(" and ".join(
                _readable_condition(rules.features[position], lower, upper, log_features)
                for position, (lower, upper) in conditions) or "every customer")
            sql_parts = []
            for position, (lower, upper) in conditions:
                column = f"coalesce({rules.features[position]}, {sql_number(rules.means[position])})"
                if lower is not None:
                    sql_parts.append(f"{column} > {sql_number(lower)}")
                if upper is not None:
                    sql_parts.append(f"{column} <= {sql_number(upper)}")
            sqls.append(" and ".join(sql_parts) or "1 = 1")
        if not leaves:
            rule_text, rule_sql = "no rule: its customers fall under other segments' rules", "1 = 0"
        elif len(leaves) == 1:
            rule_text, rule_sql = texts[0], sqls[0]
        else:
            rule_text = " or ".join(f"({text})" for text in texts)
            rule_sql = " or ".join(f"({sql})" for sql in sqls)
        in_segment, in_rule = labels == segment_id, assigned == segment_id
        both = int((in_segment & in_rule).sum())
        rows.append({
            "segment_id": segment_id,
            "rule_text": rule_text,
            "rule_sql": rule_sql,
            "rule_leaves": len(leaves),
            "segment_customers": int(in_segment.sum()),
            "rule_customers": int(in_rule.sum()),
            "coverage": both / in_segment.sum() if in_segment.any() else 0.0,
            "precision": both / in_rule.sum() if in_rule.any() else 0.0,
            "fidelity": summary["fidelity"],
            "cost_ratio": summary["cost_ratio"],
            "total_leaves": summary["leaves"],
            "meets_targets": summary["meets_targets"],
            "method": summary["method"],
        })
    return pd.DataFrame(rows).astype({"segment_id": "int32", "rule_leaves": "int64", "segment_customers": "int64",
                                      "rule_customers": "int64", "total_leaves": "int64"})


def scoring_model_rules(customers, registry, scalers, centroids, settings) -> pd.DataFrame:
    """segment_rules: the rules of the model version customers are scored with (pinned or published, not
    merely the latest fit), from the model's refs (customer_features, segment_models,
    segment_model_scalers, segment_model_centroids) and its settings (python_udfs.model_settings)."""
    customers = to_pandas(customers, order_by="customer_id")
    scaler, centroids = scoring_fit(to_pandas(registry), to_pandas(scalers, order_by="feature_position"),
                                    to_pandas(centroids, order_by="segment_id"))
    features, means, scales = scaler_from_table(scaler)
    scaled = standardize(customers, scaler)
    fitted = centroid_matrix(centroids)
    positions, squared_distances = fitted.nearest_positions(scaled)
    values = feature_matrix(customers, features)
    rules, summary = fit_rules(
        values,
        features,
        means,
        scaled,
        positions,
        kmeans_cost=float(squared_distances.sum()),
        k=fitted.k,
        max_leaf_factor=settings.rule_max_leaf_factor,
        fidelity_target=settings.rule_fidelity_target,
        cost_ratio_target=settings.rule_cost_ratio_target,
        random_state=settings.random_state,
        centroids=fitted.matrix,
        scales=scales,
        segment_ids=fitted.segment_ids,
    )
    # *_log columns are ln(1 + base column) (customer_features): their rules read on the base column's scale
    log_features = {name for name in features if name.endswith("_log") and name[: -len("_log")] in customers.columns}
    table = rule_table(rules, summary, fitted.keys(positions), rules.partition(values), log_features)
    table.insert(1, "model_version", centroids["model_version"].iloc[0])
    return table
