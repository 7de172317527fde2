"""End to end on the default demo: every dbt test passes, scoring in SQL equals scikit-learn, the planted
archetypes are recovered, no raw row is lost, and a rebuild changes nothing."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from conftest import DEMO_BUILD_RESULTS
from python_udfs.segmentation import centroid_matrix, fit_segments, nearest_centroid, standardize
from test_bad_input import MARTS, RUN_TIMESTAMP_COLUMNS

SOURCES = {
    "customers": "int_customers_cleaned",
    "transactions": "int_transactions_cleaned",
    "events": "int_events_cleaned",
    "support_tickets": "int_support_tickets_cleaned",
}


def test_every_dbt_node_passed_including_unit_tests(demo_build):
    results = demo_build.run_results(DEMO_BUILD_RESULTS)
    # an exposure is listed by `dbt build` with status no-op: nothing runs for it
    statuses = {result["status"] for result in results if not result["unique_id"].startswith("exposure.")}
    failed = [result["unique_id"] for result in results if result["status"] in ("error", "fail")]
    assert not failed, failed
    assert statuses <= {"success", "pass", "warn"}
    unit_tests = [result for result in results if result["unique_id"].startswith("unit_test.")]
    assert len(unit_tests) >= 3 and all(result["status"] == "pass" for result in unit_tests)
    data_tests = [result for result in results if result["unique_id"].startswith("test.")]
    assert len(data_tests) >= 40


def test_sql_scoring_equals_kmeans_predict_on_every_customer(demo_build):
    features = demo_build.query("select * from customer_features order by customer_id")
    scaler = demo_build.query("select * from segment_scaler order by feature_position")
    centroids = demo_build.query("select * from segment_centroids")
    scored = demo_build.query("select * from customer_segments order by customer_id")
    assert scored["customer_id"].tolist() == features["customer_id"].tolist()

    scaled = standardize(features, scaler)
    k = centroids["segment_id"].nunique()
    # refit exactly as the Python model did; it must land on the same centroids
    refit = fit_segments(scaled, k, random_state=42, n_init=10)
    assert np.array_equal(refit.centroids, centroid_matrix(centroids).matrix)

    sklearn_labels = refit.predict(scaled)
    assert np.array_equal(scored["segment_id"].to_numpy(), sklearn_labels)

    _, squared = nearest_centroid(scaled, centroid_matrix(centroids).matrix)
    np.testing.assert_allclose(scored["distance_to_centroid"].to_numpy() ** 2, squared, rtol=1e-9, atol=1e-12)


def test_planted_archetypes_are_recovered(demo_build):
    truth = pd.read_csv(demo_build.truth_dir / "customer_archetypes.csv")
    scored = demo_build.query("select customer_id, segment_id from customer_segments")
    joined = truth.merge(scored, on="customer_id")
    assert len(joined) >= 0.97 * len(truth)
    ari = adjusted_rand_score(joined["archetype"], joined["segment_id"])
    assert ari >= 0.9, f"adjusted Rand index {ari:.3f}"


def test_no_raw_row_is_lost(demo_build):
    quarantine = demo_build.query("select source_table, count(*) as n from int_quarantine group by 1")
    quarantined = dict(zip(quarantine["source_table"], quarantine["n"]))
    for source, cleaned_model in SOURCES.items():
        raw_rows = duckdb.sql(
            f"select count(*) from read_parquet('{demo_build.raw_dir / source}.parquet')").fetchall()[0][0]
        kept = demo_build.query(f"select count(*) as n from {cleaned_model}")["n"][0]
        assert raw_rows == kept + quarantined.get(source, 0), source
        assert quarantined.get(source, 0) > 0, f"the demo plants dirty {source} rows; none were quarantined"


def test_planted_dirty_rows_are_quarantined_with_their_reason(demo_build):
    reasons = demo_build.query(
        "select source_table, rejection_reason, count(*) as n from int_quarantine group by 1, 2")
    found = {(row.source_table, row.rejection_reason) for row in reasons.itertuples()}
    expected = {
        ("transactions", "exact_duplicate"), ("transactions", "missing_customer_id"),
        ("transactions", "unknown_customer_id"), ("transactions", "non_positive_quantity"),
        ("transactions", "non_positive_price"), ("transactions", "timestamp_in_future"),
        ("transactions", "timestamp_before_earliest_valid_date"), ("transactions", "unparseable_timestamp"),
        ("transactions", "unknown_status"), ("customers", "exact_duplicate"),
        ("customers", "missing_customer_id"), ("customers", "conflicting_customer_record"),
        ("events", "exact_duplicate"), ("support_tickets", "exact_duplicate"),
    }
    assert expected <= found, expected - found


def test_mixed_timestamp_formats_and_category_spellings_are_unified(demo_build):
    categories = demo_build.query("select distinct product_category from int_transactions_cleaned")
    mapped = demo_build.query("select distinct product_category from product_category_map")
    assert set(categories["product_category"]) <= set(mapped["product_category"]) | {"other"}
    assert len(set(categories["product_category"]) - {"other"}) == len(set(mapped["product_category"]))
    # every kept line has a parsed timestamp in the plausible window
    bounds = demo_build.query("select min(ordered_at) as lo, max(ordered_at) as hi from int_transactions_cleaned")
    assert bounds["lo"][0] >= pd.Timestamp("1990-01-01") and bounds["hi"][0] <= pd.Timestamp.now()


def test_segment_profiles_add_up(demo_build):
    profiles = demo_build.query("select * from segment_profiles")
    customers = demo_build.query("select count(*) as n from customer_segments")["n"][0]
    assert profiles["customer_count"].sum() == customers
    assert profiles["customer_share"].sum() == pytest.approx(1.0)
    assert profiles["revenue_share"].sum() == pytest.approx(1.0)
    assert profiles["segment_name"].notna().all() and profiles["segment_name"].is_unique


def test_shipped_segment_names_fit_the_archetype_each_segment_holds(demo_build):
    """The demo's segment_names rows must apply (same model version) and name what the segment really is."""
    named = {"Discount Seekers": "discount_seeker", "Lapsing Customers": "lapsing",
             "New Explorers": "new_explorer", "Occasional Gift Buyers": "occasional_gift_buyer",
             "High-Value Loyalists": "high_value_loyalist"}
    dictionary = demo_build.query("select segment_id, segment_name, name_source from segment_dictionary")
    assert (dictionary["name_source"] == "seed").all()
    truth = pd.read_csv(demo_build.truth_dir / "customer_archetypes.csv")
    scored = demo_build.query("select customer_id, segment_name from customer_segments")
    majority = truth.merge(scored, on="customer_id").groupby("segment_name")["archetype"].agg(
        lambda archetypes: archetypes.mode()[0])
    assert majority.to_dict() == named


@pytest.mark.parametrize(
    "bad_vars, expected",
    [
        ({"segment_features": ["recency_days_log", "basket_size"]}, "segment_features names ['basket_size']"),
        ({"n_segments": 1}, "n_segments is 1"),
        ({"n_segments": 30000}, "only 20000 customers"),
    ],
)
def test_bad_settings_stop_the_fit_and_leave_the_published_segments(demo_build, bad_vars, expected):
    before = demo_build.query("select customer_id, segment_id from customer_segments order by customer_id")
    result = demo_build.dbt("build", "--select", "segment_scaler+", check=False, extra_vars=bad_vars)
    assert result.returncode != 0
    assert expected in result.stdout
    after = demo_build.query("select customer_id, segment_id from customer_segments order by customer_id")
    pd.testing.assert_frame_equal(before, after)


def test_a_second_build_gives_identical_centroids_labels_and_marts(demo_build):
    """On 20,000 customers DuckDB aggregates in parallel: the features and the profile means must still not move."""
    marts = {mart: key for mart, key in MARTS.items() if mart in (
        "customer_segments", "segment_profiles", "customer_features", "customer_rfm", "clv_model_parameters",
        "customer_lifetime_value", "segment_lifetime_value", "segment_backtest", "customer_experiment_groups",
        "segment_campaign_lift")}
    before_centroids = demo_build.query("select * from segment_centroids order by segment_id, feature_position")
    before = {mart: demo_build.query(f"select * from {mart} order by {key}") for mart, key in marts.items()}
    demo_build.dbt("build")
    after_centroids = demo_build.query("select * from segment_centroids order by segment_id, feature_position")
    pd.testing.assert_frame_equal(before_centroids, after_centroids, check_exact=True)
    for mart, key in marts.items():
        after = demo_build.query(f"select * from {mart} order by {key}")
        drop = RUN_TIMESTAMP_COLUMNS.get(mart, [])
        pd.testing.assert_frame_equal(before[mart].drop(columns=drop), after.drop(columns=drop), check_exact=True,
                                      obj=mart)

