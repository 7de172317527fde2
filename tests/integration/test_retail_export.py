"""On generated data shaped like a retailer's order-lines export (python_udfs.demo.retail_export: most
customers buy once, no discounts, events or categories): RFM labels follow the documented tie rule, the
features that cannot separate customers are left out with a warning, K comes from the recorded votes, and
the names match their segments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from name_checks import (
    assert_every_segment_has_a_playbook,
    assert_generated_names_match_their_segments,
    segment_profile,
)

LEFT_OUT = {"discount_share": "constant", "return_rate": "constant", "sessions_per_month_log": "constant",
            "category_diversity": "near_constant"}


def documented_rfm_score(values: pd.Series, higher_is_better: bool) -> pd.Series:
    """The rule of macros/features/rfm_score.sql, written again: worst value 1, best 5, any other tie group
    ceil(5 x (rows before it + half the group) / rows)."""
    goodness = values if higher_is_better else -values
    first_position = goodness.rank(method="min")
    ties = goodness.map(goodness.value_counts())
    rows = len(values)
    score = np.ceil(5 * (first_position - 1 + ties / 2) / rows)
    score[first_position + ties - 1 == rows] = 5
    score[first_position == 1] = 1
    return score.astype(int)


def test_rfm_scores_and_labels_follow_the_documented_tie_rule(retail_export_build):
    rfm = retail_export_build.query("select * from customer_rfm order by customer_id")
    grid = retail_export_build.query("select * from rfm_segment_map")
    labels = grid.set_index(["recency_score", "frequency_score"])["rfm_label"]
    expected = pd.DataFrame({
        "recency_score": documented_rfm_score(rfm["recency_days"], higher_is_better=False),
        "frequency_score": documented_rfm_score(rfm["frequency"], higher_is_better=True),
        "monetary_score": documented_rfm_score(rfm["monetary"].astype(float), higher_is_better=True),
    })
    for column in expected.columns:
        np.testing.assert_array_equal(rfm[column].to_numpy(), expected[column].to_numpy(), err_msg=column)
    assert rfm["rfm_label"].tolist() == [labels[(r, f)] for r, f in zip(expected["recency_score"],
                                                                             expected["frequency_score"])]

    # the generator's truth: completed orders and the last order date of every customer
    truth = pd.read_csv(retail_export_build.truth_dir / "customer_orders.csv")
    joined = rfm.merge(truth, on="customer_id")
    assert len(joined) == (truth["completed_orders"] > 0).sum()
    assert (joined["frequency"] == joined["completed_orders"]).all()
    assert (pd.to_datetime(joined["last_order_date_x"]) == pd.to_datetime(joined["last_order_date_y"])).all()


def test_one_time_buyers_get_the_lowest_frequency_score_and_lapse_into_hibernating(retail_export_build):
    rfm = retail_export_build.query("select * from customer_rfm")
    once = rfm[rfm["frequency"] == 1]
    assert len(once) / len(rfm) > 0.5  # heavily tied: most buyers ordered once
    assert (once["frequency_score"] == 1).all()  # plain quintiles (cume_dist) would give them all 3
    lapsed, recent = once[once["recency_score"] <= 2], once[once["recency_score"] == 5]
    assert len(lapsed) > 500 and (lapsed["rfm_label"] == "Hibernating").all()
    assert len(recent) > 100 and (recent["rfm_label"] == "New Customers").all()
    assert set(once["rfm_label"]) == {"Hibernating", "About to Sleep", "Promising", "New Customers"}
    # labels that mean repeated buying hold no one-time buyer; repeat buyers still reach them
    repeat_labels = {"At Risk", "Need Attention", "Loyal", "Champions", "Cannot Lose Them"}
    assert not set(once["rfm_label"]) & repeat_labels
    # (Need Attention is the F = 3 cell, which the crowd of one-time buyers spans here: no one gets F = 3)
    assert repeat_labels - {"Need Attention"} <= set(rfm.loc[rfm["frequency"] > 1, "rfm_label"])
    assert 3 not in set(rfm["frequency_score"])
    # the most recent one-time buyers ordered within the last few weeks
    assert recent["recency_days"].max() < once.loc[once["recency_score"] == 4, "recency_days"].min()


def test_features_that_cannot_separate_customers_are_left_out_with_a_warning(retail_export_build):
    screening = retail_export_build.query("select * from segment_feature_screening")
    left_out = screening[~screening["is_fitted"]].set_index("feature")["screening_reason"].to_dict()
    assert left_out == LEFT_OUT
    assert screening.set_index("feature").loc["category_diversity", "mode_share"] >= 0.95
    scaler = retail_export_build.query("select feature from segment_scaler order by feature_position")
    assert scaler["feature"].tolist() == ["recency_days_log", "frequency_log", "monetary_log", "avg_order_value_log"]
    centroids = retail_export_build.query("select distinct feature from segment_centroids")
    assert set(centroids["feature"]).isdisjoint(LEFT_OUT)
    log = retail_export_build.result.stdout
    assert "segment_features left out of the fit" in log
    for feature in LEFT_OUT:
        assert feature in log.split("segment_features left out of the fit")[1].split("\n")[0]
    # no customer far out on a fitted feature (the near-constant one put customers at -12 SD)
    z, _, _ = segment_profile(retail_export_build)
    assert z[scaler["feature"]].abs().to_numpy().max() < 8


def test_k_comes_from_the_recorded_votes(retail_export_build):
    selection = retail_export_build.query("select * from segment_k_selection")
    chosen = int(selection.loc[selection["chosen"], "k"].iloc[0])
    votes = selection[selection["metric"].str.startswith("vote_")]
    assert len(votes) == 6 and votes["vote_reason"].notna().all()
    counts = votes[votes["value"] == 1].groupby("k").size()
    assert chosen >= 3 and counts[chosen] == counts.max()
    recorded = selection[selection["metric"] == "votes"].set_index("k")["value"]
    assert recorded.reindex(counts.index).tolist() == counts.tolist()
    assert retail_export_build.query("select count(*) as k from segment_dictionary")["k"][0] == chosen


def test_names_match_their_segments_and_every_segment_has_a_playbook(retail_export_build):
    dictionary = assert_generated_names_match_their_segments(retail_export_build)
    assert (dictionary["name_source"] == "generated").all()
    assert_every_segment_has_a_playbook(retail_export_build)


@pytest.mark.parametrize("label", ["Hibernating", "New Customers"])
def test_the_playbook_row_of_the_label_applies(retail_export_build, label):
    dictionary = retail_export_build.query("select * from segment_dictionary")
    playbook = retail_export_build.query("select * from segment_playbook where driver is null")
    named = dictionary[dictionary["generated_name"].str.startswith(f"{label}:")]
    if named.empty:
        pytest.skip(f"no segment is mostly {label} in this data")
    expected = playbook.set_index("rfm_label").loc[label]
    drivers = retail_export_build.query(
        f"select * from segment_playbook where driver is not null and rfm_label = '{label}'")
    for row in named.itertuples():
        # the label's row for one of the name's drivers wins, the most distinctive (first named) first
        own = sorted((driver for driver in drivers["driver"] if driver in row.generated_name),
                     key=row.generated_name.index)
        wanted = drivers.set_index("driver").loc[own[0]] if own else expected
        assert (row.recommended_action, row.channel, row.kpi) == (wanted["recommended_action"], wanted["channel"],
                                                                  wanted["kpi"])


def test_the_report_names_the_features_left_out_of_the_fit(retail_export_build, tmp_path):
    from python_udfs.report import build_report

    html = build_report(retail_export_build.database, tmp_path / "segment_report.html").read_text()
    left_out = html.split("Left out of the fit", 1)[1][:600]
    for words in ("Discount share", "Return rate", "Category diversity"):
        assert words in left_out
