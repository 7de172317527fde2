"""Registry and incremental scoring: consecutive builds of changing demo data into one DuckDB file.

Day 1 fits and publishes a model. Day 2 (new customers, customers who buy again, drifted sessions, a few
customers gone) is scored only: exactly the customers whose features changed are re-scored, the gone ones
are deleted. A deliberately over-segmented model (K = 10 on five archetypes, splinter segments under the
5 % bar) is refused by the publish gate and scoring stays on day 1's version. A sound retrain is published
and re-scores everyone; pinning day 1's version rolls back and reproduces its day-2 labels exactly, and a
full refresh gives the same rows.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from conftest import new_build
from python_udfs.demo.changes import evolve
from python_udfs.demo.data import generate

CUSTOMERS = 2000
GONE = 5
# cheap but real settings: the five archetypes at a fixed K, few bootstrap resamples
SETTINGS = {"n_segments": 5, "segment_k_range": [4, 6], "stability_bootstrap_samples": 3, "gap_reference_sets": 2,
            "kmeans_n_init": 3}
# over-segmented: K = 10 on five archetypes splits them into splinters (allowed unstable, so only the gate stops it)
DEGRADED = {**SETTINGS, "n_segments": 10, "segment_k_range": [9, 10], "allow_unstable_segments": True,
            "publish_gate_min_segment_share": 0.05}
# the raw data is unchanged between these runs: refit and re-score without re-cleaning it
REFIT = ["segment_retrain_decision", "segment_scaler+"]
LABELS = ("select customer_id, segment_id, segment_name, distance_to_centroid, model_version, feature_hash "
          "from customer_segments order by customer_id")


def drop_customers(raw_dir, count: int, keep: list[str]) -> list[str]:
    """Remove `count` customers not in `keep` (their record and everything of theirs) from the raw files."""
    with duckdb.connect() as connection:
        gone = [row[0] for row in connection.execute(
            f"select customer_id from read_parquet('{raw_dir}/customers.parquet') "
            "where customer_id similar to 'C[0-9]+' and customer_id not in (select unnest(?)) "
            "order by md5(customer_id) limit ?", [keep, count]).fetchall()]
        listed = ", ".join(f"'{customer}'" for customer in gone)  # ids of the form C123: safe to inline
        for table in ("customers", "transactions", "events", "support_tickets"):
            path = raw_dir / f"{table}.parquet"
            connection.execute(f"copy (select * from read_parquet('{path}') where customer_id is null "
                               f"or customer_id not in ({listed})) to '{path}.next' (format parquet)")
            path.with_name(path.name + ".next").replace(path)
    return gone


def feature_values(build, features: list[str]) -> pd.DataFrame:
    return build.query(f"select customer_id, {', '.join(features)} from customer_features").set_index("customer_id")


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    root = tmp_path_factory.mktemp("registry")
    build = new_build(root)
    generate(n_customers=CUSTOMERS, out_dir=str(build.raw_dir), truth_dir=str(build.truth_dir))
    day2 = root / "raw_day2"
    planted = evolve(build.raw_dir, day2, new=40, changed=40, drifted=40, seed=5)
    planted["gone"] = drop_customers(day2, GONE, keep=[cid for ids in planted.values() for cid in ids])
    # no data tests: the demo build (conftest) runs every one of them on these models already
    build.dbt("build", "--exclude-resource-type", "test", "unit_test", extra_vars=SETTINGS)
    return build, day2, planted


def test_consecutive_builds_rescore_refuse_publish_and_roll_back(scenario):
    build, day2, planted = scenario
    registry = build.query("select * from segment_models")
    assert registry["status"].tolist() == ["published"] and registry["published_by"][0] == "publish_gate"
    day1_version = registry["model_version"][0]
    features = build.query("select feature from segment_model_scalers order by feature_position")["feature"].tolist()
    day1_features = feature_values(build, features)
    day1_labels = build.query(LABELS)
    assert (day1_labels["model_version"] == day1_version).all() and len(day1_labels) == CUSTOMERS

    # --- day 2, score only (what a daily schedule runs): only changed and new customers are re-scored
    build.raw_dir = day2
    build.dbt("run", "--selector", "score_only", extra_vars={**SETTINGS, "retrain": False})
    day2_features = feature_values(build, features)
    common = day2_features.index.intersection(day1_features.index)
    differs = (day2_features.loc[common] != day1_features.loc[common]) & ~(
        day2_features.loc[common].isna() & day1_features.loc[common].isna())
    changed = set(common[differs.any(axis=1)]) | set(day2_features.index.difference(day1_features.index))
    scored = build.query("select customer_id, scored_at from customer_segments")
    day1_run = day1_labels.merge(scored, on="customer_id")["scored_at"].min()
    rescored = set(scored.loc[scored["scored_at"] > day1_run, "customer_id"])
    assert rescored == changed
    assert set(planted["new"]) | set(planted["changed"]) | set(planted["drifted"]) <= rescored
    assert len(rescored) < 0.2 * CUSTOMERS
    assert set(scored["customer_id"]) == set(day2_features.index)  # the gone customers were deleted
    assert not set(planted["gone"]) & set(scored["customer_id"])
    day2_labels_v1 = build.query(LABELS)
    assert (day2_labels_v1["model_version"] == day1_version).all()

    # --- a degraded model is refused: scoring stays on day 1's version, nobody is re-scored
    before = build.query("select * from customer_segments order by customer_id")
    result = build.dbt("run", "--select", *REFIT, extra_vars=DEGRADED)
    registry = build.query("select * from segment_models order by trained_at, model_version")
    degraded = registry[registry["model_version"] != day1_version].iloc[0]
    assert degraded["status"] == "candidate" and not degraded["gate_passed"] and degraded["n_segments"] == 10
    assert "below publish_gate_min_segment_share 5.00%" in degraded["gate_reason"]
    assert f"scoring stays on {day1_version}" in degraded["gate_reason"]
    assert f"latest fit {degraded['model_version']} is NOT published" in result.stdout
    assert registry.set_index("model_version").at[day1_version, "status"] == "published"
    pd.testing.assert_frame_equal(before, build.query("select * from customer_segments order by customer_id"))
    assert (build.query("select distinct model_version from segment_dictionary")["model_version"].tolist()
            == [day1_version])

    # --- a sound retrain on day 2 passes the gate, is published and re-scores everyone
    build.dbt("run", "--select", *REFIT, extra_vars=SETTINGS)
    registry = build.query("select * from segment_models").set_index("model_version")
    retrained = registry.index[registry["latest_fit"]][0]
    assert retrained not in (day1_version, degraded["model_version"])
    assert registry.at[retrained, "status"] == "published" and registry.at[day1_version, "status"] == "retired"
    assert (build.query(LABELS)["model_version"] == retrained).all()

    # --- roll back: pinning day 1's version reproduces its day-2 labels exactly, dictionary included
    build.dbt("run", "--selector", "score_only",
              extra_vars={**SETTINGS, "retrain": False, "model_version": day1_version})
    pd.testing.assert_frame_equal(day2_labels_v1, build.query(LABELS), check_exact=True)
    assert (build.query("select distinct model_version from segment_dictionary")["model_version"].tolist()
            == [day1_version])
    registry = build.query("select * from segment_models").set_index("model_version")
    assert registry.at[day1_version, "status"] == "published"
    assert registry.at[day1_version, "published_by"] == "pinned by var model_version"
    assert registry.at[retrained, "status"] == "retired"

    # --- the rollback sticks without the pin, and a full refresh gives the same rows
    build.dbt("run", "--select", "customer_segments", "--full-refresh", extra_vars={**SETTINGS, "retrain": False})
    pd.testing.assert_frame_equal(day2_labels_v1, build.query(LABELS), check_exact=True)


def test_an_unknown_pin_fails_fast_listing_the_registered_versions(scenario):
    build, _, _ = scenario
    versions = build.query("select model_version from segment_models")["model_version"].tolist()
    result = build.dbt("run", "--select", "customer_segments", check=False, extra_vars={"model_version": "km-nope"})
    assert result.returncode != 0
    assert "model_version is 'km-nope', which is not a registered model version" in result.stdout
    assert all(version in result.stdout for version in versions)


def test_retrain_on_drift_reads_the_previous_builds_segment_health(scenario):
    build, _, _ = scenario
    score_only = {"retrain": False, "retrain_on_drift": True}
    with duckdb.connect(str(build.database)) as connection:  # what i4drift's segment_health holds after a breach
        connection.execute("create or replace table segment_health as "
                           "select 'sessions_per_month_log' as check_name, true as retrain_recommended")
    build.dbt("run", "--select", "segment_retrain_decision", extra_vars=score_only)
    decision = build.query("select * from segment_retrain_decision")
    assert decision["retrain"].tolist() == [True] and "segment_health recommends retraining" in decision["reason"][0]
    with duckdb.connect(str(build.database)) as connection:
        connection.execute("update segment_health set retrain_recommended = false")
    build.dbt("run", "--select", "segment_retrain_decision", extra_vars=score_only)
    assert build.query("select retrain from segment_retrain_decision")["retrain"].tolist() == [False]
