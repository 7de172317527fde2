"""The BI marts behind the report, against independent numpy computations on the demo build:
segment_projection (PCA) and segment_feature_distribution (quantiles, fixed-bin histograms)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from python_udfs.projection import check_sample_size, projection_table, sample_customers
from python_udfs.segmentation import SegmentationConfigError, centroid_matrix, standardize


def principal_axes(scaled: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two leading eigenvectors of the covariance matrix and their variance shares (numpy only)."""
    centred = scaled - scaled.mean(axis=0)
    covariance = centred.T @ centred / (len(scaled) - 1)
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    order = np.argsort(eigenvalues)[::-1][:2]
    return eigenvectors[:, order], eigenvalues[order] / eigenvalues.sum()


@pytest.fixture(scope="module")
def model_frames(demo_build):
    return {
        "customers": demo_build.query("select * from customer_features order by customer_id"),
        "scaler": demo_build.query("select * from segment_scaler order by feature_position"),
        "centroids": demo_build.query("select * from segment_centroids order by segment_id, feature_position"),
        "segments": demo_build.query("select customer_id, segment_id from customer_segments order by customer_id"),
        "dictionary": demo_build.query("select * from segment_dictionary order by segment_id"),
    }


def test_projection_matches_an_independent_pca(demo_build, model_frames):
    projection = demo_build.query("select * from segment_projection")
    scaled = standardize(model_frames["customers"], model_frames["scaler"])
    axes, shares = principal_axes(scaled)
    mean = scaled.mean(axis=0)

    centroids = projection[projection["point_type"] == "centroid"].sort_values("segment_id")
    expected = (centroid_matrix(model_frames["centroids"]).matrix - mean) @ axes
    got = centroids[["pc1", "pc2"]].to_numpy()
    signs = np.sign((got * expected).sum(axis=0))  # an axis may point either way
    np.testing.assert_allclose(got, expected * signs, atol=1e-8)
    np.testing.assert_allclose(centroids[["pc1_variance_share", "pc2_variance_share"]].iloc[0], shares, rtol=1e-9)

    customers = projection[projection["point_type"] == "customer"].sort_values("customer_id")
    assert len(customers) == 2000  # the projection_sample_size default
    rows = model_frames["customers"]["customer_id"].searchsorted(customers["customer_id"])
    np.testing.assert_allclose(customers[["pc1", "pc2"]].to_numpy(), (scaled[rows] - mean) @ axes * signs, atol=1e-8)
    # each sampled customer carries the segment SQL scored it into
    scored = model_frames["segments"].set_index("customer_id").loc[customers["customer_id"], "segment_id"]
    assert customers["segment_id"].tolist() == scored.tolist()
    assert projection["model_version"].nunique() == 1
    assert projection["model_version"][0] == model_frames["centroids"]["model_version"][0]


def test_projection_is_deterministic_and_its_sample_is_stable(model_frames):
    def build(customers):
        return projection_table(customers, model_frames["scaler"], model_frames["centroids"],
                                model_frames["segments"], model_frames["dictionary"], sample_size=500, random_state=42)

    first, second = build(model_frames["customers"]), build(model_frames["customers"])
    pd.testing.assert_frame_equal(first, second)

    ids = model_frames["customers"]["customer_id"]
    sample = sample_customers(ids, 500, 42)
    assert sample == sorted(sample) and len(set(sample)) == 500
    # a customer who joins later displaces at most one sampled customer: the rest stay
    grown = sample_customers(pd.concat([ids, pd.Series(["C-NEW-1"])]), 500, 42)
    assert len(set(sample) & set(grown)) >= 499
    assert sample_customers(ids, 500, 7) != sample  # the seed does choose the sample


def test_projection_refuses_a_bad_sample_size():
    assert check_sample_size("0") == 0
    for bad in (-1, 2.5, "many"):
        with pytest.raises(SegmentationConfigError, match="projection_sample_size"):
            check_sample_size(bad)


def test_feature_distribution_matches_numpy(demo_build):
    distribution = demo_build.query("select * from segment_feature_distribution")
    features = demo_build.query("select * from customer_features")
    segments = demo_build.query("select customer_id, segment_id from customer_segments")
    scaler = demo_build.query("select feature from segment_scaler order by feature_position")
    joined = features.merge(segments, on="customer_id")
    n_bins = 20

    assert sorted(distribution["feature"].unique()) == sorted(scaler["feature"])  # default: the model's features
    assert len(distribution) == segments["segment_id"].nunique() * len(scaler) * n_bins
    for (segment_id, feature), rows in distribution.groupby(["segment_id", "feature"]):
        rows = rows.sort_values("bin_index")
        values = joined.loc[joined["segment_id"] == segment_id, feature].astype(float).to_numpy()
        first = rows.iloc[0]
        assert first["customers"] == len(values)
        np.testing.assert_allclose(first[["p5", "p25", "p50", "p75", "p95"]].to_numpy(dtype=float),
                                   np.percentile(values, [5, 25, 50, 75, 95]), rtol=1e-9, atol=1e-12)
        # the same edges for every segment: the feature's range over all customers
        everyone = joined[feature].astype(float)
        _, edges = np.histogram(values, bins=n_bins, range=(everyone.min(), everyone.max()))
        np.testing.assert_allclose(rows["bin_lower"], edges[:-1], rtol=1e-9, atol=1e-12)
        # every value lies in the bin whose published edges hold it (the last bin holds the maximum)
        lower, upper = rows["bin_lower"].to_numpy(), rows["bin_upper"].to_numpy()
        inside = (values[:, None] >= lower[None, :]) & (values[:, None] < upper[None, :])
        inside[:, -1] |= values == upper[-1]
        assert rows["bin_customers"].tolist() == inside.sum(axis=0).tolist(), (segment_id, feature)
        assert rows["bin_share"].sum() == pytest.approx(1.0)


def test_unknown_distribution_feature_stops_the_build_with_the_fix(demo_build, tmp_path):
    # own target folder: the shared build's run_results.json stays that of the full build
    build = dataclasses.replace(demo_build, target_dir=tmp_path / "target")
    result = build.dbt("build", "--select", "segment_feature_distribution", check=False,
                            extra_vars={"distribution_features": ["recency_days", "not_a_column"]})
    assert result.returncode != 0
    assert "distribution_features names 'not_a_column', which customer_features does not have" in result.stdout


def test_rebuilding_the_report_marts_changes_nothing(demo_build, tmp_path):
    queries = {"segment_projection": "select * from segment_projection order by point_id",
               "segment_feature_distribution": "select * from segment_feature_distribution "
                                               "order by segment_id, feature, bin_index"}
    before = {name: demo_build.query(sql) for name, sql in queries.items()}
    dataclasses.replace(demo_build, target_dir=tmp_path / "target").dbt(
        "run", "--select", "segment_projection", "segment_feature_distribution")
    for name, sql in queries.items():
        pd.testing.assert_frame_equal(before[name], demo_build.query(sql), check_exact=True, obj=name)
