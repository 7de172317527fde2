"""The fit models read a stratified sample drawn in the warehouse above a size threshold,
fit MiniBatchKMeans above another, and scoring still labels every customer in SQL."""

from __future__ import annotations

import dataclasses
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans, MiniBatchKMeans

from python_udfs.fit_sample import SampleSettings, fit_customers, proportional_quotas
from python_udfs.frames import to_pandas
from python_udfs.segmentation import (
    SegmentationConfigError,
    centroid_matrix,
    feature_matrix,
    fit_segments,
    kmeans_estimator,
    nearest_centroid,
    standardize,
)
from test_bad_input import dbt_many

# strata of very different sizes, so a sample that ignored them would miss the small one's share
STRATA = {"Champions": 0.02, "Loyal": 0.18, "At Risk": 0.30, "No purchase": 0.50}


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 30_000
    labels = rng.choice(list(STRATA), size=n, p=list(STRATA.values()))
    return pd.DataFrame({
        "customer_id": [f"C{i:06d}" for i in rng.permutation(n)],
        "rfm_label": labels,
        "x": rng.normal(size=n),
        "y": rng.normal(size=n),
    })


def settings(size=3_000, threshold=10_000, strata="rfm_label", seed=42) -> SampleSettings:
    return SampleSettings.checked(threshold=threshold, size=size, strata=strata, random_state=seed)


def test_the_sample_keeps_every_stratum_share_and_its_size(population):
    drawn = fit_customers(population, settings())
    assert drawn.sampled and drawn.population == len(population)
    assert len(drawn.frame) == 3_000  # only the sample crosses into Python
    population_counts = population["rfm_label"].value_counts()
    sample_counts = drawn.frame["rfm_label"].value_counts()
    # proportional allocation: each stratum within one customer of size x its population share
    expected = population_counts / len(population) * 3_000
    assert (sample_counts.reindex(expected.index) - expected).abs().max() < 1.0
    # each sampled row is a real row, unchanged
    merged = drawn.frame.merge(population, on="customer_id", suffixes=("", "_population"))
    assert len(merged) == 3_000 and (merged["x"] == merged["x_population"]).all()
    assert drawn.frame["customer_id"].is_monotonic_increasing


def test_the_sample_is_deterministic_and_the_same_from_a_duckdb_relation(population):
    first = fit_customers(population, settings()).frame
    pd.testing.assert_frame_equal(first, fit_customers(population, settings()).frame)
    with duckdb.connect() as connection:
        connection.register("features_frame", population)
        connection.execute("create table customer_features as select * from features_frame order by x")
        relation = connection.table("customer_features")
        from_warehouse = fit_customers(relation, settings()).frame
    pd.testing.assert_frame_equal(first, from_warehouse)
    other_seed = fit_customers(population, settings(seed=43)).frame
    assert set(other_seed["customer_id"]) != set(first["customer_id"])


def test_at_or_below_the_threshold_every_customer_is_read_as_before(population):
    drawn = fit_customers(population, settings(threshold=len(population), size=100))
    assert not drawn.sampled
    pd.testing.assert_frame_equal(drawn.frame, to_pandas(population, order_by="customer_id"))


def test_without_strata_the_sample_is_a_simple_seeded_sample(population):
    drawn = fit_customers(population, settings(strata=None))
    assert len(drawn.frame) == 3_000 and drawn.frame["customer_id"].is_unique


def test_quotas_sum_to_the_sample_size():
    quotas = proportional_quotas(pd.Series({"a": 5, "b": 3, "c": 1}), 4)
    assert quotas.sum() == 4 and quotas.to_dict() == {"a": 2, "b": 1, "c": 1}


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"size": 2.5}, "fit_sample_size is 2.5"),
        ({"size": 20_000}, "above fit_sample_threshold"),
        ({"threshold": 0}, "fit_sample_threshold is 0"),
    ],
)
def test_bad_sample_settings_name_the_fix(arguments, message):
    with pytest.raises(SegmentationConfigError, match=message):
        settings(**arguments)


def test_an_unknown_stratum_column_names_the_var(population):
    with pytest.raises(SegmentationConfigError, match="fit_sample_strata names 'basket'"):
        fit_customers(population, settings(strata="basket"))


def test_minibatch_kmeans_above_its_threshold_and_reproducible():
    rng = np.random.default_rng(3)
    data = np.concatenate([rng.normal(centre, 0.3, size=(400, 2)) for centre in (-3, 0, 3)])
    assert isinstance(kmeans_estimator(3, len(data), 42, 1, minibatch_threshold=len(data)), KMeans)
    assert isinstance(kmeans_estimator(3, len(data), 42, 1, minibatch_threshold=None), KMeans)
    first = fit_segments(data, 3, n_init=3, minibatch_threshold=1000)
    assert isinstance(first.kmeans, MiniBatchKMeans)
    second = fit_segments(data, 3, n_init=3, minibatch_threshold=1000)
    np.testing.assert_array_equal(first.centroids, second.centroids)
    assert isinstance(fit_segments(data, 3, n_init=3, minibatch_threshold=2000).kmeans, KMeans)


# ------------------------------------------------------------------------------------------ in dbt

SAMPLED_VARS = {"fit_sample_threshold": 10_000, "fit_sample_size": 4_000, "minibatch_threshold": 2_000,
                "n_segments": 5}


@pytest.fixture(scope="module")
def sampled_build(demo_build, tmp_path_factory):
    """A copy of the demo database whose fit models are rebuilt with the thresholds set low."""
    root = tmp_path_factory.mktemp("sampled")
    build = dataclasses.replace(demo_build, database=root / "segments.duckdb", target_dir=root / "target")
    shutil.copy(demo_build.database, build.database)
    # the refit is recorded (scaler, centroids, drift baselines) and goes through the model registry and
    # its publish gate before customers are scored with it
    build.dbt("build", "--select", "segment_scaler", "segment_centroids", "segment_stability",
              "segment_model_scalers", "segment_model_centroids", "segment_training_shares", "segment_training_bins",
              "segment_models", "segment_model_in_force", "segment_rfm_labels", "segment_dictionary",
              "customer_segments",
              extra_vars=SAMPLED_VARS)
    return build


def test_the_fit_reads_only_the_sample_and_fits_minibatch_kmeans_on_it(sampled_build):
    centroids = sampled_build.query("select * from segment_centroids")
    scaler = sampled_build.query("select * from segment_scaler order by feature_position")
    # the fit saw fit_sample_size customers, of the 20,000
    assert centroids.groupby("segment_id")["training_customers"].first().sum() == 4_000
    assert centroids["model_version"].iloc[0] != "km-0a368d860818"
    with duckdb.connect(str(sampled_build.database), read_only=True) as connection:
        drawn = fit_customers(connection.table("customer_features"), settings(size=4_000))
    # the scaler is the sample's, and the sample keeps the RFM label shares of all customers
    features = list(scaler["feature"])
    np.testing.assert_allclose(scaler["mean"], np.nanmean(feature_matrix(drawn.frame, features), axis=0), rtol=1e-12)
    shares = sampled_build.query("select rfm_label, count(*) / 20000 as share from customer_features group by 1")
    sample_shares = drawn.frame["rfm_label"].value_counts() / 4_000
    sampled_share = sample_shares.reindex(shares["rfm_label"]).fillna(0).to_numpy()
    assert (sampled_share - shares["share"].to_numpy()).max() <= 1 / 4_000
    # the centroids are exactly a seeded MiniBatchKMeans fit on that sample (and not a K-Means one)
    scaled = standardize(drawn.frame, scaler)
    minibatch = fit_segments(scaled, 5, random_state=42, n_init=10, minibatch_threshold=2_000)
    stored = np.sort(centroid_matrix(centroids).matrix, axis=0)
    np.testing.assert_allclose(stored, np.sort(minibatch.centroids, axis=0), rtol=0, atol=1e-12)
    kmeans = fit_segments(scaled, 5, random_state=42, n_init=10)
    assert not np.allclose(stored, np.sort(kmeans.centroids, axis=0), atol=1e-6)


def test_scoring_still_labels_every_customer_in_sql(sampled_build):
    features = sampled_build.query("select * from customer_features order by customer_id")
    scored = sampled_build.query("select customer_id, segment_id, model_version from customer_segments "
                                 "order by customer_id")
    assert len(scored) == len(features) == 20_000
    assert scored["customer_id"].tolist() == features["customer_id"].tolist()
    centroids = sampled_build.query("select * from segment_centroids")
    assert set(scored["model_version"]) == {centroids["model_version"].iloc[0]}
    scaler = sampled_build.query("select * from segment_scaler")
    labels, _ = nearest_centroid(standardize(features, scaler), centroid_matrix(centroids).matrix)
    keys = np.sort(centroids["segment_id"].unique())
    assert (keys[labels] == scored["segment_id"].to_numpy()).all()


def test_bad_sample_settings_stop_the_run_naming_the_fix(sampled_build):
    bad = [
        ({"fit_sample_size": 5}, "fit_sample_size is 5, too small to fit 10 segments"),
        ({"fit_sample_size": 300_000}, "fit_sample_size is 300000, above fit_sample_threshold 250000"),
        ({"fit_sample_strata": "basket"}, "fit_sample_strata names 'basket', which customer_features does not have"),
    ]
    outcomes = dbt_many(sampled_build, [("run", bad_vars) for bad_vars, _ in bad])
    for (bad_vars, expected), outcome in zip(bad, outcomes):
        assert not outcome["success"], bad_vars
        assert expected in outcome["log"], (bad_vars, outcome["log"][-2000:])
