"""A customer table instead of order lines (customer_table var), on a generated CRM export.

The export (tests/integration/customer_table_data.py) holds 300 clean customers in three planted groups and
one extra row per cleaning rule; the expected counts below follow from those rules:
- every planted row is quarantined with its reason; the 300 clean customers are kept;
- every kept customer is in customer_features and scored exactly once, with a named segment;
- RFM comes from the mapped columns, e-mail hashes from the mapped e-mail;
- the registry publishes the fitted version, and a rebuild gives the same one.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from conftest import new_build
from customer_table_data import FULL_VARS, write


def test_rows_in_equal_rows_kept_plus_rows_quarantined_by_reason(customer_table_build):
    build, export, customers, planted = customer_table_build
    assert build.query("select count(*) as n from stg_raw__customer_table")["n"][0] == len(export) == 310
    assert build.query("select count(*) as n from int_customer_table_cleaned")["n"][0] == len(customers) == 300
    quarantined = build.query("select source_table, rejection_reason, count(*) as n from int_quarantine "
                              "group by all order by all")
    assert set(quarantined["source_table"]) == {"customer_table"}
    assert dict(zip(quarantined["rejection_reason"], quarantined["n"])) == dict(Counter(planted.values()))


def test_each_planted_row_has_its_reason(customer_table_build):
    build, _, _, planted = customer_table_build
    rows = build.query("select customer_id, rejection_reason, raw_record from int_quarantine")
    by_id = dict(zip(rows["customer_id"], rows["rejection_reason"]))
    for ref, reason in planted.items():
        if ref.startswith("X"):
            assert by_id[ref] == reason, ref
    # the raw row keeps the value as it arrived, and the validated row names the one that broke the rule
    assert "spend_12m=twelve hundred" in rows.loc[rows["customer_id"] == "X0001", "raw_record"].iloc[0]
    rejected = build.query("select customer_id, rejected_value from int_customer_table_validated "
                           "where customer_id like 'X%' order by customer_id")
    assert rejected["rejected_value"].tolist() == [
        "spend_12m=twelve hundred", "income=Infinity", "spend_per_visit=inf", "signup=31/02/2023", "income=NA",
        "days_since_order=-3.0"]
    # C0011's second record (a later signup, income 1) is the one quarantined; the first is kept
    assert rows.loc[rows["rejection_reason"] == "conflicting_customer_record", "customer_id"].tolist() == ["C0011"]
    kept = build.query("select income from int_customer_table_cleaned where customer_id = 'C0011'")
    assert kept["income"].iloc[0] != 1


def test_every_kept_customer_is_segmented_once(customer_table_build):
    build, _, customers, _ = customer_table_build
    segments = build.query("select customer_segments.customer_id, customer_segments.segment_name, "
                           "segment_dictionary.segment_name as dictionary_name from customer_segments "
                           "left join segment_dictionary using (segment_id)")
    assert sorted(segments["customer_id"]) == sorted(customers["Client Ref"])
    assert segments["segment_name"].notna().all()
    assert (segments["segment_name"] == segments["dictionary_name"]).all()
    features = build.query("select customer_id from customer_features")
    assert sorted(features["customer_id"]) == sorted(customers["Client Ref"])


def test_the_planted_groups_come_back_as_segments(customer_table_build):
    build, _, customers, _ = customer_table_build
    segments = build.query("select customer_id, segment_id from customer_segments")
    joined = customers.merge(segments, left_on="Client Ref", right_on="customer_id")
    assert joined["segment_id"].nunique() == 3
    assert adjusted_rand_score(joined["group"], joined["segment_id"]) > 0.95


def test_rfm_and_spend_come_from_the_mapped_columns(customer_table_build):
    build, _, customers, _ = customer_table_build
    features = build.query("select customer_id, recency_days, frequency, monetary, rfm_label, is_buyer, "
                           "tenure_days, as_of_date, income, visits, spend_per_visit from customer_features")
    truth = customers.set_index("Client Ref").loc[features["customer_id"]]
    assert np.allclose(features["recency_days"], truth["Days Since Order"].astype(float))
    assert np.allclose(features["frequency"], truth["Orders"].astype(float))
    assert np.allclose(features["monetary"], truth["Spend 12m"].astype(float))
    assert features["rfm_label"].notna().all() and features["is_buyer"].all()
    rfm = build.query("select customer_id, recency_days from customer_rfm")
    assert len(rfm) == len(customers)
    assert np.allclose(rfm.set_index("customer_id").loc[features["customer_id"], "recency_days"],
                       features["recency_days"])
    # as of the latest signup; tenure from the signup date, read day first
    signup = pd.to_datetime(truth["Signup"], format="%d/%m/%Y")
    assert features["as_of_date"].nunique() == 1
    as_of = pd.Timestamp(features["as_of_date"].iloc[0])
    assert as_of == signup.max()
    assert (features["tenure_days"].to_numpy() == (as_of - signup).dt.days.to_numpy()).all()


def test_a_missing_value_of_a_column_not_required_is_kept_and_imputed(customer_table_build):
    build, _, _, _ = customer_table_build
    row = build.query("select visits, spend_per_visit from customer_features where customer_id = 'C0020'")
    assert row["visits"].isna().all() and row["spend_per_visit"].isna().all()
    assert build.query("select count(*) as n from customer_segments where customer_id = 'C0020'")["n"][0] == 1


def test_the_registry_publishes_the_fit_and_the_export_hashes_the_mapped_email(customer_table_build):
    build, _, customers, _ = customer_table_build
    models = build.query("select model_version, status, training_rows, training_window_start from segment_models")
    assert models["status"].tolist() == ["published"]
    assert models["training_rows"].tolist() == [len(customers)]
    assert models["training_window_start"].notna().all()
    export = build.query("select external_id, email_sha256 from segment_export where external_id = 'C0001'")
    assert export["email_sha256"].iloc[0] == hashlib.sha256(b"client1@example.com").hexdigest()


def test_order_line_models_are_not_built(customer_table_build):
    build, _, _, _ = customer_table_build
    tables = set(build.query("select table_name from information_schema.tables")["table_name"])
    assert {"customer_features", "customer_segments", "segment_profiles", "segment_drift"} <= tables
    assert not tables & {"stg_raw__transactions", "int_transactions_cleaned", "int_customers_cleaned",
                         "int_backtest_window", "segment_backtest"}


def test_a_rebuild_gives_the_same_model_version(customer_table_build, tmp_path):
    build, export, _, _ = customer_table_build
    first = build.query("select model_version from segment_models")["model_version"].tolist()
    again = new_build(tmp_path)
    write(export, again.raw_dir)
    again.dbt("build", extra_vars=FULL_VARS)
    assert again.query("select model_version from segment_models")["model_version"].tolist() == first
    columns = "customer_id, segment_id, segment_name, distance_to_centroid"
    assert build.query(f"select {columns} from customer_segments order by customer_id").equals(
        again.query(f"select {columns} from customer_segments order by customer_id"))


def test_the_least_mapping_segments_without_rfm(minimal_customer_table_build):
    build, customers = minimal_customer_table_build
    # with no signup date, no required column, no derived feature and Days Since Order not read, only
    # the id, duplicate and number rules apply: X0003 to X0006 are kept
    quarantined = build.query("select rejection_reason, count(*) as n from int_quarantine group by all")
    assert dict(zip(quarantined["rejection_reason"], quarantined["n"])) == {
        "missing_customer_id": 2, "exact_duplicate": 1, "unparseable_number": 1, "non_finite_number": 1,
        "conflicting_customer_record": 1}
    features = build.query("select customer_id, rfm_label, is_buyer, recency_days, tenure_days, as_of_date "
                           "from customer_features")
    assert sorted(features["customer_id"]) == sorted([*customers["Client Ref"], "X0003", "X0004", "X0005", "X0006"])
    assert features[["rfm_label", "is_buyer", "recency_days", "tenure_days"]].isna().all().all()
    assert str(features["as_of_date"].iloc[0])[:10] == "2024-06-30"
    assert build.query("select count(*) as n from customer_rfm")["n"][0] == 0
    names = build.query("select segment_name from segment_dictionary")["segment_name"]
    assert len(names) == 3 and all(name.startswith("Segment: ") for name in names)
    models = build.query("select status, training_window_start from segment_models")
    assert models["status"].tolist() == ["published"] and models["training_window_start"].isna().all()


@pytest.mark.parametrize("changes, expected", [
    # day-first dates read without a format: every row is quarantined, the build says which var to set
    ({"customer_table_date_format": None},
     ["310 rows arrived and none passed cleaning", "unparseable_date: 304 (e.g. signup=",
      "set customer_table_date_format"]),
    ({"customer_table_columns": {"recency_days": "Days Since Order"}},
     ["RFM scores and labels need recency_days, frequency and monetary", "['frequency', 'monetary']"]),
    ({"customer_table_numeric_columns": [*FULL_VARS["customer_table_numeric_columns"], "Loyalty Points"]},
     ["has no column(s) ['loyalty_points']", "customer_table_numeric_columns"]),
])
def test_a_wrong_mapping_stops_the_build_naming_the_var(customer_table_build, tmp_path, changes, expected):
    build, export, _, _ = customer_table_build
    broken = new_build(tmp_path)
    write(export, broken.raw_dir)
    result = broken.dbt("run", "--select", "+int_feature_window", check=False,
                        extra_vars={**FULL_VARS, **changes})
    assert result.returncode != 0
    for text in expected:
        assert text in result.stdout, result.stdout[-3000:]
