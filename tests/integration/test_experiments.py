"""Holdout experiments end to end: groups drawn per segment and kept, the CRM export's holdout flag, and the
lift of a planted campaign effect found inside its interval.

One small demo (10,000 customers) is built three times, once for every worker (build_once_for_all_workers):
day one with two experiments (winback_q4, whose window closed before the as-of date, and spring_promo, active
on it); then the day-change generator gives every treated winback_q4 customer of the discount seekers'
segment one extra order inside the window, and a rebuild refits; then a retrain with another random_state
and K. The groups of every build are kept beside the DuckDB file for the tests to compare.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import build_once_for_all_workers, new_build
from python_udfs.demo.changes import evolve, treated_customers
from python_udfs.demo.data import generate

EXPERIMENTS = [
    {"name": "winback_q4", "holdout_share": 0.1, "start_date": "2025-10-01", "end_date": "2025-11-30"},
    {"name": "spring_promo", "holdout_share": 0.2, "start_date": "2025-12-01", "end_date": "2026-02-28"},
]
PLANTED_ORDERS = 1  # extra orders per treated customer of the uplifted segment
RETRAIN_VARS = {"random_state": 7, "n_segments": 4, "allow_unstable_segments": True,
                "publish_gate_allowed_verdicts": ["stable", "doubtful", "unstable"]}
GROUP_COLUMNS = ["experiment_name", "customer_id", "experiment_group", "segment_id", "assigned_at"]


def _save(build, sql: str, path) -> None:
    build.query(sql).to_parquet(path)


@pytest.fixture(scope="module")
def experiment_build(tmp_path_factory):
    def make(root):
        build = new_build(root)
        generate(10_000, seed=42, out_dir=str(build.raw_dir), truth_dir=str(build.truth_dir))
        build.dbt("build", extra_vars={"experiments": EXPERIMENTS})
        _save(build, "select * from customer_experiment_groups", root / "groups_day_one.parquet")
        # the segment most discount seekers are in: frequent buyers, whom one more order barely moves
        truth = pd.read_csv(build.truth_dir / "customer_archetypes.csv")
        scored = build.query("select customer_id, segment_id from customer_segments")
        seekers = truth[truth["archetype"] == "discount_seeker"].merge(scored, on="customer_id")
        segment = int(seekers["segment_id"].mode()[0])
        uplift = treated_customers(build.database, "winback_q4", segment, orders=PLANTED_ORDERS)
        evolve(build.raw_dir, root / "raw_uplift", uplift=uplift)
        build.dbt("build", extra_vars={"experiments": EXPERIMENTS, "raw_data_path": str(root / "raw_uplift")})
        _save(build, "select * from customer_experiment_groups", root / "groups_rebuilt.parquet")
        _save(build, "select * from segment_campaign_lift", root / "lift.parquet")
        _save(build, "select customer_id, segment_id from customer_segments", root / "segments_rebuilt.parquet")
        build.dbt("build", extra_vars={"experiments": EXPERIMENTS, "raw_data_path": str(root / "raw_uplift"),
                                       **RETRAIN_VARS})
        (root / "uplift.json").write_text(json.dumps({"segment_id": segment, "customers": len(uplift.customer_ids)}))

    root = build_once_for_all_workers(tmp_path_factory, "experiments", make)
    return new_build(root), root


def _groups(root, name: str) -> pd.DataFrame:
    frame = pd.read_parquet(root / f"groups_{name}.parquet")
    return frame[GROUP_COLUMNS].sort_values(["experiment_name", "customer_id"]).reset_index(drop=True)


def test_every_segment_of_1000_customers_holds_its_share_within_one_point(experiment_build):
    _, root = experiment_build
    groups = pd.read_parquet(root / "groups_day_one.parquet")
    shares = groups.groupby(["experiment_name", "segment_id"]).agg(
        customers=("customer_id", "size"), holdout=("is_holdout", "mean"), share=("holdout_share", "first"))
    large = shares[shares["customers"] >= 1000]
    assert len(large) >= 8, shares  # both experiments, most of the segments
    off = large[(large["holdout"] - large["share"]).abs() > 0.01]
    assert off.empty, f"segments whose holdout share is more than 1 point off:\n{off}"
    assert set(groups["experiment_name"]) == {"winback_q4", "spring_promo"}
    assert len(groups) == 2 * groups["customer_id"].nunique()


def test_groups_stay_the_same_across_a_rebuild_and_a_retrain(experiment_build):
    build, root = experiment_build
    day_one = _groups(root, "day_one")
    pd.testing.assert_frame_equal(day_one, _groups(root, "rebuilt"))
    retrained = build.query("select * from customer_experiment_groups")[GROUP_COLUMNS]
    retrained = retrained.sort_values(["experiment_name", "customer_id"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(day_one, retrained)
    # the retrain really moved customers: otherwise keeping the groups would prove nothing
    now = build.query("select customer_id, segment_id from customer_segments")
    moved = day_one[day_one["experiment_name"] == "winback_q4"].merge(now, on="customer_id", suffixes=("", "_now"))
    assert (moved["segment_id"] != moved["segment_id_now"]).mean() > 0.05
    assert now["segment_id"].nunique() == 4


def test_the_export_flags_the_holdout_of_the_experiment_active_on_the_as_of_date(experiment_build):
    build, _ = experiment_build
    export = build.query("select external_id as customer_id, is_holdout from segment_export")
    groups = build.query("select customer_id, experiment_name, is_holdout from customer_experiment_groups")
    active = groups[groups["experiment_name"] == "spring_promo"].set_index("customer_id")["is_holdout"]
    flagged = export.set_index("customer_id")["is_holdout"]
    # spring_promo's window holds the as-of date, winback_q4's ended before it
    assert flagged.sort_index().equals(active.reindex(flagged.index).fillna(False).astype(bool).sort_index())
    assert 0.19 < flagged.mean() < 0.21


def test_the_planted_lift_lies_in_its_segment_s_interval_and_other_segments_cover_zero(experiment_build):
    _, root = experiment_build
    planted = json.loads((root / "uplift.json").read_text())
    lift = pd.read_parquet(root / "lift.parquet")
    closed = lift[lift["experiment_name"] == "winback_q4"].set_index(["segment_id", "outcome"])
    assert (closed["lift_status"] == "measured").all(), closed
    assert (lift.loc[lift["experiment_name"] == "spring_promo", "lift_status"] == "window_open").all()
    assert lift.loc[lift["experiment_name"] == "spring_promo", "treatment_mean"].isna().all()
    uplifted = closed.loc[planted["segment_id"]]
    assert uplifted.loc["orders_per_customer", "treatment_customers"] == planted["customers"]
    orders = uplifted.loc["orders_per_customer"]
    assert orders["lift_ci_lower"] <= PLANTED_ORDERS <= orders["lift_ci_upper"], orders
    assert orders["lift_ci_lower"] > 0 and uplifted.loc["revenue_per_customer", "lift_ci_lower"] > 0, uplifted
    others = closed.drop(index=planted["segment_id"], level="segment_id")
    missed = others[(others["lift_ci_lower"] > 0) | (others["lift_ci_upper"] < 0)]
    assert missed.empty, f"intervals of segments without an uplift that exclude 0:\n{missed}"
