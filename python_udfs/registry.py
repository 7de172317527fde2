"""The model registry and its publish gate: which fitted model version scores the customers.

Every build that retrains fits a *candidate* (segment_scaler + segment_centroids). ``segment_models`` keeps
one row per model version ever fitted; this module computes its next state from the previous one:

- the candidate is registered with its training facts and quality metrics (K selection, stability);
- the publish gate checks it (no empty segment, minimum segment share, stability verdicts, feature list
  unchanged unless allowed); a candidate that passes replaces the published version, which is retired;
- a refused candidate stays ``candidate`` with the reason in ``gate_reason`` and scoring stays on the
  published version;
- a pinned version (the ``model_version`` var) is published, whatever the gate says about the candidate;
  that is how a rollback is done, and it sticks after the pin is removed until a new candidate passes;
- a version once published and then retired is never re-published by the gate (only by a pin), so a
  retrain on the same data does not undo a rollback; ``retired_reason`` says whether the gate replaced
  it or a pin rolled it back.

The latest fit is registered only once every registry table records it (``recorded_scaler``), so a
published version can always be scored and monitored; rows a stopped build recorded for a version it
never registered are removed by the next build (macro ``delete_unregistered_model_versions``).

Everything takes and returns pandas, so pytest reaches the gate without dbt; model_version_in_force
reads the version in force from a built DuckDB file, for the tools.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from python_udfs.settings_schema import SCHEMA, check_setting, rule_message

STATUSES = ("candidate", "published", "retired")
PUBLISHED_BY_GATE = "publish_gate"
PUBLISHED_BY_PIN = "pinned by var model_version"
VERDICTS = SCHEMA["publish_gate_allowed_verdicts"].choices  # stable, doubtful, unstable

COLUMNS = {
    "model_version": "string",
    "status": "string",
    "published_by": "string",
    "latest_fit": "bool",
    "gate_passed": "bool",
    "gate_reason": "string",
    "trained_at": "datetime64[us]",
    "published_at": "datetime64[us]",
    "retired_at": "datetime64[us]",
    "retired_reason": "string",
    "status_changed_at": "datetime64[us]",
    "training_window_start": "datetime64[us]",
    "as_of_date": "datetime64[us]",
    "training_rows": "int64",
    "n_features": "int64",
    "features": "string",
    "n_segments": "int64",
    "parameters": "string",
    "smallest_segment_share": "float64",
    "silhouette": "float64",
    "davies_bouldin": "float64",
    "calinski_harabasz": "float64",
    "gap": "float64",
    "k_selection_reason": "string",
    "min_mean_jaccard": "float64",
    "stability_verdicts": "string",
}


class RegistryError(ValueError):
    """A registry state or setting that cannot work; the message names the fix."""


@dataclass(frozen=True)
class GateSettings:
    """The publish gate's bars (dbt vars publish_gate_*; allow_unstable_segments admits unstable verdicts)."""

    min_segment_share: float = 0.01
    allowed_verdicts: tuple = ("stable", "doubtful")
    allow_feature_change: bool = False

    @classmethod
    def from_config(cls, min_segment_share, allowed_verdicts, allow_feature_change, allow_unstable=False):
        """From the vars' values, each checked against the settings schema."""
        def check(name, value):
            return check_setting(name, value, RegistryError)

        verdicts = check("publish_gate_allowed_verdicts", allowed_verdicts)
        if check("allow_unstable_segments", allow_unstable) and "unstable" not in verdicts:
            verdicts = (*verdicts, "unstable")
        return cls(check("publish_gate_min_segment_share", min_segment_share), verdicts,
                   check("publish_gate_allow_feature_change", allow_feature_change))


def gate_failures(centroids: pd.DataFrame, scaler: pd.DataFrame, stability: pd.DataFrame | None,
                  published_features: str | None, settings: GateSettings) -> list[str]:
    """Why the candidate (one version of segment_centroids) may not be published; empty = it passes."""
    failures = []
    sizes = centroids.groupby("segment_id")["training_customers"].max().sort_index()
    total = int(sizes.sum())
    empty = [int(segment) for segment, size in sizes.items() if size <= 0]
    if empty:
        failures.append(f"segments {empty} have no training customers (no empty segment allowed)")
    if total > 0:
        shares = sizes / total
        small = shares[(shares < settings.min_segment_share) & (sizes > 0)]
        for segment, share in small.items():
            failures.append(
                f"segment {int(segment)} holds {share:.2%} of the customers "
                f"({int(sizes[segment])} of {total}), "
                f"below publish_gate_min_segment_share {settings.min_segment_share:.2%}"
            )
    if stability is None or stability.empty:
        failures.append("segment_stability holds no verdicts for it (its build stopped before segment_stability "
                        "ran); a retraining build judges it again")
    else:
        for row in stability.sort_values("segment_id").itertuples():
            if str(row.verdict) not in settings.allowed_verdicts:
                failures.append(
                    f"segment {int(row.segment_id)} is {row.verdict} (mean Jaccard {float(row.mean_jaccard):.2f}); "
                    f"publish_gate_allowed_verdicts is {list(settings.allowed_verdicts)}"
                )
    features = feature_list(scaler)
    if published_features is not None and features != published_features and not settings.allow_feature_change:
        failures.append(
            f"features changed from [{published_features}] to [{features}]; "
            "set publish_gate_allow_feature_change: true to publish a model on other features"
        )
    return failures


def feature_list(scaler: pd.DataFrame) -> str:
    return ",".join(scaler.sort_values("feature_position")["feature"].astype(str))


def quality(k_selection: pd.DataFrame | None, stability: pd.DataFrame | None) -> dict:
    """The fitted K's metrics from segment_k_selection and a summary of segment_stability (null where absent)."""
    metrics = {"silhouette": np.nan, "davies_bouldin": np.nan, "calinski_harabasz": np.nan, "gap": np.nan,
               "k_selection_reason": None, "min_mean_jaccard": np.nan, "stability_verdicts": None}
    if k_selection is not None and not k_selection.empty:
        chosen = k_selection[k_selection["chosen"].astype(bool)]
        for metric in ("silhouette", "davies_bouldin", "calinski_harabasz", "gap"):
            values = chosen.loc[chosen["metric"] == metric, "value"]
            if len(values):
                metrics[metric] = float(values.iloc[0])
        reasons = chosen["reason"].dropna()
        metrics["k_selection_reason"] = str(reasons.iloc[0]) if len(reasons) else None
    if stability is not None and not stability.empty:
        metrics["min_mean_jaccard"] = float(stability["mean_jaccard"].min())
        counts = stability["verdict"].value_counts()
        metrics["stability_verdicts"] = ", ".join(f"{verdict} {int(counts[verdict])}" for verdict in VERDICTS
                                                 if verdict in counts)
    return metrics


def empty_registry() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in COLUMNS.items()})


def next_registry(previous: pd.DataFrame | None, *, centroids: pd.DataFrame, scaler: pd.DataFrame,
                  stability: pd.DataFrame | None, k_selection: pd.DataFrame | None, as_of_date,
                  training_window_start, parameters: str, settings: GateSettings, pinned: str | None,
                  now) -> pd.DataFrame:
    """segment_models after this build: the previous rows, the candidate registered, the gate applied."""
    registry = empty_registry() if previous is None or previous.empty else previous.copy()
    registry = registry[[column for column in COLUMNS if column in registry.columns]]
    for column, dtype in COLUMNS.items():
        if column not in registry.columns:
            registry[column] = pd.Series(dtype=dtype)
    now = pd.Timestamp(now)
    versions = centroids["model_version"].unique()
    if len(versions) != 1:
        raise RegistryError(
            f"segment_centroids holds {len(versions)} model versions {sorted(versions)}; it holds the latest fit "
            "only: rebuild it (dbt build --select segment_scaler+ --vars '{retrain: true}')."
        )
    candidate = str(versions[0])
    if stability is not None and "model_version" in stability.columns:
        stability = stability[stability["model_version"] == candidate]

    published_rows = registry[registry["status"] == "published"]
    published = str(published_rows["model_version"].iloc[0]) if len(published_rows) else None
    published_features = str(published_rows["features"].iloc[0]) if len(published_rows) else None

    if candidate not in set(registry["model_version"]):
        sizes = centroids.groupby("segment_id")["training_customers"].max()
        row = {
            "model_version": candidate, "status": "candidate", "published_by": None, "latest_fit": True,
            "gate_passed": False,
            "gate_reason": None, "trained_at": now, "published_at": pd.NaT, "retired_at": pd.NaT,
            "retired_reason": None, "status_changed_at": now,
            "training_window_start": pd.Timestamp(training_window_start),
            "as_of_date": pd.Timestamp(as_of_date), "training_rows": int(sizes.sum()),
            "n_features": int(len(scaler)), "features": feature_list(scaler), "n_segments": int(len(sizes)),
            "parameters": parameters, "smallest_segment_share": float(sizes.min() / sizes.sum()),
            **quality(k_selection, stability),
        }
        registry = (pd.concat([registry, pd.DataFrame([row])], ignore_index=True) if len(registry)
                    else pd.DataFrame([row]))

    index = registry.index[registry["model_version"] == candidate][0]
    candidate_status = registry.at[index, "status"]
    if candidate_status == "candidate":
        # a never-published candidate is (re-)judged every build, so loosening a bar can publish it
        failures = gate_failures(centroids, scaler, stability, published_features, settings)
        registry.at[index, "gate_passed"] = not failures
        reason = "; ".join(failures) if failures else "passed every check"
        if pinned is not None and pinned != candidate:
            reason += f"; not published: model_version is pinned to {pinned}"
        elif failures:
            reason += f"; scoring stays on {published or 'no version (nothing published yet)'}"
        registry.at[index, "gate_reason"] = reason

    if pinned is not None:
        if pinned not in set(registry["model_version"]):
            raise RegistryError(rule_message("model_version_unregistered", version=pinned,
                                             versions=sorted(registry["model_version"])))
        new_published, published_by = pinned, PUBLISHED_BY_PIN
    elif candidate_status == "candidate" and bool(registry.at[index, "gate_passed"]):
        new_published, published_by = candidate, PUBLISHED_BY_GATE
    else:
        new_published, published_by = published, None

    if new_published is not None and new_published != published:
        retired_reason = (f"rolled back: model_version pinned {new_published}" if published_by == PUBLISHED_BY_PIN
                          else f"replaced by {new_published}, which passed the publish gate")
        for position in registry.index:
            version = registry.at[position, "model_version"]
            if version == new_published:
                registry.at[position, "status"] = "published"
                registry.at[position, "published_by"] = published_by
                registry.at[position, "published_at"] = now
                registry.at[position, "status_changed_at"] = now
            elif registry.at[position, "status"] == "published":
                registry.at[position, "status"] = "retired"
                registry.at[position, "retired_at"] = now
                registry.at[position, "retired_reason"] = retired_reason
                registry.at[position, "status_changed_at"] = now
    elif new_published is not None and published_by == PUBLISHED_BY_PIN:
        position = registry.index[registry["model_version"] == new_published][0]
        registry.at[position, "published_by"] = PUBLISHED_BY_PIN
    registry["latest_fit"] = registry["model_version"] == candidate
    registry = registry.sort_values(["trained_at", "model_version"], kind="stable").reset_index(drop=True)
    return registry.astype(COLUMNS)


def published_version(registry: pd.DataFrame, pinned: str | None = None) -> str:
    """The version scoring uses: the pinned one, else the published one; fails naming the fix."""
    version = version_in_force(registry, pinned)
    if version is not None:
        return version
    if pinned is not None:
        raise RegistryError(rule_message("model_version_unregistered", version=pinned,
                                         versions=sorted(registry["model_version"])))
    refused = registry.loc[registry["status"] == "candidate", "gate_reason"].dropna()
    raise RegistryError(
        "no model version is published"
        + (f" (the publish gate refused the candidate: {refused.iloc[-1]})" if len(refused) else "")
        + ": loosen the publish_gate_* vars, fix the data, or pin a registered version with the model_version var."
    )


def recorded_scaler(version: str, scalers: pd.DataFrame, **recorded: pd.DataFrame) -> pd.DataFrame:
    """The scaler of `version` as segment_model_scalers recorded it, once every registry table holds it.

    `recorded` names the other tables that must record the version before it is registered
    (segment_model_centroids, the drift baselines), each with a model_version column. A missing one
    means they were not built before segment_models: the error names the fix.
    """
    tables = {"segment_model_scalers": scalers, **recorded}
    missing = [name for name, table in tables.items() if version not in set(table["model_version"].astype(str))]
    if missing:
        raise RegistryError(
            f"the latest fit {version} is not recorded in {', '.join(missing)}, so segment_models cannot register "
            "it: build the registry tables with it (dbt build --select segment_scaler+)."
        )
    scaler = scalers[scalers["model_version"].astype(str) == version].drop(columns="model_version")
    return scaler.sort_values("feature_position").reset_index(drop=True)


def pinned_version(value) -> str | None:
    """The model_version var as a Python model's config hands it over: a version, or None when unset."""
    return check_setting("model_version", value, RegistryError)


def version_in_force(registry: pd.DataFrame | None, pinned: str | None = None) -> str | None:
    """The version customers are scored with as the registry stands, or None (no registry, nothing
    published, or a pin that names no registered version: scoring reports those)."""
    if registry is None or registry.empty:
        return None
    if pinned is not None:
        return pinned if pinned in set(registry["model_version"]) else None
    published = registry.loc[registry["status"] == "published", "model_version"]
    return str(published.iloc[0]) if len(published) else None


IN_FORCE_TABLE = "segment_model_in_force"


def model_version_in_force(connection) -> str | None:
    """The version customers are scored with, as a built warehouse records it in segment_model_in_force
    (the one-row model the scoring macros read too); None when the file has no such table (built without
    the model registry) or nothing is published. For the tools that read a built DuckDB file: the report,
    the scoring-SQL export, show_segments."""
    found = connection.execute(
        "select count(*) from information_schema.tables where table_name = ? and table_schema = current_schema()",
        [IN_FORCE_TABLE]).fetchall()[0][0]
    if not found:
        return None
    rows = connection.execute(f"select model_version from {IN_FORCE_TABLE}").fetchall()
    return str(rows[0][0]) if rows else None


def centroids_in_force(session, this, pinned: str | None = None) -> tuple[pd.DataFrame | None, int | None]:
    """(centroids of the version in force, highest segment key any version that ever scored customers
    has), as the previous build left the registry; (None, None) before anything is published.

    segment_centroids matches a retrain's segments to these to keep their keys (and so their names and
    history): to the model customers are scored with, never to a refused or unregistered fit that
    happens to be the previous latest fit; a new segment takes a key above every key customers were
    ever given, so a key never means two groups to them. Refused candidates' keys do not count: nobody
    saw them, and counting them would make each refit of the same data a new version. The registry
    lies downstream of the fit, so it is read beside `this` (dbt.this), not through ref().
    """
    from python_udfs.frames import read_existing, sibling_relation

    registry = read_existing(session, sibling_relation(this, "segment_models"))
    recorded = None if registry is None else read_existing(session, sibling_relation(this, "segment_model_centroids"))
    if recorded is None or recorded.empty:
        return None, None
    scored = set(registry.loc[registry["status"].isin(["published", "retired"]), "model_version"])
    keys = recorded.loc[recorded["model_version"].isin(scored), "segment_id"]
    highest = int(keys.max()) if len(keys) else None
    version = version_in_force(registry, pinned)
    chosen = recorded[recorded["model_version"].astype(str) == version]
    return (chosen.reset_index(drop=True) if len(chosen) else None), highest


def retrain_this_build(decision: pd.DataFrame | None) -> bool:
    """Read segment_retrain_decision (one row): whether the fit models refit this build."""
    if decision is None or decision.empty:
        return True
    return bool(decision["retrain"].iloc[0])


def fit_to_keep(retrain_var, decision, session, this):
    """The previous table of a fit model when this build does not retrain; None when it refits.

    The retrain var (passed through the model's config) true always refits, so selecting a fit model
    without segment_retrain_decision cannot be held back by an older decision. False follows `decision`
    (segment_retrain_decision, which the model file refs so dbt orders it first): it retrains on drift
    when retrain_on_drift says so. Score-only builds leave the latest fit and its evidence as they were;
    with nothing fitted yet there is nothing to keep, and the error names the fix.
    """
    from python_udfs.frames import read_existing, to_pandas

    if check_setting("retrain", True if retrain_var is None else retrain_var, RegistryError) \
            or retrain_this_build(to_pandas(decision)):
        return None
    existing = read_existing(session, this)
    if existing is None:
        raise RegistryError(
            f"retrain is false but {this} does not exist yet: no model has been fitted; run one build with "
            "--vars '{retrain: true}' (the default) first."
        )
    return existing


def scoring_fit(registry: pd.DataFrame, scalers: pd.DataFrame,
                centroids: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(scaler, centroids) of the version in force, from segment_models and the registry tables.

    segment_models publishes a pinned version, so its published row is the scoring version either way.
    The frames have segment_scaler's and segment_centroids' columns, for Python models that describe the
    model customers are scored with (rules, the report's projection).
    """
    version = published_version(registry)
    scaler = scalers[scalers["model_version"] == version].drop(columns="model_version")
    chosen = centroids[centroids["model_version"] == version]
    return (scaler.sort_values("feature_position").reset_index(drop=True),
            chosen.sort_values(["segment_id", "feature_position"]).reset_index(drop=True))


def registry_table(previous: pd.DataFrame | None, *, centroids, scalers, recorded: dict, stability, k_selection,
                   window, tenure, settings, now) -> pd.DataFrame:
    """segment_models: the registry the previous build left (`previous`), moved on by this build.

    The frames are the model's refs (warehouse frames or pandas): the latest fit (segment_centroids), the
    registry tables that must record it (segment_model_scalers, and `recorded` by name), its evidence
    (segment_stability, segment_k_selection), the as-of date (int_feature_window) and the customers'
    tenure (customer_features.tenure_days); `settings` are the model's vars (python_udfs.model_settings).
    """
    from python_udfs.frames import to_pandas

    centroids = to_pandas(centroids, order_by="segment_id")
    latest_fit = str(centroids["model_version"].iloc[0]) if len(centroids) else None
    scaler = recorded_scaler(latest_fit, to_pandas(scalers, order_by="feature_position"),
                             **{name: to_pandas(table) for name, table in recorded.items()})
    as_of_date = pd.Timestamp(to_pandas(window)["as_of_date"].iloc[0])
    tenure = to_pandas(tenure)
    return next_registry(
        previous,
        centroids=centroids,
        scaler=scaler,
        stability=to_pandas(stability, order_by="segment_id"),
        k_selection=to_pandas(k_selection, order_by="k"),
        as_of_date=as_of_date,
        # the longest-standing customer's start (signup, first order or event): the data the fit saw;
        # unknown (null) for a customer table without signup dates
        training_window_start=(None if tenure["tenure_days"].isna().all()
                               else as_of_date - pd.Timedelta(days=int(tenure["tenure_days"].max()))),
        parameters=(f"n_segments={settings.n_segments}; segment_k_range={list(settings.segment_k_range)}; "
                    f"random_state={settings.random_state}; kmeans_n_init={settings.kmeans_n_init}"),
        settings=settings.gate,
        pinned=settings.model_version,
        now=now,
    )
