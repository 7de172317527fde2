"""Choose the number of segments K from evidence, and keep the evidence as a table.

For every K in a range, K-Means is fitted exactly as the segmentation fits it (k-means++, `n_init` starts,
fixed seed) and scored by:

- inertia (within-segment sum of squares), with the elbow located by the kneedle rule (Satopää et al.
  2011, through the `kneed` package);
- mean silhouette, exact up to `silhouette_sample_size` customers and on a fixed-seed sample beyond;
- Davies-Bouldin (lower is better) and Calinski-Harabasz (higher is better);
- the gap statistic and its standard error (Tibshirani, Walther & Hastie 2001): B reference sets drawn
  uniformly over the box aligned with the data's principal components, gap(K) = E*[log W*_K] - log W_K,
  s_K = sd(log W*_K) * sqrt(1 + 1/B);
- bootstrap stability (Hennig's clusterboot, python_udfs.stability): the fit's partition of the evidence
  sample against K-Means refitted on resamples of it: the mean adjusted Rand index and the smallest
  segment's mean Jaccard.
Gap and stability run on one fixed-seed sample of `gap_sample_size` customers (the evidence sample), which
keeps their many fits affordable.

The choice, a consensus (documented in the README, "Reading your segments"):

1. K whose bootstrap leaves a segment below Hennig's 0.6 Jaccard (unstable), or whose smallest segment
   holds less than the publish gate's minimum share of customers, are not eligible, unless no K of the
   range is;
2. six criteria each vote for one eligible K: silhouette (highest), Davies-Bouldin (lowest),
   Calinski-Harabasz (highest), gap (Tibshirani's one-standard-error rule run from the smallest K of the
   range: the first K with gap(K) >= gap(K+1) - s_{K+1}), inertia elbow (kneedle's K; it abstains when the
   curve has no knee or the knee is not eligible) and stability (highest mean adjusted Rand index). Equal
   values vote for the smaller K;
3. the K with most votes wins; a tie goes to the K with the best mean rank over the four criteria that rank
   every K (silhouette, Davies-Bouldin, Calinski-Harabasz, stability), then to the smaller K.
The range (segment_k_range, default [3, 10]) starts where segments become actionable: two segments are a
split, not a segmentation. The gap rule run from K = 1 (Tibshirani's original) is still reported: when it
stops at K = 1 the reason says the data show little cluster structure, and the stability verdicts show how
firm the chosen segments are. Every vote and its reason is a row of the table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

from python_udfs.segmentation import SegmentationConfigError, kmeans_estimator
from python_udfs.settings_schema import check_setting
from python_udfs.stability import DOUBTFUL_JACCARD, bootstrap_stability
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
    "stability_adjusted_rand",
    "stability_min_jaccard",
    "stability_bootstrap_samples",
    "smallest_segment_share",
    "votes",
)
# the criteria of the consensus, in the order the table and the report list them
CRITERIA = ("silhouette", "davies_bouldin", "calinski_harabasz", "gap", "inertia_elbow", "stability")
CRITERION_NAMES = {
    "silhouette": "silhouette",
    "davies_bouldin": "Davies-Bouldin",
    "calinski_harabasz": "Calinski-Harabasz",
    "gap": "gap",
    "inertia_elbow": "inertia elbow",
    "stability": "stability",
}
VOTE_METRICS = tuple(f"vote_{criterion}" for criterion in CRITERIA)


@dataclass
class KSelection:
    """The evidence per K and the K the rule picks, with the reason in words."""

    table: pd.DataFrame  # one row per (k, metric): k, metric, value, chosen, rule_chosen, reason, vote_reason
    rule_k: int
    chosen_k: int
    reason: str
    votes: dict  # criterion -> (K it votes for, or None when it abstains; why)


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
    stability_bootstrap_samples: int = 10,
    stability_n_init: int = 3,
    min_segment_share: float = 0.0,
) -> KSelection:
    """Score every K of `k_range` (and `fixed_k`, if set outside it) and choose K by the documented consensus."""
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
    check_setting("gap_reference_sets", gap_reference_sets, SegmentationConfigError)
    check_setting("k_stability_bootstrap_samples", stability_bootstrap_samples, SegmentationConfigError)

    if n_rows > gap_sample_size:
        picked = np.sort(np.random.default_rng(random_state).choice(n_rows, size=gap_sample_size, replace=False))
    else:
        picked = np.arange(n_rows)
    evidence = scaled[picked]  # the gap statistic's and the stability vote's sample

    inertias, silhouettes, davies_bouldin, calinski_harabasz = {}, {}, {}, {}
    stability_rand, stability_jaccard, smallest_share = {}, {}, {}
    silhouette_n = min(n_rows, silhouette_sample_size)
    for k in ks:
        # the same estimator segment_centroids fits, so the K chosen here is the K of the deployed algorithm
        kmeans = kmeans_estimator(k, n_rows, random_state, n_init, minibatch_threshold).fit(scaled)
        labels = kmeans.labels_
        inertias[k] = float(kmeans.inertia_)
        smallest_share[k] = float(np.bincount(labels, minlength=k).min() / n_rows)
        if len(np.unique(labels)) < 2:  # degenerate data: every customer in one segment
            silhouettes[k], davies_bouldin[k], calinski_harabasz[k] = -1.0, np.nan, np.nan
            stability_rand[k], stability_jaccard[k] = np.nan, np.nan
            continue
        sample = silhouette_sample_size if n_rows > silhouette_sample_size else None
        silhouettes[k] = float(silhouette_score(scaled, labels, sample_size=sample, random_state=random_state))
        davies_bouldin[k] = float(davies_bouldin_score(scaled, labels))
        calinski_harabasz[k] = float(calinski_harabasz_score(scaled, labels))
        stability = bootstrap_stability(evidence, labels[picked], np.arange(k), n_bootstrap=stability_bootstrap_samples,
                                        random_state=random_state, n_init=stability_n_init, n_starts=2,
                                        minibatch_threshold=minibatch_threshold)
        stability_rand[k] = float(stability["mean_adjusted_rand"].iloc[0])
        stability_jaccard[k] = float(stability["mean_jaccard"].min())

    gaps, errors = gap_statistic(evidence, [1, *ks], gap_reference_sets, random_state, gap_n_init)
    range_ks = [k for k in ks if k_min <= k <= k_max]
    elbow = inertia_elbow(range_ks, inertias)
    evidence_by_k = {"silhouette": silhouettes, "davies_bouldin": davies_bouldin,
                     "calinski_harabasz": calinski_harabasz, "stability": stability_rand,
                     "stability_min_jaccard": stability_jaccard, "smallest_segment_share": smallest_share,
                     "gap": gaps, "gap_se": errors}
    rule_k, reason, votes = consensus(range_ks, evidence_by_k, elbow, min_segment_share)
    inertias[1] = float(((scaled - scaled.mean(axis=0)) ** 2).sum())
    chosen_k = fixed_k if fixed_k is not None else rule_k
    if fixed_k is not None:
        reason = (f"n_segments = {fixed_k} is set explicitly and overrides the consensus, which would choose "
                  f"K = {rule_k}: " + reason)
    vote_counts = {k: sum(1 for voted, _ in votes.values() if voted == k) for k in range_ks}

    rows = []
    for k in [1, *ks]:
        values = {
            "inertia": inertias[k],
            "gap": gaps[k],
            "gap_se": errors[k],
            "gap_sample_size": float(len(evidence)),
            "gap_reference_sets": float(gap_reference_sets),
        }
        if k > 1:  # K = 1 is scored by the gap only: a partition measure needs two segments
            values.update({
                "inertia_elbow": 1.0 if k == elbow else 0.0,
                "silhouette": silhouettes[k],
                "silhouette_sample_size": float(silhouette_n),
                "davies_bouldin": davies_bouldin[k],
                "calinski_harabasz": calinski_harabasz[k],
                "stability_adjusted_rand": stability_rand[k],
                "stability_min_jaccard": stability_jaccard[k],
                "stability_bootstrap_samples": float(stability_bootstrap_samples),
                "smallest_segment_share": smallest_share[k],
            })
        if k in vote_counts:
            values["votes"] = float(vote_counts[k])
        # a vote is 1 on its K; an abstention is 0, on the K it looked at (the elbow) or the range's first
        vote_reasons = {f"vote_{criterion}": why for criterion, (voted, why) in votes.items()
                        if k == (voted if voted is not None else (elbow if elbow in range_ks else range_ks[0]))}
        values.update({metric: 0.0 if votes[metric.removeprefix("vote_")][0] is None else 1.0
                       for metric in vote_reasons})
        for metric in (*METRICS, *VOTE_METRICS):
            if metric not in values or np.isnan(values[metric]):
                continue
            rows.append({
                "k": k,
                "metric": metric,
                "value": float(values[metric]),
                "chosen": k == chosen_k,
                "rule_chosen": k == rule_k,
                "reason": reason if k == chosen_k else None,
                "vote_reason": vote_reasons.get(metric),
            })
    table = pd.DataFrame(rows).astype({"k": "int32", "value": "float64", "chosen": "bool", "rule_chosen": "bool"})
    table["reason"] = table["reason"].astype("object")
    table["vote_reason"] = table["vote_reason"].astype("object")
    return KSelection(table=table, rule_k=rule_k, chosen_k=chosen_k, reason=reason, votes=votes)


def consensus(ks: list[int], evidence: dict[str, dict[int, float]], elbow: int | None,
              min_segment_share: float = 0.0) -> tuple[int, str, dict[str, tuple[int | None, str]]]:
    """(chosen K, the reason in words, each criterion's (vote, why)) by the module's documented consensus.

    `evidence` holds, per K: silhouette, davies_bouldin, calinski_harabasz, stability (mean adjusted Rand),
    stability_min_jaccard, smallest_segment_share (optional), and gap and gap_se (with K = 1 for the gap rule
    run from one segment). A K is eligible when its least stable segment's mean Jaccard is at least 0.6 and
    its smallest segment holds at least `min_segment_share` of the customers (the publish gate's bar).
    """
    jaccard = evidence["stability_min_jaccard"]
    shares = evidence.get("smallest_segment_share", {})
    unstable = [k for k in ks if np.isnan(jaccard[k]) or jaccard[k] < DOUBTFUL_JACCARD]
    too_small = [k for k in ks if k not in unstable and shares.get(k, 1.0) < min_segment_share]
    eligible = [k for k in ks if k not in unstable and k not in too_small]
    if not eligible:
        eligible = list(ks)

    def best(metric: str, higher: bool) -> int:
        values = evidence[metric]
        usable = [k for k in eligible if not np.isnan(values[k])] or eligible
        # equal values go to the smaller K
        return min(usable, key=lambda k: (-values[k] if higher else values[k], k))

    votes: dict[str, tuple[int | None, str]] = {}
    for metric, higher, words in (("silhouette", True, "highest mean silhouette"),
                                  ("davies_bouldin", False, "lowest Davies-Bouldin index"),
                                  ("calinski_harabasz", True, "highest Calinski-Harabasz index")):
        k = best(metric, higher)
        votes[metric] = (k, f"{words} of the eligible K: {evidence[metric][k]:.4g} at K = {k}")
    gaps, errors = evidence["gap"], evidence["gap_se"]
    gap_k = None
    for k, following in zip(ks, ks[1:]):
        if k in eligible and gaps[k] >= gaps[following] - errors[following]:
            gap_k = k
            votes["gap"] = (k, f"first K of the range with gap(K) >= gap(K+1) - s(K+1): "
                               f"{gaps[k]:.3f} >= {gaps[following]:.3f} - {errors[following]:.3f} at K = {k}")
            break
    if gap_k is None:
        gap_k = max(eligible)
        votes["gap"] = (gap_k, f"the gap keeps rising over the range (no K meets gap(K) >= gap(K+1) - s(K+1)): "
                               f"the largest eligible K, {gap_k}")
    if elbow is None:
        votes["inertia_elbow"] = (None, "abstains: the inertia curve has no knee (kneedle)")
    elif elbow not in eligible:
        why = "a segment is unstable" if elbow in unstable else "a segment is below the publish gate's minimum share"
        votes["inertia_elbow"] = (None, f"abstains: the kneedle elbow is at K = {elbow}, which is not eligible ({why})")
    else:
        votes["inertia_elbow"] = (elbow, f"kneedle elbow of the inertia curve at K = {elbow}")
    stable_k = best("stability", True)
    votes["stability"] = (stable_k, f"highest mean bootstrap adjusted Rand index of the eligible K: "
                                    f"{evidence['stability'][stable_k]:.3f} at K = {stable_k}")
    votes = {criterion: votes[criterion] for criterion in CRITERIA}

    counts = {k: [criterion for criterion, (voted, _) in votes.items() if voted == k] for k in eligible}
    most = max(len(voters) for voters in counts.values())
    leaders = [k for k in eligible if len(counts[k]) == most]
    chosen = leaders[0]
    tie_text = ""
    if len(leaders) > 1:
        ranks = mean_ranks(eligible, evidence)
        chosen = min(leaders, key=lambda k: (ranks[k], k))
        tie_text = (" Tie between K = " + ", ".join(str(k) for k in leaders) + ", broken by the mean rank over "
                    "silhouette, Davies-Bouldin, Calinski-Harabasz and stability ("
                    + ", ".join(f"K = {k}: {ranks[k]:.2f}" for k in leaders) + ").")
    tally = "; ".join(
        f"K = {k}: {len(voters)} ({', '.join(CRITERION_NAMES[criterion] for criterion in voters)})"
        for k, voters in sorted(counts.items(), key=lambda item: (-len(item[1]), item[0])) if voters)
    text = (f"Consensus of {len(CRITERIA)} criteria over K = {ks[0]}..{ks[-1]} chooses K = {chosen}. "
            f"Votes: {tally}.{tie_text}")
    abstained = [CRITERION_NAMES[criterion] for criterion, (voted, _) in votes.items() if voted is None]
    if abstained:
        text += f" Abstained: {', '.join(abstained)}."
    if len(eligible) < len(ks):
        if unstable:
            text += (f" Not eligible: K = {', '.join(str(k) for k in unstable)} (a segment's bootstrap Jaccard is "
                     f"below {DOUBTFUL_JACCARD}).")
        if too_small:
            text += (f" Not eligible: K = {', '.join(str(k) for k in too_small)} (a segment holds less than "
                     f"{100 * min_segment_share:g}% of the customers, the publish gate's minimum).")
    elif unstable or too_small:
        text += " No K has every segment stable and above the publish gate's minimum share: all were eligible."
    if gap_rule([1, *ks], gaps, errors) == 1:
        text += (" The gap rule run from K = 1 stops at K = 1: the data show little cluster structure beyond "
                 "noise, so read segment_stability before acting on the segments.")
    return chosen, text, votes


def mean_ranks(ks: list[int], evidence: dict[str, dict[int, float]]) -> dict[int, float]:
    """Mean rank (1 = best) of every K over silhouette, Davies-Bouldin, Calinski-Harabasz and stability."""
    frame = pd.DataFrame({metric: [evidence[metric][k] for k in ks] for metric in
                          ("silhouette", "davies_bouldin", "calinski_harabasz", "stability")}, index=ks)
    ranks = pd.concat([frame[["silhouette", "calinski_harabasz", "stability"]].rank(ascending=False),
                       frame[["davies_bouldin"]].rank(ascending=True)], axis=1)
    return ranks.mean(axis=1).to_dict()


def chosen_k_from_table(table: pd.DataFrame) -> int:
    """The K a segment_k_selection table marks as chosen (what `n_segments: auto` fits)."""
    chosen = sorted(set(table.loc[table["chosen"].astype(bool), "k"].astype(int)))
    if len(chosen) != 1:
        raise SegmentationConfigError(
            f"segment_k_selection marks {len(chosen)} K values as chosen ({chosen}); rebuild it "
            "(dbt build --select segment_k_selection+)."
        )
    return chosen[0]

