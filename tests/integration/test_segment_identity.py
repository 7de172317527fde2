"""Segment keys and names survive a retrain; renaming through the seed renames the segments."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pandas as pd
import pytest

from conftest import PROJECT_ROOT, Build
from dbt_process import dbt
from python_udfs.explain import fit_rules, rule_table
from python_udfs.projection import projection_table
from python_udfs.segmentation import (
    centroid_matrix,
    centroid_table,
    fit_scaler,
    fit_segments,
    keep_previous_keys,
    standardize,
)
from python_udfs.stability import bootstrap_stability


def blobs(seed=0, shift=0.0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]]) + shift
    points = np.vstack([rng.normal(centre, 0.5, size=(size, 2)) for centre, size in zip(centres, [120, 60, 30])])
    return pd.DataFrame({"spend": points[:, 0], "visits": points[:, 1]})


def fitted(frame, k=3, random_state=0):
    scaler = fit_scaler(frame, ["spend", "visits"])
    return scaler, fit_segments(standardize(frame, scaler), k, random_state=random_state, n_init=3)


def test_a_retrain_takes_back_the_keys_of_the_segments_it_continues():
    scaler, model = fitted(blobs())
    previous = centroid_table(scaler, model, "v1")
    # the previous model called the biggest group 7, the middle one 3 and the smallest 5
    previous["segment_id"] = previous["segment_id"].map({0: 7, 1: 3, 2: 5})
    new_scaler, retrained = fitted(blobs(seed=1), random_state=9)
    kept = keep_previous_keys(retrained, new_scaler, previous, max_distance=1.0)
    assert kept.ids.tolist() == [7, 3, 5]
    assert kept.origin_versions == ["v1", "v1", "v1"]
    table = centroid_table(new_scaler, kept, "v2")
    assert set(table["segment_origin_version"]) == {"v1"}
    frame = blobs(seed=1)
    assert np.bincount(kept.predict(standardize(frame, new_scaler)), minlength=8)[[7, 3, 5]].tolist() == [120, 60, 30]


def test_a_segment_that_moved_too_far_gets_a_new_key_never_a_freed_one():
    scaler, model = fitted(blobs())
    previous = centroid_table(scaler, model, "v1")
    # the smallest group moves far away: beyond the matching distance it is a new segment
    frame = blobs(seed=2)
    frame.loc[180:, "visits"] += 30
    new_scaler, retrained = fitted(frame)
    kept = keep_previous_keys(retrained, new_scaler, previous, max_distance=0.5)
    assert kept.ids.tolist() == [0, 1, 3]
    assert kept.origin_versions[:2] == ["v1", "v1"] and kept.origin_versions[2] is None
    assert centroid_table(new_scaler, kept, "v2")["segment_origin_version"].tolist()[-1] == "v2"


def test_a_previous_model_on_other_features_is_not_matched():
    scaler, model = fitted(blobs())
    previous = centroid_table(scaler, model, "v1").assign(feature=lambda t: t["feature"] + "_old")
    assert keep_previous_keys(model, scaler, previous, max_distance=1.0) is model
    assert keep_previous_keys(model, scaler, None, max_distance=1.0) is model


def test_a_new_segment_takes_a_key_above_every_key_customers_were_given():
    scaler, model = fitted(blobs())
    previous = centroid_table(scaler, model, "v1")
    frame = blobs(seed=2)
    frame.loc[180:, "visits"] += 30
    new_scaler, retrained = fitted(frame)
    # an earlier published model had key 6: the new segment takes 7, not 3
    kept = keep_previous_keys(retrained, new_scaler, previous, max_distance=0.5, highest_key=6)
    assert kept.ids.tolist() == [0, 1, 7]


def keyed_fit():
    """Four blobs fitted with segment keys 0, 1, 2 and 5, as after a retrain that created a segment."""
    rng = np.random.default_rng(3)
    centres = np.array([[0.0, 0.0], [8.0, 0.0], [0.0, 8.0], [8.0, 8.0]])
    points = np.vstack([rng.normal(centre, 0.6, size=(size, 2)) for centre, size in zip(centres, [90, 70, 50, 30])])
    frame = pd.DataFrame({"spend": points[:, 0], "visits": points[:, 1],
                          "customer_id": [f"C{i:03d}" for i in range(240)]})
    scaler, model = fitted(frame, k=4)
    table = centroid_table(scaler, model, "v2")
    table["segment_id"] = table["segment_id"].map({0: 0, 1: 1, 2: 2, 3: 5})
    return frame, scaler, table


def test_centroid_matrix_returns_the_keys_and_maps_positions_back_to_them():
    frame, scaler, table = keyed_fit()
    fitted_centroids = centroid_matrix(table)
    assert fitted_centroids.segment_ids.tolist() == [0, 1, 2, 5] and fitted_centroids.matrix.shape == (4, 2)
    keys, _ = fitted_centroids.nearest(standardize(frame, scaler))
    assert np.bincount(keys, minlength=6).tolist() == [90, 70, 50, 0, 0, 30]
    positions, _ = fitted_centroids.nearest_positions(standardize(frame, scaler))
    assert fitted_centroids.keys(positions).tolist() == keys.tolist()
    registry = pd.concat([table, table.assign(model_version="v1")])
    assert centroid_matrix(registry, "v2").segment_ids.tolist() == [0, 1, 2, 5]
    with pytest.raises(ValueError, match="holds 2 model versions"):
        centroid_matrix(registry)


def test_stability_rules_and_projection_speak_in_segment_keys():
    frame, scaler, table = keyed_fit()
    fitted_centroids = centroid_matrix(table)
    scaled = standardize(frame, scaler)
    positions, squared = fitted_centroids.nearest_positions(scaled)
    keys = fitted_centroids.keys(positions)

    stability = bootstrap_stability(scaled, positions, fitted_centroids.segment_ids, n_bootstrap=3, n_starts=2)
    assert stability["segment_id"].tolist() == [0, 1, 2, 5]
    assert stability["training_customers"].tolist() == [90, 70, 50, 30]

    values = frame[["spend", "visits"]].to_numpy()
    rules, summary = fit_rules(values, ["spend", "visits"], scaler["mean"].to_numpy(), scaled, positions,
                               float(squared.sum()), k=4, centroids=fitted_centroids.matrix,
                               scales=scaler["scale"].to_numpy(), segment_ids=fitted_centroids.segment_ids)
    assigned = rules.partition(values)
    assert set(assigned) <= {0, 1, 2, 5} and (assigned == keys).mean() > 0.95
    rule_rows = rule_table(rules, summary, keys, assigned)
    assert rule_rows["segment_id"].tolist() == [0, 1, 2, 5]
    assert rule_rows["segment_customers"].tolist() == [90, 70, 50, 30]

    segments = pd.DataFrame({"customer_id": frame["customer_id"], "segment_id": keys})
    names = pd.DataFrame({"segment_id": [0, 1, 2, 5], "segment_name": ["a", "b", "c", "new"]})
    points = projection_table(frame, scaler, table, segments, names, sample_size=20, random_state=0)
    centres = points[points["point_type"] == "centroid"]
    assert centres["segment_id"].tolist() == [0, 1, 2, 5] and centres["point_id"].tolist()[-1] == "centroid-5"
    assert centres["segment_name"].tolist() == ["a", "b", "c", "new"]


@pytest.fixture()
def demo_copy(demo_build, tmp_path) -> Build:
    """A copy of the built demo, so retrains here leave the shared build alone."""
    copy = Build(raw_dir=demo_build.raw_dir, truth_dir=demo_build.truth_dir,
                 database=tmp_path / "segments.duckdb", target_dir=tmp_path / "target")
    shutil.copyfile(demo_build.database, copy.database)
    return copy


def segment_of_each_customer(build: Build) -> pd.DataFrame:
    return build.query("select customer_id, segment_id, segment_name from customer_segments order by customer_id")


def test_a_retrain_with_another_seed_keeps_every_key_and_name(demo_copy):
    before = segment_of_each_customer(demo_copy)
    demo_copy.dbt("build", "--select", "segment_centroids+", extra_vars={"random_state": 7})
    versions = demo_copy.query("select distinct model_version, segment_origin_version from segment_centroids")
    assert len(versions) == 1 and versions["model_version"][0] != versions["segment_origin_version"][0]
    pd.testing.assert_frame_equal(before, segment_of_each_customer(demo_copy))
    assert (demo_copy.query("select name_source from segment_dictionary")["name_source"] == "seed").all()


def test_the_retrain_reads_the_previous_keys_from_the_warehouse(demo_copy):
    before = segment_of_each_customer(demo_copy)
    # pretend the model in force had called segments 0 and 1 the other way round
    import duckdb
    with duckdb.connect(str(demo_copy.database)) as connection:
        connection.execute("update segment_model_centroids set segment_id = 1 - segment_id where segment_id in (0, 1)")
    demo_copy.dbt("build", "--select", "segment_centroids+")
    after = segment_of_each_customer(demo_copy)
    swapped = before["segment_id"].map(lambda key: 1 - key if key in (0, 1) else key)
    assert after["segment_id"].tolist() == swapped.tolist()


def test_renaming_through_the_seed_renames_the_segment_on_the_next_build(demo_copy, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT, project, ignore=shutil.ignore_patterns(
        ".venv", ".git", "target", "data", "logs", "dbt_packages", "integration_tests", "__pycache__"))
    seed = project / "seeds" / "segment_names.csv"
    seed.write_text(seed.read_text().replace(",Discount Seekers,", ",Promotion Hunters,"))
    env = {**os.environ, "DBT_PROFILES_DIR": str(project / "profiles"), "SEGMENTS_DUCKDB_PATH": str(demo_copy.database)}
    result = dbt(["build", "--select", "segment_names+", "--target-path", str(tmp_path / "target2"),
                  "--vars", f"{{raw_data_path: '{demo_copy.raw_dir}'}}"], project, env)
    assert result.returncode == 0, result.stdout[-4000:]
    names = set(demo_copy.query("select distinct segment_name from customer_segments")["segment_name"])
    assert "Promotion Hunters" in names and "Discount Seekers" not in names
