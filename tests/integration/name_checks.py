"""Checks every built segmentation must pass, recomputed from the customers, not read from the marts' own
columns: generated names match their segment's profile, and every segment has a playbook."""

from __future__ import annotations

import numpy as np
import pandas as pd

from python_udfs.segmentation import standardize


def segment_profile(build) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(customers with segment_id, rfm_label and every fitted feature's z-score; scaler; feature words)."""
    customers = build.query(
        "select customer_features.*, customer_segments.segment_id from customer_features "
        "inner join customer_segments on customer_features.customer_id = customer_segments.customer_id "
        "order by customer_features.customer_id")
    scaler = build.query("select * from segment_scaler order by feature_position")
    z = pd.DataFrame(standardize(customers, scaler), columns=list(scaler["feature"]))
    z["segment_id"] = customers["segment_id"].to_numpy()
    z["rfm_label"] = customers["rfm_label"].to_numpy()
    words = build.query("select * from feature_dictionary")
    return z, scaler, words


def assert_generated_names_match_their_segments(build) -> pd.DataFrame:
    """Every generated name is unique, its RFM label is its segment's most common label, and every driver word
    has the sign of its feature's mean z-score in the segment (the word for "above average" only when the
    segment's customers are above average); a recency or frequency word never says the opposite of the label."""
    dictionary = build.query("select * from segment_dictionary order by segment_id")
    assert dictionary["generated_name"].is_unique, dictionary["generated_name"].tolist()
    # the same words in another order are the same name ("Champions: a, b" and "Champions: b, a")
    as_sets = dictionary["generated_name"].map(lambda name: (name.partition(": ")[0],
                                                             frozenset(name.partition(": ")[2].split(", "))))
    assert as_sets.is_unique, dictionary["generated_name"].tolist()
    assert dictionary["segment_name"].is_unique, dictionary["segment_name"].tolist()
    z, scaler, words = segment_profile(build)
    grid = build.query("select rfm_label, avg(recency_score) as r, avg(frequency_score) as f "
                       "from rfm_segment_map group by 1")
    directions = {row.rfm_label: (np.sign(row.r - 3), np.sign(row.f - 3)) for row in grid.itertuples()}
    fitted = words[words["feature"].isin(scaler["feature"])]
    for row in dictionary.itertuples():
        members = z[z["segment_id"] == row.segment_id]
        counts = members["rfm_label"].value_counts()
        most_common = sorted(counts[counts == counts.max()].index)[0]
        label, _, drivers = row.generated_name.partition(": ")
        assert label == most_common, (row.generated_name, counts.to_dict())
        phrases = [phrase for phrase in drivers.split(" (segment ")[0].split(", ") if phrase]
        assert phrases, row.generated_name
        for phrase in phrases:
            high = fitted[fitted["high_label"] == phrase]
            low = fitted[fitted["low_label"] == phrase]
            assert len(high) + len(low) >= 1, f"{phrase!r} in {row.generated_name!r} is no fitted feature's words"
            for feature, sign in [*((name, 1) for name in high["feature"]), *((name, -1) for name in low["feature"])]:
                mean_z = float(members[feature].mean())
                # K-Means' centre is its customers' mean, up to Lloyd's tolerance: a word may sit on a tiny effect
                assert sign * mean_z > -0.02, (row.generated_name, phrase, feature, mean_z)
                dimension = fitted.set_index("feature").loc[feature, "rfm_dimension"]
                recency_direction, frequency_direction = directions.get(label, (0, 0))
                if dimension == "recency":  # more days since the last order = less recent
                    assert recency_direction * -sign >= 0, (row.generated_name, phrase)
                if dimension == "frequency":
                    assert frequency_direction * sign >= 0, (row.generated_name, phrase)
    return dictionary


def assert_every_segment_has_a_playbook(build) -> None:
    dictionary = build.query("select segment_id, recommended_action, channel, kpi from segment_dictionary")
    for column in ("recommended_action", "channel", "kpi"):
        values = dictionary[column]
        assert values.notna().all() and (values.str.strip() != "").all(), dictionary
        assert not values.str.contains("Not available", case=False).any(), dictionary
