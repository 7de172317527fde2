"""The bad-input corpus through a real `dbt build`: every defect kind is quarantined with its reason or
repaired by its documented rule, and rows in = kept + quarantined for every source. Kinds that need a data
set of their own (an empty source table, a missing column) get a small build each; wrong settings are
refused before anything is replaced; two builds give identical marts."""

from __future__ import annotations

import dataclasses
import shutil
from collections import Counter

import duckdb
import pandas as pd

from bad_input_corpus import corpus, write
from conftest import CORPUS_VARS, PROJECT_ROOT, Build, dbt_command, new_build
from dbt_process import dbt

CLEANED = {"customers": "int_customers_cleaned", "transactions": "int_transactions_cleaned",
           "events": "int_events_cleaned", "support_tickets": "int_support_tickets_cleaned"}
MARTS = {"customer_rfm": "customer_id", "customer_features": "customer_id", "segment_scaler": "feature_position",
         "segment_centroids": "segment_id, feature_position", "segment_dictionary": "segment_id",
         "customer_segments": "customer_id", "segment_profiles": "segment_id"}
# drift monitoring and back-testing
MARTS.update({"segment_training_bins": "model_version, feature, bin_index", "segment_training_shares": "segment_id",
              "segment_drift": "drift_type, subject", "segment_health": "check_name, subject",
              "segment_backtest": "segment_id"})
# lifetime value
MARTS.update({"clv_model_parameters": "model, parameter", "customer_lifetime_value": "customer_id",
              "segment_lifetime_value": "segment_id"})
# holdout experiments
MARTS.update({"customer_experiment_groups": "experiment_name, customer_id",
              "segment_campaign_lift": "experiment_name, segment_id, outcome"})
# declared run timestamps: the only columns allowed to differ between two builds of the same data
RUN_TIMESTAMP_COLUMNS = {"customer_segments": ["scored_at"], "customer_experiment_groups": ["assigned_at"]}


def dbt_many(build: Build, invocations: list[tuple[str | list[str], dict]], env: dict | None = None) -> list[dict]:
    """Run many dbt commands (a command, or a command and its arguments, with its vars) against one build,
    with `env` added to the environment; each outcome is {"success": bool, "log": its console output}."""
    outcomes = []
    for command, extra_vars in invocations:
        arguments, environment = dbt_command(build, *([command] if isinstance(command, str) else command),
                                             extra_vars=extra_vars)
        result = dbt(arguments[1:], PROJECT_ROOT, {**environment, **(env or {})})
        outcomes.append({"success": result.returncode == 0, "log": result.stdout + result.stderr})
    return outcomes


def test_corpus_covers_at_least_twenty_kinds(corpus_build):
    _, kinds, _ = corpus_build
    # plus the kinds with builds of their own below: empty source table, missing column, fewer customers than K
    assert len({kind.name for kind in kinds}) + 3 >= 20


def test_every_quarantining_kind_lands_with_its_reason(corpus_build):
    build, kinds, _ = corpus_build
    quarantine = build.query("select source_table, record_id, rejection_reason from int_quarantine")
    for kind in kinds:
        if not kind.quarantined:
            continue
        ids = set(kind.record_ids)
        mine = quarantine[(quarantine["source_table"] == kind.source) & quarantine["record_id"].isin(ids)]
        assert dict(Counter(mine["rejection_reason"])) == kind.quarantined, kind.name


def test_rows_in_equal_kept_plus_quarantined_per_source(corpus_build):
    build, _, _ = corpus_build
    counts = build.query("select source_table, count(*) as n from int_quarantine group by 1")
    quarantined = dict(zip(counts["source_table"], counts["n"]))
    for source, cleaned in CLEANED.items():
        raw = duckdb.sql(f"select count(*) from read_parquet('{build.raw_dir / source}.parquet')").fetchall()[0][0]
        kept = build.query(f"select count(*) as n from {cleaned}")["n"][0]
        assert raw == kept + quarantined.get(source, 0), source
    # the quarantine keeps the raw values, e.g. the text price that was not a number
    raw_record = build.query("select raw_record from int_quarantine where record_id = 'X08d#1'")["raw_record"][0]
    assert "unit_price_text=twelve" in raw_record


def test_timestamps_in_every_format_and_zone_are_the_same_utc_instant(corpus_build):
    build, _, _ = corpus_build
    kept = build.query("select order_id, ordered_at from int_transactions_cleaned where order_id like 'X10%'")
    assert sorted(kept["order_id"]) == ["X10a", "X10b", "X10c", "X10d", "X10e", "X10f"]
    assert set(kept["ordered_at"]) == {pd.Timestamp("2025-06-02 10:00:00")}


def test_category_spellings_and_control_characters_are_repaired(corpus_build):
    build, _, _ = corpus_build
    kept = build.query("select order_id, customer_id, product_category, status from int_transactions_cleaned "
                       "where order_id like 'X11%' or order_id like 'X12%' order by order_id")
    assert dict(zip(kept["order_id"], kept["product_category"])) == {
        "X11a": "books", "X11b": "electronics", "X11c": "home_garden", "X11d": "fashion",
        "X12a": "books", "X12b": "books", "X12c": "books"}
    assert set(kept["customer_id"][kept["order_id"].str.startswith("X12")]) == {"C05"}
    assert set(kept["status"]) == {"completed"}


def test_customer_repairs(corpus_build):
    build, _, _ = corpus_build
    customers = build.query("select customer_id, email, full_name from int_customers_cleaned order by customer_id")
    assert customers["customer_id"].tolist() == [f"C{n:02d}" for n in range(1, 13)]
    # two e-mails for C03: the earliest signup's record stays
    assert customers.set_index("customer_id").loc["C03", "email"] == "c03@example.com"
    # a name that arrived as Latin-1 bytes is kept, the odd byte escaped
    assert customers.set_index("customer_id").loc["C05", "full_name"] == "Jos\\xE9"


def test_only_cancelled_orders_make_a_non_buyer_who_is_still_segmented(corpus_build):
    build, _, _ = corpus_build
    c11 = build.query("select is_buyer, frequency, monetary from customer_features where customer_id = 'C11'")
    assert len(c11) == 1 and not c11["is_buyer"][0] and c11["frequency"][0] == 0 and c11["monetary"][0] == 0
    assert len(build.query("select * from customer_segments where customer_id = 'C11'")) == 1


def test_extra_column_is_ignored_and_constant_feature_is_left_out_with_a_warning(corpus_build):
    build, _, result = corpus_build
    assert "not reading column(s) ['loaded_at']" in result.stdout
    screening = build.query("select * from segment_feature_screening where feature = 'complaint_count'")
    assert not screening["is_fitted"][0] and screening["screening_reason"][0] == "constant"
    assert screening["mode_value"][0] == 0 and screening["mode_share"][0] == 1
    assert build.query("select count(*) as n from segment_scaler where feature = 'complaint_count'")["n"][0] == 0
    assert "complaint_count (constant: every customer has 0.0)" in result.stdout
    segments = build.query("select count(*) as n, count(distinct segment_id) as k from customer_segments")
    assert segments["n"][0] == 12 and segments["k"][0] == 2


def test_empty_source_tables_build_and_reconcile(tmp_path):
    rows, _ = corpus()
    rows["events"], rows["support_tickets"] = [], []
    build = new_build(tmp_path)
    write(rows, build.raw_dir)
    build.dbt("build", extra_vars=CORPUS_VARS)
    features = build.query("select bool_or(has_engagement) as any_engaged, count(*) as n from customer_features")
    assert not features["any_engaged"][0] and features["n"][0] == 12
    counts = build.query("select (select count(*) from int_events_cleaned) as events, "
                         "(select count(*) from int_quarantine where source_table = 'events') as quarantined")
    assert counts["events"][0] == 0 and counts["quarantined"][0] == 0


def test_a_missing_required_source_column_stops_the_build_naming_the_column_and_the_fix(tmp_path):
    rows, _ = corpus()
    build = new_build(tmp_path)
    write(rows, build.raw_dir, drop_columns={"transactions": "customer_id"})
    result = build.dbt("build", check=False, extra_vars=CORPUS_VARS)
    assert result.returncode != 0
    assert "has no column(s) for customer_id" in result.stdout
    assert "raw_transactions_columns" in result.stdout and "_raw__sources.yml" in result.stdout
    with duckdb.connect(str(build.database), read_only=True) as connection:
        tables = {row[0] for row in connection.sql("select table_name from information_schema.tables").fetchall()}
    assert not tables & set(MARTS), "no mart may be built from a source missing a column"


BAD_SETTINGS = [
    ({"segment_features": ["recency_days_log", "basket_size"]}, "segment_features names ['basket_size']"),
    ({"segment_features": ["frequency_log", "frequency_log"]},
     "segment_features lists ['frequency_log'] more than once"),
    ({"segment_features": ["frequency_log", "monetary_log'; drop table customer_segments; --"]},
     "which is not a column name"),
    ({"segment_features": ["frequency_log", "monetary_log\"--"]}, "which is not a column name"),
    ({"n_segments": 1}, "n_segments is 1: segmenting needs at least 2 segments"),
    ({"n_segments": 2.5}, "n_segments is 2.5: set it to a whole number"),
    ({"n_segments": "three"}, "n_segments is \"three\": set it to a whole number"),
    ({"n_segments": 13}, "only 12 customers to segment into 13 segments"),
    ({"as_of_date": "2999-01-01"}, "as_of_date is 2999-01-01, in the future"),
    ({"as_of_date": "1980-01-01"}, "before earliest_valid_date 1990-01-01 and so before all data"),
    ({"as_of_date": "2020-01-01"}, "as_of_date is 2020-01-01, before the first clean order line"),
    ({"as_of_date": "2025-06-01'; select 1; --"}, "as_of_date is \"2025-06-01'; select 1; --\": set it to a date"),
    ({"model_version": "no_such_version"},
     "model_version is 'no_such_version', which is not a registered model version"),
    ({"max_unit_price": "1; drop table customer_segments"}, "max_unit_price is"),
]
# drift and back-test settings
BAD_SETTINGS += [
    ({"drift_psi_warn": 0.3}, "drift_psi_warn (0.3) is above drift_psi_error (0.25)"),
    ({"drift_bins": 1}, "drift_bins is 1: set it to a whole number of quantile bins from 2 to 100"),
    ({"backtest_as_of_date": "2025-13-01"}, "backtest_as_of_date is \"2025-13-01\": set it to a date"),
]


def mart_contents(build: Build) -> dict[str, pd.DataFrame]:
    contents = {}
    for mart, key in MARTS.items():
        frame = build.query(f"select * from {mart} order by {key}")
        contents[mart] = frame.drop(columns=RUN_TIMESTAMP_COLUMNS.get(mart, []))
    return contents


def test_bad_settings_stop_before_any_mart_is_replaced(corpus_build):
    build, _, _ = corpus_build
    before = mart_contents(build)
    scored_at = build.query("select distinct scored_at from customer_segments")
    outcomes = dbt_many(build, [("build", {**CORPUS_VARS, **bad_vars}) for bad_vars, _ in BAD_SETTINGS])
    for (bad_vars, expected), outcome in zip(BAD_SETTINGS, outcomes):
        assert not outcome["success"], bad_vars
        assert expected in outcome["log"], (bad_vars, outcome["log"][-3000:])
    after = mart_contents(build)
    for mart in MARTS:
        pd.testing.assert_frame_equal(before[mart], after[mart], check_exact=True)
    # not even re-written with the same content: the run timestamp is the first build's
    pd.testing.assert_frame_equal(scored_at, build.query("select distinct scored_at from customer_segments"))


def test_an_as_of_date_setting_gives_one_feature_date(corpus_build, tmp_path):
    """The as_of_date var replaces the latest order date: still one row, so every feature has one date."""
    build, _, _ = corpus_build
    copy = dataclasses.replace(build, database=tmp_path / "segments.duckdb", target_dir=tmp_path / "target")
    shutil.copyfile(build.database, copy.database)
    latest = build.query("select as_of_date from int_feature_window")["as_of_date"]
    assert len(latest) == 1
    as_of_date = str(pd.Timestamp(latest[0]).date())
    copy.dbt("build", "--select", "int_feature_window", extra_vars={**CORPUS_VARS, "as_of_date": as_of_date})
    window = copy.query("select as_of_date from int_feature_window")
    assert len(window) == 1 and str(pd.Timestamp(window["as_of_date"][0]).date()) == as_of_date


def test_two_builds_of_the_same_data_give_identical_marts(corpus_build, tmp_path):
    first, _, _ = corpus_build
    second = new_build(tmp_path)
    second.raw_dir = first.raw_dir
    second.dbt("build", extra_vars=CORPUS_VARS)
    one, two = mart_contents(first), mart_contents(second)
    for mart in MARTS:
        pd.testing.assert_frame_equal(one[mart], two[mart], check_exact=True, obj=mart)
    quarantine = "select * from int_quarantine order by quarantine_id"
    pd.testing.assert_frame_equal(first.query(quarantine), second.query(quarantine), check_exact=True)
