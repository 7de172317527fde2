"""Explain segments as threshold rules a marketer can read and a warehouse can run.

A surrogate decision tree (scikit-learn's CART, axis-aligned splits) is fitted to the K-Means segments on
the clustering features in their own units. The tree is grown leaf by leaf (best-first, `max_leaf_nodes`)
from k leaves up to `max_leaf_factor` x k leaves, and the first size that reaches both bars is kept:

- fidelity >= `fidelity_target`: share of customers whose rule segment equals their K-Means segment;
- cost ratio <= `cost_ratio_target`: the K-Means objective of the rule partition (sum of squared
  distances to each rule segment's own mean, in standardized units) / the K-Means objective of the fit.

As in ExKMC (Frost et al. 2020), a segment may be the union of several leaves: its rule is the leaves'
conditions joined by `or`. If no size reaches both bars the largest tree is kept and `meets_targets` says so.

The rule partition is computed here by evaluating the extracted rules on float64 values, null imputed with
the training mean exactly as scoring does; `rule_sql` is the same comparison, so the SQL macro
`apply_segment_rules` reproduces it row for row. (The tree's own predict compares float32 copies; it is
used only to grow the tree.) The nearest-centroid macro still assigns segments; rules explain them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

from python_udfs.segmentation import SegmentationConfigError


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
) -> tuple[RuleSet, dict]:
    """Grow surrogate trees of k..max_leaf_factor*k leaves; keep the first that meets both targets."""
    if max_leaf_factor < 1:
        raise SegmentationConfigError(
            f"rule_max_leaf_factor is {max_leaf_factor}: it needs to be at least 1 (at most k x factor leaves; 4 is usual)."
        )
    filled = np.where(np.isnan(values), means, values)
    best = None
    for n_leaves in range(max(k, 2), max_leaf_factor * k + 1):
        tree = DecisionTreeClassifier(max_leaf_nodes=n_leaves, random_state=random_state).fit(filled, labels)
        rules = RuleSet(features=list(features), means=np.asarray(means, dtype=np.float64),
                        leaves=leaves_from_tree(tree), k=k)
        assigned = rules.partition(values)
        summary = {
            "method": "surrogate_tree",
            "leaves": len(rules.leaves),
            "fidelity": float((assigned == labels).mean()),
            "cost_ratio": partition_cost(scaled, assigned) / kmeans_cost,
        }
        summary["meets_targets"] = bool(summary["fidelity"] >= fidelity_target
                                        and summary["cost_ratio"] <= cost_ratio_target)
        best = (rules, summary)
        if summary["meets_targets"] or len(rules.leaves) < n_leaves:  # the tree cannot grow further
            break
    return best


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
    rule captures that are in the segment. `log_features`: *_log columns equal to ln(1 + base column), whose
    rule text is written on the base column's scale.
    """
    log_features = log_features or set()
    rows = []
    for segment_id in range(rules.k):
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
