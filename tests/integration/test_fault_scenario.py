"""No build can break the next one: failed, refused and killed builds on one DuckDB file, each a real `dbt build`.

The steps (small demo data, 2,000 customers; "default" = the scenario's cheap settings, K = 5):
  1. a default build publishes a model;
  2. n_segments: 10 fails on its unstable segments after the registry tables recorded the fit;
  3. defaults again: the unregistered fit is removed and the published model, keys and all, is refitted;
  4. a candidate on other features is refused by the publish gate (the build is green);
  5. defaults killed with SIGKILL while segment_centroids (a fit model) runs: the fit tables are left
     from two fits (were that fit unrecorded, recording it with this scaler would be refused, naming
     the fix); then defaults;
  6. n_segments: 4 killed while customer_segments runs, after segment_models published it (its keys are
     not 0..3); then defaults, a K = 5 retrain matched to K = 4's keys, published;
  7. n_segments: 6 killed while segment_models runs: the registry tables hold a version never
     registered; then defaults;
  8. a rollback (model_version pinned to the K = 4 version) killed while segment_membership_runs (a
     history model) runs, after the history recorded the rollback;
  9. --full-refresh with the defaults.
After every step the next default build is green, and then customer_segments holds every customer of
customer_features scored with the version in force (recomputed in numpy), segment_models lists every
version the registry, baseline and profile tables hold and every version that ever scored a customer,
history has one open row per customer, every history time has its run row, and segment_export agrees
with customer_segments. At the end, with keys that are not 0..K-1, every per-segment table speaks in
segment keys.

The raw data never changes, so after the first build the cleaning and feature models (+customer_features)
are left out (and, as in every test build but the demo's, dbt's unit tests); builds run on two threads, and
each set of settings has its own target folder, so dbt parses partially when settings repeat.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from dataclasses import replace

import duckdb
import numpy as np
import pandas as pd
import pytest

from conftest import PROJECT_ROOT, Build, dbt_command, new_build
from python_udfs.demo.data import generate
from python_udfs.report import build_report
from python_udfs.segmentation import centroid_matrix, standardize

CUSTOMERS = 2000
DEFAULT = {"n_segments": 5, "segment_k_range": [4, 6], "stability_bootstrap_samples": 3, "gap_reference_sets": 2,
           "kmeans_n_init": 3}
FEATURES = ["recency_days_log", "frequency_log", "monetary_log", "avg_order_value_log", "discount_share",
            "return_rate", "category_diversity", "sessions_per_month_log"]
STEP_VARS = {
    "default": DEFAULT,
    "k10": {**DEFAULT, "n_segments": 10, "segment_k_range": [9, 10]},
    "fewer_features": {**DEFAULT, "segment_features": FEATURES[:-1]},
    "k4": {**DEFAULT, "n_segments": 4},
    # unstable segments allowed, so this build reaches segment_models
    "k6": {**DEFAULT, "n_segments": 6, "allow_unstable_segments": True},
    # defaults with model_version pinned (the version is known only once built)
    "rollback": DEFAULT,
}
# the raw data never changes: after the first build its cleaning and features stay as they are
UNCHANGED_RAW = ["--exclude", "+customer_features", "--threads", "2"]
REGISTRY_TABLES = ("segment_model_scalers", "segment_model_centroids", "segment_training_shares",
                   "segment_training_bins", "segment_distance_profile")


def settings(build: Build, name: str) -> Build:
    """The build with the target folder of one set of settings (dbt parses partially when they repeat)."""
    return replace(build, target_dir=build.database.parent / f"target_{name}")


def dbt_build(build: Build, name: str, *args: str, overrides: dict | None = None) -> subprocess.CompletedProcess:
    return settings(build, name).dbt("build", *UNCHANGED_RAW, *args, check=False,
                                     extra_vars={**STEP_VARS[name], **(overrides or {})})


def green(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stdout[-6000:]


def dbt_build_killed_while(build: Build, name: str, node: str, overrides: dict | None = None) -> list[str]:
    """Run a build and SIGKILL dbt's whole process group as soon as dbt starts `node`; returns the
    nodes it had started before."""
    command, env = dbt_command(settings(build, name), "build", *UNCHANGED_RAW, "--log-format", "json",
                               extra_vars={**STEP_VARS[name], **(overrides or {})})
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env={**env, "PYTHONUNBUFFERED": "1"}, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
    started = []
    try:
        for line in process.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("info", {}).get("name") == "LogStartLine":
                started.append(event["data"]["node_info"]["node_name"])
                if started[-1] == node:
                    os.killpg(process.pid, signal.SIGKILL)
                    break
    finally:
        if process.poll() is None and started[-1:] != [node]:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        process.stdout.close()
    assert started[-1:] == [node] and process.returncode == -signal.SIGKILL, f"dbt ended before {node} started"
    return started[:-1]


def next_default_build(build: Build, *args: str) -> str:
    """The next default build: green, and everything consistent after it; returns its log."""
    result = dbt_build(build, "default", *args)
    green(result)
    assert_consistent(build)
    return result.stdout


def unregistered(build: Build, table: str) -> set[str]:
    return versions_in(build, table) - set(registry(build).index)


def registry(build: Build) -> pd.DataFrame:
    return build.query("select * from segment_models order by trained_at, model_version").set_index("model_version")


def published(build: Build) -> str:
    versions = registry(build).query("status == 'published'").index.tolist()
    assert len(versions) == 1, versions
    return versions[0]


def versions_in(build: Build, table: str) -> set[str]:
    return set(build.query(f"select distinct model_version from {table}")["model_version"])


def keys_of(build: Build, version: str) -> list[int]:
    return build.query(f"select distinct segment_id from segment_model_centroids where model_version = '{version}' "
                       "order by segment_id")["segment_id"].tolist()


def assert_consistent(build: Build) -> None:
    """What must hold after any build has recovered."""
    listed = set(registry(build).index)
    for table in REGISTRY_TABLES:
        assert versions_in(build, table) <= listed, f"{table} holds versions segment_models does not list"
    in_force = published(build)
    for table in REGISTRY_TABLES[:4]:
        assert in_force in versions_in(build, table), f"{table} lacks the version in force"

    # every customer, scored with the version in force, exactly as the numpy rule scores them
    features = build.query("select * from customer_features order by customer_id")
    segments = build.query("select * from customer_segments order by customer_id")
    assert segments["customer_id"].tolist() == features["customer_id"].tolist()
    assert set(segments["model_version"]) == {in_force}
    scaler = build.query(f"select * from segment_model_scalers where model_version = '{in_force}'")
    centroids = build.query(f"select * from segment_model_centroids where model_version = '{in_force}'")
    keys, _ = centroid_matrix(centroids).nearest(standardize(features, scaler))
    assert segments["segment_id"].tolist() == keys.tolist()

    # history: one open row per scored customer, in the segment and version customer_segments says
    history = build.query("select * from segment_membership_history")
    current = history[history["valid_to"].isna()].sort_values("customer_id")
    assert current["customer_id"].tolist() == segments["customer_id"].tolist()
    assert current["segment_id"].tolist() == segments["segment_id"].tolist()
    assert set(current["model_version"]) == {in_force}
    assert set(history["model_version"]) <= listed, "a version that scored customers is no longer listed"
    times = set(history["valid_from"]) | set(history["valid_to"].dropna())
    assert times <= set(build.query("select observed_at from segment_membership_runs")["observed_at"])

    export = build.query("select * from segment_export order by external_id")
    assert export["external_id"].tolist() == segments["customer_id"].tolist()
    assert set(export["model_version"]) == {in_force}
    named = ~export["is_segment_suppressed"]
    assert export.loc[named, "segment_id"].tolist() == segments.loc[named.to_numpy(), "segment_id"].tolist()


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    build = new_build(tmp_path_factory.mktemp("faults"))
    generate(n_customers=CUSTOMERS, out_dir=str(build.raw_dir), truth_dir=str(build.truth_dir))
    return build


def test_failed_refused_and_killed_builds_never_break_the_next_one(scenario):
    build = scenario

    # 1. a good build (with the cleaning this once)
    green(settings(build, "default").dbt("build", "--threads", "2", check=False, extra_vars=DEFAULT))
    assert_consistent(build)
    first = published(build)
    assert keys_of(build, first) == [0, 1, 2, 3, 4]

    # 2. K = 10 on five archetypes: unstable segments fail the build after the fit was recorded
    result = dbt_build(build, "k10")
    assert result.returncode != 0 and "no_segment_with_verdict_segment_stability_verdict__unstable" in result.stdout
    (k10,) = unregistered(build, "segment_model_scalers")
    assert published(build) == first

    # 3. defaults again: the unregistered fit is removed, the published model refitted as it was
    assert f"removed the rows of {k10} from segment_model_centroids" in next_default_build(build)
    assert registry(build).index.tolist() == [first] and registry(build).at[first, "latest_fit"]

    # 4. a candidate on other features is refused; the build is green and scoring stays
    before = build.query("select * from customer_segments order by customer_id")
    green(dbt_build(build, "fewer_features"))
    state = registry(build)
    refused = state.index[state["latest_fit"]][0]
    assert state.at[refused, "status"] == "candidate" and "features changed" in state.at[refused, "gate_reason"]
    pd.testing.assert_frame_equal(before, build.query("select * from customer_segments order by customer_id"))
    assert_consistent(build)

    # 5. defaults killed while a fit model runs: segment_scaler is refitted (eight features), segment_centroids
    # still holds the refused fit (seven). Recorded already, that fit is safe; were it not (its version
    # renamed for a moment), recording it with the other fit's scaler is refused, naming the fix
    dbt_build_killed_while(build, "default", "segment_centroids")
    assert build.query("select count(*) as n from segment_scaler")["n"][0] == len(FEATURES)
    with duckdb.connect(str(build.database)) as connection:
        connection.execute("update segment_centroids set model_version = 'km-unrecorded'")
    recorded = settings(build, "default").dbt("run", "--select", "segment_model_scalers", check=False,
                                              extra_vars=DEFAULT)
    with duckdb.connect(str(build.database)) as connection:
        connection.execute("update segment_centroids set model_version = ?", [refused])
    assert recorded.returncode != 0 and "segment_scaler is not the scaler of the fit" in recorded.stdout
    next_default_build(build)
    assert published(build) == first and registry(build).at[first, "latest_fit"]

    # 6. n_segments: 4, killed while customer_segments runs, after segment_models published it
    dbt_build_killed_while(build, "k4", "customer_segments")
    four = published(build)
    assert four != first and registry(build).at[first, "status"] == "retired"
    assert registry(build).at[first, "retired_reason"] == f"replaced by {four}, which passed the publish gate"
    assert set(build.query("select distinct model_version from customer_segments")["model_version"]) == {first}
    assert len(keys_of(build, four)) == 4 and keys_of(build, four) != [0, 1, 2, 3]
    next_default_build(build)
    five = published(build)
    assert five not in (first, four) and max(keys_of(build, five)) > max(keys_of(build, four))

    # 7. n_segments: 6, killed while segment_models runs: the registry tables hold a version never registered
    dbt_build_killed_while(build, "k6", "segment_models")
    (k6,) = unregistered(build, "segment_model_centroids")
    assert published(build) == five
    assert f"removed the rows of {k6} from segment_model_centroids" in next_default_build(build)
    assert published(build) == five and registry(build).at[five, "latest_fit"]

    # 8. a rollback to the K = 4 version, killed while a history model runs: the history recorded it,
    # its run row is missing
    runs_before = len(build.query("select * from segment_membership_runs"))
    dbt_build_killed_while(build, "rollback", "segment_membership_runs", overrides={"model_version": four})
    assert set(build.query("select model_version from segment_membership_history where valid_to is null")
               ["model_version"]) == {four}
    assert len(build.query("select * from segment_membership_runs")) == runs_before

    # 9. --full-refresh (defaults): the registry and the history are kept, the missing run row is added
    next_default_build(build, "--full-refresh")
    assert len(build.query("select * from segment_membership_runs")) == runs_before + 2
    assert registry(build).at[five, "retired_reason"] == f"rolled back: model_version pinned {four}"
    assert {first, refused, four, five} <= set(registry(build).index)


def test_every_per_segment_table_speaks_in_the_scoring_models_keys(scenario, tmp_path):
    """After the scenario the scoring model's keys are not 0..K-1 (a K = 5 retrain matched to K = 4's)."""
    build = scenario
    version = published(build)
    keys = keys_of(build, version)
    assert keys != list(range(len(keys))), keys
    segments = build.query("select * from customer_segments")
    sizes = segments["segment_id"].value_counts().sort_index()
    assert sizes.index.tolist() == keys

    def per_segment(table: str, column: str = "segment_id", where: str = "") -> pd.DataFrame:
        return build.query(f"select * from {table} {where} order by {column}")

    # the fit's evidence: this fit is the scoring version, so its keys are the scoring keys
    stability = per_segment("segment_stability")
    assert set(stability["model_version"]) == {version} and stability["segment_id"].tolist() == keys
    training = build.query(f"select segment_id, max(training_customers) as n from segment_model_centroids "
                           f"where model_version = '{version}' group by 1 order by 1")
    assert stability["training_customers"].tolist() == training["n"].tolist()
    shares = per_segment("segment_training_shares", where=f"where model_version = '{version}'")
    assert shares["segment_id"].tolist() == keys and shares["training_customers"].tolist() == training["n"].tolist()
    profile = per_segment("segment_distance_profile", where=f"where model_version = '{version}'")
    assert profile["segment_id"].tolist() == keys

    # explanations: each segment's rule and drivers under its own key
    rules = per_segment("segment_rules")
    assert rules["segment_id"].tolist() == keys and rules["segment_customers"].tolist() == sizes.tolist()
    rule_segments = build.query("select * from customer_rule_segments")
    assert set(rule_segments["segment_id"]) == set(keys) and set(rule_segments["rule_segment_id"]) <= set(keys)
    assert rule_segments["rule_agrees"].mean() > 0.8
    drivers = per_segment("segment_drivers")
    assert sorted(set(drivers["segment_id"])) == keys
    centroids = build.query(f"select segment_id, feature, centroid_value from segment_model_centroids "
                            f"where model_version = '{version}'")
    joined = drivers.merge(centroids, on=["segment_id", "feature"], suffixes=("", "_registry"))
    assert len(joined) == len(drivers) and np.allclose(joined["centroid_value"], joined["centroid_value_registry"])

    # marts BI reads
    for table in ("segment_dictionary", "segment_profiles"):
        assert per_segment(table)["segment_id"].tolist() == keys, table
    assert per_segment("segment_profiles")["customer_count"].tolist() == sizes.tolist()
    scores = build.query("select * from customer_segment_scores")
    assert {f"squared_distance_to_{key}" for key in keys} <= set(scores.columns)
    assert set(scores["segment_id"]) == set(keys) and set(scores["second_segment_id"]) <= set(keys)
    projection = build.query("select * from segment_projection")
    centres = projection[projection["point_type"] == "centroid"].sort_values("segment_id")
    assert centres["segment_id"].tolist() == keys and centres["point_id"].tolist() == [f"centroid-{k}" for k in keys]
    sampled = projection[projection["point_type"] == "customer"].merge(segments, on="customer_id")
    assert (sampled["segment_id_x"] == sampled["segment_id_y"]).all()
    assert sorted(set(build.query("select segment_id from segment_feature_distribution")["segment_id"])) == keys
    backtest = build.query("select distinct segment_id from segment_backtest")["segment_id"]
    assert set(backtest) <= set(keys) and len(backtest) > 1
    drift = build.query("select subject from segment_drift where drift_type = 'segment'")
    assert drift["subject"].astype(int).sort_values().tolist() == keys
    export = build.query("select segment_id from segment_export where not is_segment_suppressed")
    assert set(export["segment_id"]) <= set(keys)

    # the report: one card per key, named as segment_dictionary names it
    report = build_report(build.database, tmp_path / "report.html").read_text()
    assert all(f'data-segment-id="{key}"' in report for key in keys)
