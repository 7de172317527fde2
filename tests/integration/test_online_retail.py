"""On real data nobody here wrote (UCI Online Retail II read by examples/online_retail_ii; skipped when the
shared data is absent): auto chooses K >= 3 with every criterion's vote recorded, no constant or
near-constant feature is fitted, the names are unique and match their segments, and every segment has an
action, a channel and a KPI. The report on it is checked in test_report.py."""

from __future__ import annotations

from name_checks import (assert_every_segment_has_a_playbook, assert_generated_names_match_their_segments,
                         segment_profile)
from python_udfs.k_selection import CRITERIA


def test_auto_chooses_k_of_three_or_more_by_recorded_votes(online_retail_build):
    selection = online_retail_build.query("select * from segment_k_selection")
    chosen = selection.loc[selection["chosen"], "k"].unique()
    assert len(chosen) == 1 and chosen[0] >= 3
    votes = selection[selection["metric"].str.startswith("vote_")]
    assert sorted(votes["metric"]) == sorted(f"vote_{criterion}" for criterion in CRITERIA)
    assert votes["vote_reason"].notna().all()
    cast = votes[votes["value"] == 1].groupby("k").size()
    assert cast[chosen[0]] == cast.max() >= 2
    reason = selection.loc[selection["chosen"], "reason"].iloc[0]
    assert f"chooses K = {chosen[0]}" in reason and "Votes:" in reason
    assert online_retail_build.query("select count(*) as k from segment_dictionary")["k"][0] == chosen[0]
    verdicts = online_retail_build.query("select verdict from segment_stability")["verdict"]
    assert (verdicts != "unstable").all()


def test_no_constant_or_near_constant_feature_is_fitted(online_retail_build):
    screening = online_retail_build.query("select * from segment_feature_screening").set_index("feature")
    # the example lists only features the export can tell apart, and the screening agrees
    assert screening["is_fitted"].all() and screening["screening_reason"].isna().all()
    scaler = online_retail_build.query("select feature from segment_scaler")["feature"]
    assert sorted(scaler) == sorted(screening.index)
    features = online_retail_build.query("select * from customer_features")
    for feature in scaler:
        assert features[feature].value_counts(normalize=True).iloc[0] < 0.95, feature
    z, scaler_table, _ = segment_profile(online_retail_build)
    assert z[scaler_table["feature"]].abs().to_numpy().max() < 8  # no customer 9 or 12 SD out


def test_names_are_unique_and_match_their_segments_and_each_has_a_playbook(online_retail_build):
    dictionary = assert_generated_names_match_their_segments(online_retail_build)
    assert (dictionary["name_source"] == "generated").all()  # the demo's names never land on other data
    assert_every_segment_has_a_playbook(online_retail_build)

