"""Drift monitoring over consecutive builds into one DuckDB file, and the back-test on the demo.

Day 1 fits a model and records its baseline (PSI 0 everywhere: the baseline is today's data).
Day 2 (python_udfs.demo.changes: a few new and changed customers, and 70 % of customers whose web
sessions are logged twice) is scored with the day-1 model, as a score-only build does: PSI rises
above drift_psi_error on sessions_per_month_log and stays below drift_psi_warn on every other feature,
the error test fails the build, and segment_health asks for a retrain when retrain_on_drift is set.
A retrain on day 2 records a second baseline beside the first and is back within thresholds; pinning
the day-1 model again on day 2 brings back its own baseline and its drift.
"""

from __future__ import annotations

import pytest

from conftest import Build, new_build
from python_udfs.demo.changes import evolve
from python_udfs.demo.data import generate

CUSTOMERS = 2000
# Doubling every session of a customer moves sessions_per_month_log by up to ln 2; measured on the demo,
# a PSI above 0.25 needs about 60 % of customers drifted (50 %: 0.22, 70 %: 0.44).
DRIFTED_SHARE = 0.7
# only what segment_health and segment_backtest need; the explain, report and stability stages are not
SELECT = ["--select", "+segment_health", "+segment_backtest", "--indirect-selection", "cautious"]
# a score-only build (the retrain switch): the published day-1 model scores day 2
SCORE_ONLY = {"retrain": False}
SETTINGS = {"n_segments": 5, "gap_reference_sets": 2, "gap_n_init": 1, "kmeans_n_init": 3}
WARN_TEST = "segment_health_psi_below_warning_threshold"
ERROR_TEST = "segment_health_psi_below_error_threshold"


def statuses(build: Build) -> dict[str, str]:
    """The status of every data test of the last dbt invocation, by test name."""
    return {result["unique_id"].split(".")[2]: result["status"] for result in build.run_results()
            if result["unique_id"].startswith("test.")}


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """Day 1 built and fitted; day 2 scored with the day-1 model (retrain_on_drift on), then retrained."""
    root = tmp_path_factory.mktemp("drift")
    build = new_build(root)
    day_one = build.raw_dir
    generate(n_customers=CUSTOMERS, seed=11, out_dir=str(day_one), truth_dir=str(build.truth_dir))
    build.dbt("build", *SELECT, extra_vars=SETTINGS)
    days = {"day_one": {"health": build.query("select * from segment_health"),
                        "bins": build.query("select * from segment_training_bins order by all"),
                        "tests": statuses(build)}}

    day_two = root / "raw_day_two"
    changed = evolve(day_one, day_two, new=40, changed=40, drifted=int(DRIFTED_SHARE * CUSTOMERS), seed=2)
    build.raw_dir = day_two
    scored = build.dbt("build", *SELECT, check=False, extra_vars={**SETTINGS, **SCORE_ONLY, "retrain_on_drift": True})
    days["day_two"] = {"returncode": scored.returncode, "log": scored.stdout,
                       "health": build.query("select * from segment_health"),
                       "drift": build.query("select * from segment_drift"),
                       "segments": build.query("select distinct model_version from customer_segments"),
                       "tests": statuses(build)}

    # the retrain: refit on day 2; the publish gate publishes it and everyone is re-scored
    build.dbt("build", *SELECT, extra_vars=SETTINGS)
    days["retrained"] = {"health": build.query("select * from segment_health"),
                         "bins": build.query("select * from segment_training_bins order by all"),
                         "shares": build.query("select * from segment_training_shares"),
                         "tests": statuses(build)}

    # a rollback: pin the day-1 version again on the same day-2 data; its drift is judged against its own
    # (day-1) baseline, not the retrained version's
    day_one_version = days["day_one"]["bins"]["model_version"].iloc[0]
    pinned = build.dbt("build", *SELECT, check=False,
                       extra_vars={**SETTINGS, **SCORE_ONLY, "model_version": day_one_version})
    days["pinned"] = {"returncode": pinned.returncode,
                      "health": build.query("select * from segment_health"),
                      "segments": build.query("select distinct model_version from customer_segments"),
                      "tests": statuses(build)}
    return build, days, changed


def test_first_build_is_its_own_baseline(scenario):
    _, days, _ = scenario
    health = days["day_one"]["health"]
    assert (health["status"] == "ok").all(), health
    assert (health.loc[health["check_name"] != "baseline_recorded", "metric_value"] == 0).all()
    assert set(health.loc[health["check_name"] == "feature_psi", "subject"]) == set(
        days["day_one"]["bins"]["feature"])
    assert days["day_one"]["tests"][WARN_TEST] == "pass"
    assert days["day_one"]["tests"][ERROR_TEST] == "pass"
    assert days["day_one"]["tests"]["segment_backtest_segments_differ_on_churn"] == "pass"


def test_drift_breaches_the_threshold_on_the_drifted_feature_only(scenario):
    _, days, changed = scenario
    day_two, day_one = days["day_two"], days["day_one"]
    assert len(changed["drifted"]) == DRIFTED_SHARE * CUSTOMERS
    # scored with the day-1 model, compared with its baseline
    assert day_two["segments"]["model_version"].tolist() == day_one["bins"]["model_version"].unique().tolist()
    psi = feature_psi_from(day_two["health"])
    assert psi.pop("sessions_per_month_log") > 0.25
    assert psi and max(psi.values()) < 0.1, psi
    # the error test fails the build, and only the drifted feature is in error
    assert day_two["returncode"] != 0
    assert day_two["tests"][ERROR_TEST] == "fail" and day_two["tests"][WARN_TEST] == "warn"
    errors = day_two["health"][day_two["health"]["status"] == "error"]
    assert errors["subject"].tolist() == ["sessions_per_month_log"]
    # retrain_on_drift turns exactly the error rows into a retrain request for the next build
    assert day_two["health"]["retrain_recommended"].tolist() == (day_two["health"]["status"] == "error").tolist()


def feature_psi_from(health) -> dict[str, float]:
    rows = health[health["check_name"] == "feature_psi"]
    return dict(zip(rows["subject"], rows["metric_value"]))


def test_segment_rows_compare_shares_now_and_at_training(scenario):
    _, days, _ = scenario
    drift = days["day_two"]["drift"]
    segments = drift[drift["drift_type"] == "segment"]
    assert segments["training_share"].sum() == pytest.approx(1)
    assert segments["current_share"].sum() == pytest.approx(1)
    assert segments["current_customers"].sum() == CUSTOMERS + 40
    mix = days["day_two"]["health"].query("check_name == 'segment_mix_psi'")["metric_value"].item()
    assert mix == pytest.approx(segments["psi"].sum())


def test_a_retrain_adds_its_own_baseline_and_keeps_the_old_one(scenario):
    build, days, _ = scenario
    before, after = days["day_one"]["bins"], days["retrained"]["bins"]
    versions = after["model_version"].unique().tolist()
    assert len(versions) == 2
    old = before["model_version"].iloc[0]
    kept = after[after["model_version"] == old].reset_index(drop=True)
    assert kept.equals(before.reset_index(drop=True))
    assert set(days["retrained"]["shares"]["model_version"]) == set(versions)
    # the new version is compared with its own training data (day 2): no drift, the build passes
    health = days["retrained"]["health"]
    assert health["model_version"].unique().tolist() == [v for v in versions if v != old]
    assert (health["status"] == "ok").all(), health
    assert days["retrained"]["tests"][ERROR_TEST] == "pass"


def test_a_pinned_older_version_is_judged_against_its_own_baseline(scenario):
    _, days, _ = scenario
    pinned, day_two = days["pinned"], days["day_two"]
    old = days["day_one"]["bins"]["model_version"].iloc[0]
    assert pinned["segments"]["model_version"].tolist() == [old]
    assert pinned["health"]["model_version"].unique().tolist() == [old]
    # same data and same baseline as the score-only day 2: the same PSI per feature, and the same error
    assert feature_psi_from(pinned["health"]) == pytest.approx(feature_psi_from(day_two["health"]), abs=1e-12)
    assert pinned["returncode"] != 0 and pinned["tests"][ERROR_TEST] == "fail"


def test_backtest_segments_differ_on_churn_on_the_demo(demo_build):
    """The 'does it matter' answer on the 20,000-customer demo: churn in the 90 days after the back-test
    date separates the segments, and the champions-like segment churns far less than the lapsing one."""
    backtest = demo_build.query("select * from segment_backtest order by segment_id")
    assert backtest["customers"].sum() == demo_build.query(
        "select count(*) as n from int_backtest_customer_features")["n"].item()
    by_name = backtest.set_index("segment_name")
    loyal, lapsing = by_name.loc["High-Value Loyalists"], by_name.loc["Lapsing Customers"]
    assert loyal["churn_rate_ci_upper"] < lapsing["churn_rate_ci_lower"]
    assert loyal["revenue_per_customer_ci_lower"] > lapsing["revenue_per_customer_ci_upper"]
    # the back-test measures a real window of data: it ends at the features' as-of date
    window = demo_build.query("select * from int_backtest_window")
    assert (window["outcome_window_end"] == window["data_as_of_date"]).all()
    assert (backtest["outcome_days"] == 90).all()
