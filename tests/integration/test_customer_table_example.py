"""examples/customer_table on the real campaign data set (../shared/data/marketing_campaign.tsv; skipped
when it is absent): the package segments it as a customer table, and the counts reconcile.

The expected counts are computed here from the raw file with pandas, by the cleaning rules of
int_customer_table_validated applied in their order (first match wins):
  missing_customer_id  ID blank or a placeholder; exact_duplicate  a repeat of an identical row;
  unparseable_number   a value of a numeric column (the example's customer_table_numeric_columns) that is
                       neither missing (blank, NA, N/A, null, none, unknown, -) nor a number;
  non_finite_number    NaN / Infinity in a numeric column (the example's derived features divide only by
                       positive totals and take logs of 1 + a non-negative number, so none is non-finite);
  unparseable_date     Dt_Customer not a day-first date (%d-%m-%Y);
  missing_value        a required value missing: Income (customer_table_required_columns) and the RFM
                       columns Recency, total purchases and total spend (mapped, hence required);
  negative_value       Recency, total purchases or total spend below 0;
  conflicting_customer_record  a second valid row for an ID.
Every kept customer signed up on or before the latest signup (the as-of date), so all are segmented.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import yaml

from conftest import EXAMPLES

MISSING = {"", "na", "n/a", "null", "none", "unknown", "-"}
NON_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
SPEND = ["MntWines", "MntFruits", "MntMeatProducts", "MntFishProducts", "MntSweetProducts", "MntGoldProds"]
PURCHASES = ["NumWebPurchases", "NumCatalogPurchases", "NumStorePurchases"]


def example_vars() -> dict:
    return yaml.safe_load((EXAMPLES / "customer_table" / "dbt_project.yml").read_text())["vars"]["dbt_segments"]


def expected_reasons(raw: pd.DataFrame) -> pd.Series:
    """The rejection reason of every raw row (None = kept), by the rules in this module's docstring."""
    text = raw.apply(lambda column: column.str.strip())
    lowered = text.apply(lambda column: column.str.lower())
    numeric = example_vars()["customer_table_numeric_columns"]
    missing = lowered[numeric].isin(MISSING)
    non_finite = lowered[numeric].isin(NON_FINITE)
    numbers = text[numeric].apply(pd.to_numeric, errors="coerce").where(~missing & ~non_finite)
    unparseable = numbers.isna() & ~missing & ~non_finite
    signup = pd.to_datetime(text["Dt_Customer"], format="%d-%m-%Y", errors="coerce")
    total_spend = numbers[SPEND].sum(axis=1, min_count=len(SPEND))
    total_purchases = numbers[PURCHASES].sum(axis=1, min_count=len(PURCHASES))
    rfm = pd.DataFrame({"recency": numbers["Recency"], "purchases": total_purchases, "spend": total_spend})
    rules = [
        ("missing_customer_id", lowered["ID"].isin(MISSING | {"nan"})),
        ("exact_duplicate", raw.duplicated()),
        ("unparseable_number", unparseable.any(axis=1)),
        ("non_finite_number", non_finite.any(axis=1)),
        ("unparseable_date", ~lowered["Dt_Customer"].isin(MISSING) & signup.isna()),
        ("missing_value", numbers["Income"].isna() | rfm.isna().any(axis=1)),
        ("negative_value", (rfm < 0).any(axis=1)),
    ]
    reasons = pd.Series([None] * len(raw), index=raw.index, dtype=object)
    for reason, broken in rules:
        reasons[reasons.isna() & broken] = reason
    valid = reasons.isna()
    order = pd.DataFrame({"id": text["ID"], "signup": signup}).assign(valid=valid)
    repeated = order[valid].sort_values(["signup"]).duplicated("id")
    reasons[repeated[repeated].index] = "conflicting_customer_record"
    return reasons


def test_rows_and_customers_reconcile_by_reason(campaign_build):
    build, path = campaign_build
    raw = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    reasons = expected_reasons(raw)
    expected = reasons.value_counts().to_dict()
    assert expected == {"missing_value": 24}  # the 24 rows without an Income; the rest is clean
    quarantined = build.query("select rejection_reason, count(*) as n from int_quarantine group by all")
    assert dict(zip(quarantined["rejection_reason"], quarantined["n"])) == expected
    assert (set(build.query("select customer_id from int_quarantine")["customer_id"])
            == set(raw.loc[reasons.notna(), "ID"]))
    counts = build.query("select (select count(*) from stg_raw__customer_table) as rows_in, "
                         "(select count(*) from int_customer_table_cleaned) as kept, "
                         "(select count(*) from customer_features) as customers, "
                         "(select count(*) from customer_segments) as scored")
    kept = int(reasons.isna().sum())
    assert counts.iloc[0].tolist() == [len(raw), kept, kept, kept] == [2240, 2216, 2216, 2216]


def test_every_kept_customer_is_scored_into_a_named_published_segment(campaign_build):
    build, path = campaign_build
    raw = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    kept_ids = set(raw.loc[expected_reasons(raw).isna(), "ID"])
    segments = build.query("select customer_segments.customer_id, customer_segments.segment_id, "
                           "customer_segments.model_version, segment_dictionary.segment_name "
                           "from customer_segments left join segment_dictionary using (segment_id)")
    assert set(segments["customer_id"]) == kept_ids and segments["customer_id"].is_unique
    assert segments["segment_name"].notna().all()
    models = build.query("select model_version, status, n_segments, training_rows from segment_models")
    published = models[models["status"] == "published"]
    assert len(published) == 1 and published["training_rows"].iloc[0] == len(kept_ids)
    assert set(segments["model_version"]) == set(published["model_version"])
    assert segments["segment_id"].nunique() == published["n_segments"].iloc[0] >= 2


def test_rfm_and_the_campaign_outcome_come_from_the_file(campaign_build):
    build, path = campaign_build
    raw = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False).set_index("ID")
    features = build.query("select customer_id, recency_days, frequency, monetary, rfm_label from customer_features")
    truth = raw.loc[features["customer_id"]]
    assert np.array_equal(features["recency_days"], truth["Recency"].astype(float))
    assert np.array_equal(features["frequency"], truth[PURCHASES].astype(float).sum(axis=1))
    assert np.array_equal(features["monetary"], truth[SPEND].astype(float).sum(axis=1))
    assert features["rfm_label"].notna().all()
    response = build.query("select customers, responders, response_rate from campaign_response_by_segment")
    assert response["customers"].sum() == len(features)
    assert response["responders"].sum() == truth["Response"].astype(int).sum()
    assert np.allclose(response["response_rate"], response["responders"] / response["customers"])
