"""The fitting helpers the dbt Python models call: settings checks, scaler, K-Means, ordering, versions."""

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans

from python_udfs.frames import to_pandas
from python_udfs.segmentation import (
    SegmentationConfigError,
    as_list,
    centroid_table,
    centroid_matrix,
    check_features,
    fit_scaler,
    fitted_features,
    fit_segments,
    model_version,
    nearest_centroid,
    parse_n_segments,
    standardize,
)

pytestmark = pytest.mark.unit


def blobs(n_per_blob=60, seed=0):
    """Three well separated groups in two features, plus a text column."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    sizes = [n_per_blob * 2, n_per_blob, n_per_blob // 2]
    points = np.vstack([rng.normal(centre, 0.5, size=(size, 2)) for centre, size in zip(centres, sizes)])
    return pd.DataFrame({"customer_id": [f"C{i:04d}" for i in range(len(points))],
                         "spend": points[:, 0], "visits": points[:, 1], "channel": "web"})


def test_as_list_reads_yml_rendered_lists():
    assert as_list("['a', 'b']") == ["a", "b"]
    assert as_list("[2, 10]") == [2, 10]
    assert as_list(["a"]) == ["a"]
    assert as_list("a, b") == ["a", "b"]


@pytest.mark.parametrize(
    "features, message",
    [
        ([], "segment_features is empty"),
        (["spend", "spend"], "more than once"),
        (["spend", "basket"], "does not have"),
        (["channel"], "not numeric"),
    ],
)
def test_bad_feature_lists_name_the_var_and_fix(features, message):
    with pytest.raises(SegmentationConfigError, match=message) as error:
        check_features(blobs(), features)
    assert "segment_features" in str(error.value)


def test_feature_names_are_matched_case_insensitively():
    assert check_features(blobs(), ["SPEND", "visits"]) == ["spend", "visits"]


@pytest.mark.parametrize(
    "n_segments, k_range, message",
    [
        (1, [2, 10], "at least 2"),
        ("three", [2, 10], "whole number"),
        (2.5, [2, 10], "whole number"),
        ("auto", [1, 10], "2 <= min <= max"),
        ("auto", [5, 3], "2 <= min <= max"),
        ("auto", [2], "two whole numbers"),
    ],
)
def test_bad_k_settings_fail_fast(n_segments, k_range, message):
    with pytest.raises(SegmentationConfigError, match=message):
        parse_n_segments(n_segments, k_range)


def test_k_settings_parse():
    assert parse_n_segments("auto", "[2, 10]") == (None, (2, 10))
    assert parse_n_segments("4", [2, 10]) == (4, (2, 10))
    assert parse_n_segments(4.0, [3, 3]) == (4, (3, 3))


def test_scaler_matches_numpy_and_gives_constant_features_scale_one():
    frame = blobs().assign(constant=7.0)
    scaler = fit_scaler(frame, ["spend", "visits", "constant"])
    assert list(scaler["feature"]) == ["spend", "visits", "constant"]
    assert scaler["mean"].tolist() == pytest.approx([frame.spend.mean(), frame.visits.mean(), 7.0])
    assert scaler["scale"].tolist() == pytest.approx([frame.spend.std(ddof=0), frame.visits.std(ddof=0), 1.0])


def test_scaler_refuses_a_feature_null_for_everyone():
    frame = blobs().assign(empty=np.nan)
    with pytest.raises(SegmentationConfigError, match="null for every customer"):
        fit_scaler(frame, ["spend", "empty"])


def test_empty_input_fails_with_a_fix():
    with pytest.raises(SegmentationConfigError, match="customer_features is empty"):
        fit_scaler(blobs().iloc[:0], ["spend"])


def test_missing_values_standardize_to_the_mean():
    frame = blobs()
    scaler = fit_scaler(frame, ["spend", "visits"])
    frame.loc[0, "spend"] = np.nan
    scaled = standardize(frame, scaler)
    assert scaled[0, 0] == 0.0
    assert scaled[1, 0] == pytest.approx((frame.spend[1] - scaler["mean"][0]) / scaler["scale"][0])


def test_segments_are_ordered_by_size_largest_first():
    frame = blobs()
    scaled = standardize(frame, fit_scaler(frame, ["spend", "visits"]))
    model = fit_segments(scaled, 3, random_state=1, n_init=5)
    assert model.k == 3
    assert list(model.sizes) == [120, 60, 30]
    # canonical ids: the biggest group (centred at spend 0, visits 0) is segment 0
    labels = model.predict(scaled)
    assert np.bincount(labels).tolist() == [120, 60, 30]
    assert np.all(np.abs(scaled[labels == 0].mean(axis=0) - model.centroids[0]) < 1e-9)


def test_fixed_k_fit_is_deterministic_and_matches_scikit_learn():
    frame = blobs(seed=3)
    scaled = standardize(frame, fit_scaler(frame, ["spend", "visits"]))
    first = fit_segments(scaled, 4, random_state=7, n_init=10)
    second = fit_segments(scaled, 4, random_state=7, n_init=10)
    assert np.array_equal(first.centroids, second.centroids)
    reference = KMeans(n_clusters=4, n_init=10, random_state=7).fit(scaled)
    assert np.array_equal(np.sort(first.centroids, axis=0), np.sort(reference.cluster_centers_, axis=0))
    # the mapped labels describe the same partition as scikit-learn's own
    assert np.array_equal(first.order[first.predict(scaled)], reference.predict(scaled))


def test_fewer_customers_than_k_fails_with_a_fix():
    frame = blobs().iloc[:3]
    scaled = standardize(frame, fit_scaler(frame, ["spend", "visits"]))
    with pytest.raises(SegmentationConfigError, match="only 3 customers"):
        fit_segments(scaled, 5)


def test_centroid_table_round_trips_and_version_tracks_content():
    frame = blobs()
    scaler = fit_scaler(frame, ["spend", "visits"])
    model = fit_segments(standardize(frame, scaler), 3, random_state=0, n_init=3)
    version = model_version(scaler, model, 0)
    table = centroid_table(scaler, model, version)
    assert len(table) == 3 * 2
    assert np.array_equal(centroid_matrix(table).matrix, model.centroids)
    # original units = mean + scaled * scale
    row = table.iloc[1]
    assert row.centroid_value == pytest.approx(scaler["mean"][1] + row.centroid_scaled * scaler["scale"][1])
    assert version == model_version(scaler, model, 0)
    assert version != model_version(scaler, model, 1)


def test_nearest_centroid_breaks_ties_to_the_lowest_id():
    centroids = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 5.0]])
    labels, distances = nearest_centroid(np.array([[0.0, 0.0], [-2.0, 0.0]]), centroids)
    assert labels.tolist() == [0, 1]
    assert distances.tolist() == [1.0, 1.0]


def test_to_pandas_reads_a_duckdb_relation_in_order():
    connection = duckdb.connect()
    relation = connection.sql("select * from (values ('b', 2), ('a', 1)) as t(Customer_ID, value)")
    frame = to_pandas(relation, order_by="customer_id")
    assert list(frame.columns) == ["customer_id", "value"]
    assert frame["customer_id"].tolist() == ["a", "b"]


def test_to_pandas_refuses_what_it_cannot_read():
    with pytest.raises(TypeError, match="cannot read a list"):
        to_pandas([1, 2])


def test_fitted_features_keep_what_the_screening_keeps_in_the_requested_order():
    screening = pd.DataFrame({"requested_position": [1, 0, 2], "feature": ["visits", "spend", "constant"],
                              "is_fitted": [True, True, False], "screening_reason": [None, None, "constant"]})
    assert fitted_features(["spend", "visits", "constant"], screening) == ["spend", "visits"]
    with pytest.raises(SegmentationConfigError, match="build it with the same vars"):
        fitted_features(["spend", "visits"], screening)  # screened for another feature list
    nothing = screening.assign(is_fitted=False, screening_reason="constant")
    with pytest.raises(SegmentationConfigError, match="every feature of segment_features is left out"):
        fitted_features(["spend", "visits", "constant"], nothing)
