"""assign_segment's optional outputs against numpy, through real dbt on DuckDB: squared distance to every
centroid, second-nearest segment and margin, and the anomaly flag from a distance profile; and the
segment_distance_profile / customer_segment_scores models of the demo build."""

from __future__ import annotations

import os

import duckdb
import numpy as np
import pandas as pd

from python_udfs.segmentation import nearest_centroid
from dbt_process import dbt
from test_assign_segment import INTEGRATION, write_table


def score_detailed(workdir, rows, means, scales, centroids, thresholds) -> pd.DataFrame:
    database = workdir / "options.duckdb"
    database.unlink(missing_ok=True)
    features = [f"f{i}" for i in range(rows.shape[1])]
    with duckdb.connect(str(database)) as connection:
        frame = pd.DataFrame(rows, columns=features)
        frame.insert(0, "row_id", np.arange(len(rows), dtype=np.int64))
        write_table(connection, "fixture_rows_0", frame)
        write_table(connection, "fixture_scaler_0", pd.DataFrame(
            {"feature_position": np.arange(len(features)), "feature": features, "mean": means, "scale": scales}))
        write_table(connection, "fixture_centroids", pd.DataFrame(
            [{"model_version": "case_0", "segment_id": k, "feature_position": p, "feature": features[p],
              "centroid_scaled": float(centroids[k, p])}
             for k in range(len(centroids)) for p in range(len(features))]))
        write_table(connection, "fixture_distance_profile", pd.DataFrame(
            {"model_version": "case_0", "segment_id": np.arange(len(centroids)),
             "anomaly_distance_threshold": np.asarray(thresholds, dtype=np.float64)}))
    env = {**os.environ, "DBT_PROFILES_DIR": str(INTEGRATION), "SEGMENTS_DUCKDB_PATH": str(database)}
    assert dbt(["deps"], INTEGRATION, env).returncode == 0
    result = dbt(["build", "--select", "fixture_scores_detailed", "--target-path", str(workdir / "target"),
                  "--log-path", str(workdir / "logs")], INTEGRATION, env)
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.sql("select * from fixture_scores_detailed order by row_id").df()


def test_every_optional_output_matches_numpy(tmp_path):
    rng = np.random.default_rng(7)
    k, n_features = 6, 4
    centroids = rng.normal(0, 2, (k, n_features))
    centroids[5] = centroids[4]  # a duplicated centroid: every row near it has an exact tie for second
    means, scales = rng.normal(0, 10, n_features), rng.uniform(0.5, 5, n_features)
    rows = means + rng.normal(0, 2.5, (400, n_features)) * scales
    rows[rng.random(rows.shape) < 0.05] = np.nan
    thresholds = np.array([1.0, 1.5, 2.0, 0.0, 2.5, 3.0])  # 0: every non-zero distance is anomalous

    scored = score_detailed(tmp_path, rows, means, scales, centroids, thresholds)

    scaled = np.where(np.isnan(rows), 0.0, (rows - means) / scales)
    labels, squared = nearest_centroid(scaled, centroids)
    distances = np.zeros((len(rows), k))
    for position in range(n_features):  # summed left to right, as the SQL is
        difference = scaled[:, position, None] - centroids[None, :, position]
        distances = distances + difference * difference
    assert list(scored.columns) == [
        "row_id", "segment_id", "squared_distance", "model_version",
        *[f"squared_distance_to_{i}" for i in range(k)],
        "second_segment_id", "second_squared_distance", "segment_margin", "anomaly_score", "is_anomaly"]
    assert scored["segment_id"].tolist() == labels.tolist()
    for i in range(k):
        np.testing.assert_allclose(scored[f"squared_distance_to_{i}"], distances[:, i], rtol=1e-12, atol=1e-300)

    order = np.argsort(distances, axis=1, kind="stable")  # ties: the lower id first, for both ranks
    assert (order[:, 0] == labels).all()
    assert scored["second_segment_id"].tolist() == order[:, 1].tolist()
    assert (scored["segment_id"] == 4).any() and (scored["second_segment_id"] == 5).any()
    second = distances[np.arange(len(rows)), order[:, 1]]
    np.testing.assert_allclose(scored["second_squared_distance"], second, rtol=1e-12)
    np.testing.assert_allclose(scored["segment_margin"], np.sqrt(second) - np.sqrt(squared), rtol=1e-9, atol=1e-12)
    assert (scored["segment_margin"] >= 0).all()

    threshold = thresholds[labels]
    expected_flag = np.sqrt(squared) > threshold
    assert scored["is_anomaly"].tolist() == expected_flag.tolist()
    assert 0 < expected_flag.sum() < len(rows)
    with np.errstate(divide="ignore"):
        expected_score = np.where(threshold > 0, np.sqrt(squared) / np.where(threshold > 0, threshold, 1), np.nan)
    np.testing.assert_allclose(scored["anomaly_score"].to_numpy(np.float64), expected_score, rtol=1e-12)


def test_demo_distance_profile_flags_about_the_contamination_share(demo_build):
    profile = demo_build.query("select * from segment_distance_profile order by segment_id")
    segments = demo_build.query("select segment_id, count(*) as n from customer_segments group by 1 order by 1")
    assert profile["segment_id"].tolist() == segments["segment_id"].tolist()
    assert profile["training_customers"].tolist() == segments["n"].tolist()
    assert (profile["contamination"] == 0.01).all()
    assert (profile["anomaly_distance_threshold"] > profile["median_distance"]).all()

    scores = demo_build.query("select * from customer_segment_scores")
    plain = demo_build.query("select customer_id, segment_id, distance_to_centroid from customer_segments")
    merged = scores.merge(plain, on="customer_id", suffixes=("", "_plain"))
    assert len(merged) == len(plain) == len(scores)
    assert (merged["segment_id"] == merged["segment_id_plain"]).all()
    np.testing.assert_allclose(merged["distance_to_centroid"], merged["distance_to_centroid_plain"], rtol=1e-15)
    share = scores["is_anomaly"].mean()
    assert 0.005 <= share <= 0.02, share  # contamination 0.01, a quantile per segment
    assert (scores["second_segment_id"] != scores["segment_id"]).all()
