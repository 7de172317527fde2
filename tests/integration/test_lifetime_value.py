"""Customer lifetime value on the default demo: every scored customer is valued with the stored parameters,
the segment and export marts carry the same numbers, the back-test's ranking figures are what scipy computes,
and a build without CLV is green with a warning and empty value columns."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from conftest import Build
from python_udfs.clv import score_customers

HORIZON_DAYS, ANNUAL_DISCOUNT_RATE = 365, 0.1  # dbt_project.yml's defaults, which the demo build uses


def test_every_scored_customer_is_valued_with_the_stored_parameters(demo_build):
    parameters = demo_build.query("select * from clv_model_parameters order by model, parameter")
    assert len(parameters) == 7 and parameters["skipped_reason"].isna().all()
    assert parameters["clv_model_version"].nunique() == 1
    valued = demo_build.query("select * from customer_lifetime_value order by customer_id")
    segments = demo_build.query("select customer_id from customer_segments order by customer_id")
    assert valued["customer_id"].tolist() == segments["customer_id"].tolist()
    assert (valued["clv_model_version"] == parameters["clv_model_version"][0]).all()
    # scored again here from the stored table alone: the model used nothing else
    inputs = demo_build.query("select * from int_customer_clv_inputs")
    again = score_customers(inputs, parameters, HORIZON_DAYS, ANNUAL_DISCOUNT_RATE)
    for column in ("expected_purchases", "p_alive", "expected_order_value", "clv"):
        np.testing.assert_allclose(valued[column], again[column], rtol=1e-12, err_msg=column)
    assert valued["clv"].gt(0).all() and valued["p_alive"].between(0, 1).all()


def test_segment_marts_and_the_export_carry_the_customers_values(demo_build):
    per_segment = demo_build.query(
        "select segment_id, sum(clv) as total_clv, avg(p_alive) as mean_p_alive, count(*) as customers "
        "from customer_lifetime_value inner join customer_segments using (customer_id) group by segment_id "
        "order by segment_id")
    marts = demo_build.query("select * from segment_lifetime_value order by segment_id")
    # summed as decimals of 6 places: within a cent per customer
    np.testing.assert_allclose(marts["total_clv"], per_segment["total_clv"], rtol=1e-9, atol=0.01 * 20_000)
    np.testing.assert_allclose(marts["mean_p_alive"], per_segment["mean_p_alive"], atol=1e-6)
    assert marts["valued_customers"].tolist() == per_segment["customers"].tolist()
    assert marts["predicted_value_share"].sum() == pytest.approx(1, abs=1e-12)
    profiles = demo_build.query("select segment_id, total_clv, mean_clv, predicted_value_share from segment_profiles "
                                "order by segment_id")
    pd.testing.assert_frame_equal(profiles, marts[profiles.columns], check_exact=True)
    export = demo_build.query("select external_id, clv from segment_export order by external_id")
    values = demo_build.query("select customer_id, clv from customer_lifetime_value order by customer_id")
    assert export["external_id"].tolist() == values["customer_id"].tolist()
    assert np.array_equal(export["clv"].to_numpy(), values["clv"].to_numpy())


def test_the_backtest_ranks_customers_by_clv_as_scipy_does(demo_build):
    joined = demo_build.query(
        "select b.customer_id, b.segment_id, v.clv, o.outcome_revenue from backtest_customer_segments b "
        "inner join int_backtest_customer_lifetime_value v using (customer_id) "
        "inner join int_backtest_outcomes o using (customer_id)")
    joined["outcome_revenue"] = joined["outcome_revenue"].astype(float)
    backtest = demo_build.query("select * from segment_backtest order by segment_id")

    def top_decile_lift(group: pd.DataFrame) -> float:
        ranked = group.sort_values(["clv", "customer_id"], ascending=[False, True])
        top = ranked.head(-(-len(ranked) // 10))
        return top["outcome_revenue"].mean() / ranked["outcome_revenue"].mean()

    overall = spearmanr(joined["clv"], joined["outcome_revenue"]).statistic
    assert backtest["all_customers_clv_rank_correlation"].tolist() == pytest.approx([overall] * len(backtest),
                                                                                     rel=1e-9)
    assert backtest["all_customers_clv_top_decile_lift"][0] == pytest.approx(top_decile_lift(joined), rel=1e-9)
    for row in backtest.itertuples():
        group = joined[joined["segment_id"] == row.segment_id]
        assert row.clv_rank_correlation == pytest.approx(
            spearmanr(group["clv"], group["outcome_revenue"]).statistic, rel=1e-9)
        assert row.clv_top_decile_lift == pytest.approx(top_decile_lift(group), rel=1e-9)
    # the demo's archetypes differ in how much they buy: CLV at the back-test date predicts it
    assert overall > 0.5 and backtest["all_customers_clv_top_decile_lift"][0] > 2


def test_a_build_without_clv_is_green_with_a_warning_and_empty_values(demo_build, tmp_path):
    copy = Build(raw_dir=demo_build.raw_dir, truth_dir=demo_build.truth_dir, database=tmp_path / "segments.duckdb",
                 target_dir=tmp_path / "target")
    shutil.copy(demo_build.database, copy.database)
    result = copy.dbt("build", "--select", "clv_model_parameters+", "--exclude", "segment_backtest+",
                      extra_vars={"enable_clv": False})
    statuses = {r["unique_id"].split(".")[2]: r["status"] for r in copy.run_results()}
    assert statuses["clv_model_parameters_fitted"] == "warn", result.stdout[-3000:]
    assert copy.query("select skipped_reason from clv_model_parameters")["skipped_reason"].tolist() == [
        "enable_clv is false"]
    assert copy.query("select count(*) as n from customer_lifetime_value")["n"][0] == 0
    marts = copy.query("select * from segment_lifetime_value")
    assert len(marts) > 0 and marts["total_clv"].isna().all() and (marts["valued_customers"] == 0).all()
    assert copy.query("select count(clv) as n from segment_export")["n"][0] == 0
    assert copy.query("select count(predicted_value_share) as n from segment_profiles")["n"][0] == 0


def test_on_real_order_lines_clv_ranks_customers_by_what_they_spend_next(online_retail_build):
    """UCI Online Retail II (skipped without ../shared/data): real repeat buyers, real cancellations; the CLV
    fitted at the back-test date ranks customers by the revenue of the next 90 days far better than chance."""
    parameters = online_retail_build.query("select * from clv_model_parameters")
    assert parameters["skipped_reason"].isna().all() and len(parameters) == 7
    # a customer whose orders were all cancelled or returned has no first purchase: no CLV, null in the marts
    valued = online_retail_build.query("select customer_id from customer_lifetime_value order by 1")
    buyers = online_retail_build.query("select customer_id from customer_segments inner join "
                                       "int_customer_clv_inputs using (customer_id) order by 1")
    assert valued["customer_id"].tolist() == buyers["customer_id"].tolist()
    segmented = online_retail_build.query("select count(*) as n from customer_segments")["n"][0]
    assert 0 < segmented - len(valued) < 0.05 * segmented
    backtest = online_retail_build.query("select * from segment_backtest")
    assert backtest["all_customers_clv_rank_correlation"].iloc[0] > 0.3
    assert backtest["all_customers_clv_top_decile_lift"].iloc[0] > 2
