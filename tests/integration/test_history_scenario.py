"""Membership history, transitions and the CRM export over consecutive builds of changing demo data.

Day 1 is the shared demo build (copied). Day 2's raw data (python_udfs.demo.changes plus two plants of
this test) has 300 new customers, 300 who repeat their first order, 150 lapsed customers who come back
with a recent order (so they move segment) and 150 customers who leave. The test builds the scoring
path and the history on it, then records again without a data change (day 3, at an explicit time, the
e-mail hash salted from the environment, a minimum exported segment size that suppresses the smallest
segment).
Expected values come from the customer_segments tables before and after, pandas and hashlib.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import pytest

from conftest import PROJECT_ROOT, Build, dbt_command
from dbt_process import dbt
from test_bad_input import dbt_many
from python_udfs.demo.changes import evolve
from python_udfs.cli.pii_scan import pii_kind

# Re-score with the fitted model and record; events do not change in this scenario, so their cleaning
# (the slowest model) is left as it is.
SCORE_AND_RECORD = ["--select", "+customer_features", "int_quarantine", "customer_segments",
                    "segment_membership_history+", "segment_export+",
                    "--exclude", "int_events_validated", "int_events_cleaned"]
RECORD_ONLY = ["--select", "segment_membership_history+", "segment_export+"]
KNOWN_EMAIL = "  Known.Person+Jürgen@Example.COM "
SALT = "pepper-42"
EXPORTED = ["email_sha256", "segment_id", "segment_name", "recommended_action", "channel", "model_version",
            "segment_changed_at", "previous_segment_id", "is_segment_suppressed"]


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Day:
    segments: pd.DataFrame
    history: pd.DataFrame
    runs: pd.DataFrame
    transitions: pd.DataFrame
    export: pd.DataFrame
    observed_at: pd.Timestamp | None = None


@dataclass
class Scenario:
    build: Build
    days: dict[int, Day] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    known_customer: str = ""
    min_size: int = 0
    emails: pd.DataFrame | None = None


def snapshot(build: Build) -> Day:
    day = Day(
        segments=build.query("select customer_id, segment_id, model_version from customer_segments order by 1"),
        history=build.query("select * from segment_membership_history order by customer_id, valid_from"),
        runs=build.query("select * from segment_membership_runs order by observed_at"),
        transitions=build.query("select * from segment_transitions order by from_segment, to_segment"),
        export=build.query("select * from segment_export order by external_id"))
    day.observed_at = day.runs["observed_at"].max()
    return day


def run(build: Build, *args: str, extra_vars: dict | None = None, env: dict | None = None) -> None:
    command, environment = dbt_command(build, *args, extra_vars=extra_vars)
    result = dbt(command[1:], PROJECT_ROOT, {**environment, **(env or {})})
    if result.returncode != 0:
        pytest.fail(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}")


def write_day_two(day_one_raw, day_two_raw, segments: pd.DataFrame, known_customer: str) -> dict[str, list[str]]:
    """Day 2's raw files: demo_changes' new and changed customers, plus lapsed customers who come back
    with a recent order, customers who leave, and one e-mail written untidily."""
    picked = evolve(day_one_raw, day_two_raw, new=300, changed=300, drifted=0, seed=21)
    # events stay as they were (new customers have not visited yet): their cleaning need not re-run
    shutil.copyfile(day_one_raw / "events.parquet", day_two_raw / "events.parquet")
    taken = set(picked["changed"]) | {known_customer}
    con = duckdb.connect()
    con.register("segments", segments)
    candidates = con.execute(
        "select customer_id, segment_id from segments where customer_id similar to 'C[0-9]+' "
        "order by md5(customer_id || 'history-scenario')").fetchall()
    lapsed_segment = segments["segment_id"].value_counts().index[1]  # any segment but the largest will do
    comeback = [c for c, s in candidates if s == lapsed_segment and c not in taken][:150]
    taken |= set(comeback)
    leaving = [c for c, _ in candidates if c not in taken][:150]
    customers, transactions = (day_two_raw / "customers.parquet"), (day_two_raw / "transactions.parquet")
    con.execute("create table leaving as select unnest(?::varchar[]) as customer_id", [leaving])
    con.execute("create table comeback as select unnest(?::varchar[]) as customer_id", [comeback])
    con.execute(f"""
        create table customers as
        select * replace (case when customer_id = ? then ? else email end as email)
        from read_parquet('{customers}') where customer_id not in (select customer_id from leaving)
    """, [known_customer, KNOWN_EMAIL])
    # a comeback order: the customer's latest completed line again, yesterday (the as-of date stays)
    con.execute(f"""
        create table transactions as
        select * from read_parquet('{transactions}')
        union all
        select 'CB' || customer_id, 1, customer_id, '2025-12-29 12:00:00', product_category, quantity, unit_price,
               discount_amount, channel, status
        from read_parquet('{transactions}')
        where customer_id in (select customer_id from comeback) and status = 'completed'
        qualify row_number() over (partition by customer_id order by ordered_at desc, order_id, line_number) = 1
    """)
    for table, path in (("customers", customers), ("transactions", transactions)):
        con.execute(f"copy {table} to '{path}' (format parquet)")
    con.close()
    return {**picked, "comeback": comeback, "leaving": leaving}


@pytest.fixture(scope="module")
def scenario(demo_build, tmp_path_factory) -> Scenario:
    root = tmp_path_factory.mktemp("history_scenario")
    build = Build(raw_dir=root / "raw_day2", truth_dir=demo_build.truth_dir, database=root / "segments.duckdb",
                  target_dir=root / "target")
    shutil.copyfile(demo_build.database, build.database)
    story = Scenario(build=build)
    day_one = snapshot(build)
    story.days[1] = day_one
    story.known_customer = day_one.segments["customer_id"].iloc[len(day_one.segments) // 2]
    story.groups = write_day_two(demo_build.raw_dir, build.raw_dir, day_one.segments, story.known_customer)

    run(build, "build", *SCORE_AND_RECORD)
    story.days[2] = snapshot(build)

    # day 3: no data change; recorded at an explicit time, the export salted from the environment, the
    # smallest segment too small to export, and a last sync after this build (nothing left to send)
    sizes = story.days[2].segments["segment_id"].value_counts()
    story.min_size = int(sizes.min()) + 1
    observed = story.days[2].observed_at + pd.Timedelta(seconds=1)
    run(build, "build", *RECORD_ONLY, env={"SEGMENT_EXPORT_EMAIL_SALT": SALT}, extra_vars={
        "history_observed_at": observed.strftime("%Y-%m-%d %H:%M:%S"), "export_min_segment_size": story.min_size,
        "export_last_synced_at": (observed + pd.Timedelta(days=1)).strftime("%Y-%m-%d")})
    story.days[3] = snapshot(build)
    story.emails = build.query("select customer_id, email from int_customers_cleaned")
    return story


def membership_changes(before: pd.DataFrame, after: pd.DataFrame) -> dict[str, set[str]]:
    merged = before.merge(after, on="customer_id", how="outer", suffixes=("_before", "_after"), indicator=True)
    both = merged[merged["_merge"] == "both"]
    return {
        "moved": set(both.loc[both["segment_id_before"] != both["segment_id_after"], "customer_id"]),
        "rescored": set(both.loc[(both["segment_id_before"] == both["segment_id_after"])
                                 & (both["model_version_before"] != both["model_version_after"]), "customer_id"]),
        "new": set(merged.loc[merged["_merge"] == "right_only", "customer_id"]),
        "gone": set(merged.loc[merged["_merge"] == "left_only", "customer_id"]),
    }


def test_history_opens_and_closes_exactly_the_rows_that_changed(scenario):
    one, two = scenario.days[1], scenario.days[2]
    changes = membership_changes(one.segments, two.segments)
    # the planted changes happened: comeback customers moved, leavers are gone, new ones arrived
    assert len(changes["moved"]) >= 50, len(changes["moved"])
    assert len(changes["moved"] & set(scenario.groups["comeback"])) >= 50
    assert changes["new"] == set(scenario.groups["new"])
    assert changes["gone"] == set(scenario.groups["leaving"]) & set(one.segments["customer_id"])
    assert not changes["rescored"]

    t2, history = two.observed_at, two.history
    assert t2 > one.observed_at
    open_rows = history[history["valid_to"].isna()]
    assert open_rows["is_current"].all() and not history.loc[history["valid_to"].notna(), "is_current"].any()
    pd.testing.assert_frame_equal(
        open_rows[["customer_id", "segment_id", "model_version"]].reset_index(drop=True), two.segments,
        check_dtype=False)

    closed = history[history["valid_to"] == t2].set_index("customer_id")
    assert set(closed.index) == changes["moved"] | changes["gone"]
    assert (closed.loc[sorted(changes["moved"]), "close_reason"] == "moved").all()
    assert (closed.loc[sorted(changes["gone"]), "close_reason"] == "gone").all()
    opened = history[history["valid_from"] == t2].set_index("customer_id")
    assert set(opened.index) == changes["moved"] | changes["new"]
    assert (opened.loc[sorted(changes["new"]), "change_reason"] == "new").all()
    assert opened.loc[sorted(changes["new"]), "previous_segment_id"].isna().all()
    moved = opened.loc[sorted(changes["moved"])]
    before = one.segments.set_index("customer_id")["segment_id"]
    assert (moved["change_reason"] == "moved").all() and (moved["segment_entered_at"] == t2).all()
    assert moved["previous_segment_id"].astype(int).tolist() == before.loc[moved.index].tolist()

    # every row of day 1 is still there, unchanged unless it was closed at t2
    kept = one.history.merge(history, on=["customer_id", "valid_from"], how="left", suffixes=("", "_now"))
    assert kept["segment_id_now"].notna().all()
    untouched = kept[kept["valid_to_now"] != t2]
    for column in ["valid_to", "segment_id", "model_version", "change_reason", "segment_entered_at"]:
        pd.testing.assert_series_equal(untouched[column], untouched[f"{column}_now"], check_names=False)
    assert len(history) == len(one.history) + len(opened)

    run_row = two.runs.iloc[-1]
    assert run_row["observed_at"] == t2
    assert (run_row["customers"], run_row["new_customers"], run_row["moved_customers"], run_row["gone_customers"],
            run_row["returned_customers"], run_row["rescored_customers"]) == (
        len(two.segments), len(changes["new"]), len(changes["moved"]), len(changes["gone"]), 0, 0)
    first_run = two.runs.iloc[0]
    assert first_run["new_customers"] == first_run["customers"] == 20000


def test_transitions_add_up_to_the_population(scenario):
    one, two = scenario.days[1], scenario.days[2]
    merged = one.segments.merge(two.segments, on="customer_id", how="outer", suffixes=("_from", "_to"))
    merged["from_segment"] = merged["segment_id_from"].map(lambda v: "new" if pd.isna(v) else str(int(v)))
    merged["to_segment"] = merged["segment_id_to"].map(lambda v: "gone" if pd.isna(v) else str(int(v)))
    expected = merged.groupby(["from_segment", "to_segment"]).size().rename("customers").reset_index()
    transitions = two.transitions
    assert (transitions["from_at"] == one.observed_at).all() and (transitions["to_at"] == two.observed_at).all()
    actual = transitions[["from_segment", "to_segment", "customers"]].sort_values(["from_segment", "to_segment"])
    pd.testing.assert_frame_equal(actual.reset_index(drop=True), expected, check_dtype=False)
    assert transitions["customers"].sum() == len(merged)
    assert transitions.loc[transitions["to_segment"] != "gone", "customers"].sum() == len(two.segments)
    assert transitions.loc[transitions["from_segment"] != "new", "customers"].sum() == len(one.segments)
    assert transitions["share"].sum() == pytest.approx(1.0, abs=1e-12)
    for _, group in transitions.groupby("from_segment"):
        assert group["share_of_from_segment"].sum() == pytest.approx(1.0, abs=1e-12)
    assert set(transitions["movement"]) == {"stayed", "moved", "new", "gone"}


def test_a_build_without_data_changes_adds_a_run_but_no_history_rows(scenario):
    two, three = scenario.days[2], scenario.days[3]
    pd.testing.assert_frame_equal(two.history, three.history)
    assert three.observed_at == two.observed_at + pd.Timedelta(seconds=1)
    last = three.runs.iloc[-1]
    assert last["customers"] == len(two.segments)
    assert last[["new_customers", "moved_customers", "gone_customers", "returned_customers"]].sum() == 0
    assert set(three.transitions["movement"]) == {"stayed"}
    assert three.transitions["customers"].sum() == len(two.segments)


def test_export_flags_exactly_the_rows_changed_in_the_build(scenario):
    one, two = scenario.days[1], scenario.days[2]
    changes = membership_changes(one.segments, two.segments)
    export = two.export.set_index("external_id")
    assert list(export.index) == two.segments["customer_id"].tolist()
    flagged = set(export.index[export["is_changed_since_last_sync"]])
    # ... and the customer whose e-mail was rewritten (another address, so another hash)
    assert flagged == changes["moved"] | changes["new"] | {scenario.known_customer}
    assert (export.loc[sorted(flagged), "row_updated_at"] == two.observed_at).all()
    # an unchanged row is exactly as the previous build exported it, its row_updated_at included
    previous = one.export.set_index("external_id")
    same = sorted(set(export.index) - flagged)
    pd.testing.assert_frame_equal(export.loc[same, EXPORTED + ["row_updated_at"]],
                                  previous.loc[same, EXPORTED + ["row_updated_at"]])
    moved = export.loc[sorted(changes["moved"])]
    assert (moved["segment_changed_at"] == two.observed_at).all()
    before = one.segments.set_index("customer_id")["segment_id"]
    # the segment they came from is named unless fewer than export_min_segment_size customers share it
    shown = moved[moved["previous_segment_id"].notna()]
    assert len(shown) >= 50
    assert shown["previous_segment_id"].astype(int).tolist() == before.loc[shown.index].tolist()


def test_export_hashes_the_normalised_email_and_holds_no_raw_pii(scenario):
    build = scenario.build
    export = scenario.days[2].export.set_index("external_id")
    known = export.loc[scenario.known_customer, "email_sha256"]
    assert known == sha256_hex("known.person+jürgen@example.com") == sha256_hex(KNOWN_EMAIL.strip().lower())
    emails = scenario.emails.set_index("customer_id")["email"]
    expected = [sha256_hex(emails[c].strip().lower()) for c in export.index]
    assert export["email_sha256"].tolist() == expected

    raw = duckdb.sql(f"select * from read_parquet('{build.raw_dir / 'customers.parquet'}')").df()
    personal = set()
    for column in ["email", "full_name", "city", "birth_year", "signup_date"]:
        values = raw[column].dropna().astype(str)
        personal |= set(values) | set(values.str.strip().str.lower())
    for day in (2, 3):
        frame = scenario.days[day].export
        assert not [c for c in frame.columns if pii_kind(c) and c != "email_sha256"]
        values = set(frame.astype(str).to_numpy().ravel())
        assert not values & personal


def test_export_with_a_salt_from_the_environment(scenario):
    two, three = scenario.days[2], scenario.days[3]
    export = three.export.set_index("external_id")
    emails = scenario.emails.set_index("customer_id")["email"]
    assert export.loc[scenario.known_customer, "email_sha256"] == sha256_hex(SALT + "known.person+jürgen@example.com")
    assert export["email_sha256"].tolist() == [sha256_hex(SALT + emails[c]) for c in export.index]
    assert not set(export["email_sha256"]) & set(two.export["email_sha256"])
    # every hash changed, so every row changed in this build; the last sync given is after it: none to send
    assert (export["row_updated_at"] == three.observed_at).all()
    assert not export["is_changed_since_last_sync"].any()


def test_segments_below_the_minimum_size_are_not_named_in_the_export(scenario):
    two, three = scenario.days[2], scenario.days[3]
    export = three.export.set_index("external_id")
    segment_of = two.segments.set_index("customer_id")["segment_id"]
    sizes = segment_of.value_counts()
    small = set(sizes.index[sizes < scenario.min_size])
    assert len(small) == 1
    suppressed = export["is_segment_suppressed"]
    assert set(export.index[suppressed]) == set(segment_of.index[segment_of.isin(small)])
    assert export.loc[suppressed, ["segment_id", "segment_name", "recommended_action", "channel"]].isna().all().all()
    assert export.loc[~suppressed, "segment_id"].astype(int).tolist() == segment_of[~suppressed.to_numpy()].tolist()
    for column in ("segment_id", "previous_segment_id"):
        counts = export[column].dropna().value_counts()
        assert (counts >= scenario.min_size).all(), column
    # with the default minimum, the previous segments of day 2's movers were shown
    assert two.export["previous_segment_id"].notna().sum() >= 50
    assert export["previous_segment_id"].isna().all()


BAD_SETTINGS = [
    ({"transitions_from_at": "2026-01-02", "transitions_to_at": "2026-01-01"},
     "transitions_from_at (2026-01-02 00:00:00) is not before transitions_to_at (2026-01-01 00:00:00)"),
    ({"export_min_segment_size": 0}, "export_min_segment_size is 0: set it to a whole number of customers >= 1"),
    ({"history_observed_at": "yesterday"}, "history_observed_at is \"yesterday\": set it to a UTC time"),
    ({}, "SEGMENT_EXPORT_EMAIL_SALT) contains a quote"),
]


def test_bad_history_settings_stop_the_build_before_anything_is_recorded(scenario):
    build = scenario.build
    runs_before = build.query("select * from segment_membership_runs")
    # the salt is checked last, so only the invocation without other bad settings reaches it
    outcomes = dbt_many(build, [(["build", "--select", "segment_membership_history+"], bad) for bad, _ in BAD_SETTINGS],
                        env={"SEGMENT_EXPORT_EMAIL_SALT": "it's"})
    for (bad, expected), outcome in zip(BAD_SETTINGS, outcomes):
        assert not outcome["success"], bad
        assert expected in outcome["log"], (bad, outcome["log"][-2000:])
    pd.testing.assert_frame_equal(runs_before, build.query("select * from segment_membership_runs"))
