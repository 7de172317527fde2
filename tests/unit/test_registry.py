"""The publish gate and the registry's status moves (python_udfs.registry), without dbt."""

from __future__ import annotations

import pandas as pd
import pytest

from python_udfs.registry import (
    GateSettings,
    RegistryError,
    gate_failures,
    next_registry,
    published_version,
    recorded_scaler,
    scoring_fit,
    version_in_force,
)

pytestmark = pytest.mark.unit

FEATURES = ["spend", "visits"]


def fit(version: str, sizes: list[int], features=FEATURES, keys=None):
    keys = list(range(len(sizes))) if keys is None else keys
    centroids = pd.DataFrame([
        {"model_version": version, "segment_id": segment, "feature_position": position, "feature": feature,
         "centroid_scaled": float(segment + position), "centroid_value": float(segment), "training_customers": size,
         "segment_origin_version": version}
        for segment, size in zip(keys, sizes) for position, feature in enumerate(features)])
    scaler = pd.DataFrame({"feature_position": range(len(features)), "feature": features,
                           "mean": [0.0] * len(features), "scale": [1.0] * len(features)})
    return centroids, scaler


def stability(version: str, verdicts: list[str], keys=None):
    return pd.DataFrame({"segment_id": range(len(verdicts)) if keys is None else keys, "model_version": version,
                         "verdict": verdicts,
                         "mean_jaccard": [0.9 if verdict == "stable" else 0.4 for verdict in verdicts]})


def step(previous, version, sizes, *, verdicts=None, features=FEATURES, pinned=None, settings=GateSettings(),
         now="2026-01-01"):
    centroids, scaler = fit(version, sizes, features)
    return next_registry(previous, centroids=centroids, scaler=scaler,
                         stability=stability(version, verdicts or ["stable"] * len(sizes)), k_selection=None,
                         as_of_date="2025-12-31", training_window_start="2022-01-01", parameters="test",
                         settings=settings, pinned=pinned, now=now)


def status(registry) -> dict:
    return dict(zip(registry["model_version"], registry["status"]))


def test_each_gate_check_names_what_failed():
    centroids, scaler = fit("v", [95, 5, 0])
    failures = gate_failures(centroids, scaler, stability("v", ["stable", "unstable", "stable"]), "spend",
                             GateSettings(min_segment_share=0.1))
    text = " | ".join(failures)
    assert "segments [2] have no training customers" in text
    assert "segment 1 holds 5.00% of the customers (5 of 100), below publish_gate_min_segment_share 10.00%" in text
    assert "segment 1 is unstable" in text
    assert "features changed from [spend] to [spend,visits]" in text
    assert gate_failures(centroids.query("segment_id < 2"), scaler, stability("v", ["stable"] * 2), "spend,visits",
                         GateSettings(0.01)) == []
    # a candidate whose stability was never computed (its build stopped before segment_stability) is not published
    assert "segment_stability holds no verdicts" in " ".join(
        gate_failures(centroids.query("segment_id < 2"), scaler, None, "spend,visits", GateSettings(0.01)))
    allowed = GateSettings.from_config(0.01, ["stable"], "true", allow_unstable=True)
    assert allowed.allowed_verdicts == ("stable", "unstable") and allowed.allow_feature_change
    with pytest.raises(RegistryError, match="publish_gate_min_segment_share is 2"):
        GateSettings.from_config(2, ["stable"], False)
    with pytest.raises(RegistryError, match=r"publish_gate_allowed_verdicts names \['shaky'\]"):
        GateSettings.from_config(0.01, ["shaky"], False)


def test_publish_refuse_pin_and_a_rollback_that_sticks():
    first = step(None, "v1", [60, 40])
    assert status(first) == {"v1": "published"} and first["published_by"][0] == "publish_gate"
    # a candidate with a 2 % segment is refused; v1 keeps scoring
    refused = step(first, "v2", [60, 38, 2], settings=GateSettings(min_segment_share=0.05), now="2026-01-02")
    assert status(refused) == {"v1": "published", "v2": "candidate"}
    reason = refused.set_index("model_version").at["v2", "gate_reason"]
    assert "below publish_gate_min_segment_share" in reason and "scoring stays on v1" in reason
    assert published_version(refused) == "v1"
    # loosening the bar publishes the same candidate on the next build
    loosened = step(refused, "v2", [60, 38, 2], settings=GateSettings(min_segment_share=0.01), now="2026-01-03")
    assert status(loosened) == {"v1": "retired", "v2": "published"}
    # pin v1: rolled back; the pin's candidate is judged but not published
    pinned = step(loosened, "v3", [50, 50], pinned="v1", now="2026-01-04")
    assert status(pinned) == {"v1": "published", "v2": "retired", "v3": "candidate"}
    assert pinned.set_index("model_version").at["v1", "published_by"] == "pinned by var model_version"
    assert "not published: model_version is pinned to v1" in pinned.set_index("model_version").at["v3", "gate_reason"]
    # without the pin, refitting v2 (retired) does not undo the rollback; a new passing candidate does publish
    again = step(pinned, "v2", [60, 38, 2], settings=GateSettings(min_segment_share=0.01), now="2026-01-05")
    assert published_version(again) == "v1" and status(again)["v2"] == "retired"
    assert again["latest_fit"].tolist() == [m == "v2" for m in again["model_version"]]
    assert published_version(step(again, "v3", [50, 50], now="2026-01-06")) == "v3"


def test_feature_changes_need_the_allow_var_and_unknown_pins_fail():
    first = step(None, "v1", [60, 40])
    other = step(first, "v2", [60, 40], features=["spend", "tenure"])
    assert status(other)["v2"] == "candidate" and "features changed" in other["gate_reason"].iloc[-1]
    allowed = step(first, "v2", [60, 40], features=["spend", "tenure"],
                   settings=GateSettings(allow_feature_change=True))
    assert published_version(allowed) == "v2"
    with pytest.raises(RegistryError, match=r"model_version is 'v9', which is not a registered model version "
                                            r"\(registered: \['v1'\]\)"):
        step(first, "v1", [60, 40], pinned="v9")


def test_nothing_published_fails_naming_the_fix_and_scoring_fit_picks_the_published_version():
    refused = step(None, "v1", [199, 1])
    with pytest.raises(RegistryError, match="no model version is published .*below publish_gate_min_segment_share"):
        published_version(refused)
    registry = step(refused, "v2", [60, 40])
    scalers = pd.concat([fit(version, [1])[1].assign(model_version=version) for version in ("v1", "v2")])
    centroids = pd.concat([fit("v1", [199, 1])[0], fit("v2", [60, 40])[0]])
    scaler, chosen = scoring_fit(registry, scalers, centroids)
    assert set(chosen["model_version"]) == {"v2"}
    assert list(scaler.columns) == ["feature_position", "feature", "mean", "scale"]


def test_the_gate_names_segments_by_key_not_position():
    # a retrain that created a segment: keys 0, 1, 2, 3 and 5 (position 4 is key 5)
    keys = [0, 1, 2, 3, 5]
    centroids, scaler = fit("v", [40, 30, 20, 8, 2], keys=keys)
    failures = " | ".join(gate_failures(centroids, scaler, stability("v", ["stable"] * 4 + ["unstable"], keys=keys),
                                        "spend,visits", GateSettings(min_segment_share=0.05)))
    assert "segment 5 holds 2.00% of the customers" in failures and "segment 5 is unstable" in failures
    assert "segment 4" not in failures


def test_retired_reason_tells_a_gate_replacement_from_a_rollback():
    first = step(None, "v1", [60, 40])
    replaced = step(first, "v2", [50, 50], now="2026-01-02").set_index("model_version")
    assert replaced.at["v1", "retired_reason"] == "replaced by v2, which passed the publish gate"
    rolled_back = step(replaced.reset_index(), "v3", [55, 45], pinned="v1", now="2026-01-03").set_index("model_version")
    assert rolled_back.at["v2", "retired_reason"] == "rolled back: model_version pinned v1"
    assert pd.isna(rolled_back.at["v1", "retired_reason"]) or rolled_back.at["v1", "status"] == "published"


def test_a_fit_is_registered_only_once_every_registry_table_records_it():
    centroids, scaler = fit("v1", [60, 40])
    scalers = scaler.assign(model_version="v1")
    recorded = recorded_scaler("v1", scalers, segment_model_centroids=centroids,
                               segment_training_bins=pd.DataFrame({"model_version": ["v1"]}))
    assert recorded.columns.tolist() == ["feature_position", "feature", "mean", "scale"]
    with pytest.raises(RegistryError, match="the latest fit v1 is not recorded in segment_training_bins"):
        recorded_scaler("v1", scalers, segment_model_centroids=centroids,
                        segment_training_bins=pd.DataFrame({"model_version": ["v0"]}))


def test_version_in_force_is_the_pin_else_the_published_one_else_none():
    registry = step(step(None, "v1", [60, 40]), "v2", [50, 50], now="2026-01-02")
    assert version_in_force(registry) == "v2" and version_in_force(registry, "v1") == "v1"
    assert version_in_force(registry, "v9") is None and version_in_force(None) is None
    assert version_in_force(step(None, "v1", [199, 1])) is None  # refused: nothing published
