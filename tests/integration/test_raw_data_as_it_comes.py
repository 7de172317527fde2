"""Raw data in the shapes real exports have, generated here (no ../shared needed): a plain purchase log
(customer, date, quantity, amount) as CSV with every order-line source but the order lines switched off;
order lines as a folder of Parquet files with invoice-prefix cancellations, non-product lines, a customers
CSV without most of its columns and timestamp_formats; and the inputs that must stop the build with a
message naming the fix (dates that read both day first and month first, a source mostly quarantined, a
missing file, a column name that could inject SQL)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import Build, new_build
from test_bad_input import dbt_many

# 2024-03-05 14:30:00 UTC written in every form the cleaning recognises without being told
INSTANT = pd.Timestamp("2024-03-05 14:30:00")
DATE_FORMS = {
    "iso": ("2024-03-05 14:30:00", "ISO 8601", INSTANT),
    "iso_offset": ("2024-03-05T16:30:00+02:00", "ISO 8601", INSTANT),
    "iso_z": ("2024-03-05T14:30:00Z", "ISO 8601", INSTANT),
    "compact": ("20240305", "YYYYMMDD", pd.Timestamp("2024-03-05")),
    "epoch_s": ("1709649000", "epoch seconds", INSTANT),
    "epoch_ms": ("1709649000000", "epoch milliseconds", INSTANT),
    "month_first": ("3/5/2024 14:30", "M/D/YYYY (month first)", INSTANT),
    "month_first_pm": ("3/5/2024 2:30 PM", "M/D/YYYY (month first)", INSTANT),
    # the one value that settles the log's order: 25 can only be a day
    "month_first_settles": ("3/25/2024 9:05", "M/D/YYYY (month first)", pd.Timestamp("2024-03-25 09:05:00")),
}
PLAIN_VARS = {
    "raw_customers_table": None, "raw_events_table": None, "raw_support_tickets_table": None,
    "raw_transactions_table": "purchases.csv",
    "raw_transactions_columns": {"customer_id": "Customer No", "ordered_at": "Date", "quantity": "Qty",
                                 "line_amount": "Amount"},
    "segment_features": ["recency_days_log", "frequency_log", "monetary_log", "avg_order_value_log", "return_rate"],
    "n_segments": 2, "allow_unstable_segments": True,
    "enable_explain_marts": False, "enable_report_marts": False, "enable_scoring_detail_marts": False,
}


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def purchase_log() -> tuple[list[list], dict]:
    """The purchase log's rows and what must become of them."""
    rows = []
    for number in range(1, 41):  # forty ordinary customers, two behaviours
        for order in range(1, (9 if number % 2 else 3) + 1):
            rows.append([f"{1000 + number}", f"2024-{1 + order % 11:02d}-{1 + number % 27:02d} 10:00:00",
                         "2" if number % 2 else "1", f"{40.0 * order if number % 2 else 12.5:.2f}"])
    for form, (text, _, _) in DATE_FORMS.items():
        rows.append([f"form_{form}", text, "1", "10.00"])
    rows += [
        # the same customer as a number and as text: one customer, 17850
        ["17850.0", "2024-02-01 09:00:00", "1", "30.00"], ["17850", "2024-02-08 09:00:00", "1", "30.00"],
        # the same purchase twice, with no order id or line number to tell them apart: an exact duplicate
        ["1001", "2024-06-06 06:06:06", "3", "33.00"], ["1001", "2024-06-06 06:06:06", "3", "33.00"],
        # returns by sign, without a status column: kept, never quarantined for their sign
        ["1003", "2024-07-01 10:00:00", "-1", "40.00"], ["1005", "2024-07-02 10:00:00", "1", "-40.00"],
        # a customer whose only purchase has no readable date: never segmented, counted by reason
        ["lost_customer", "not a date", "1", "10.00"],
        ["", "2024-07-03 10:00:00", "1", "10.00"],
    ]
    expect = {"exact_duplicate": 1, "unparseable_timestamp": 1, "missing_customer_id": 1}
    return rows, expect


@pytest.fixture(scope="module")
def plain_build(tmp_path_factory) -> tuple[Build, dict, object]:
    """A plain purchase log as CSV, the only source: a full dbt build."""
    build = new_build(tmp_path_factory.mktemp("purchase_log"))
    rows, expect = purchase_log()
    write_csv(build.raw_dir / "purchases.csv", ["Customer No", "Date", "Qty", "Amount"], rows)
    result = build.dbt("build", extra_vars=PLAIN_VARS)
    return build, {"rows": len(rows), **expect}, result


def test_a_plain_purchase_log_builds_green_into_segments(plain_build):
    build, _, _ = plain_build
    failed = [r["unique_id"] for r in build.run_results() if r["status"] in ("error", "fail")]
    assert not failed
    segments = build.query("select count(*) as n, count(distinct segment_id) as k from customer_segments")
    assert segments["k"][0] == 2 and segments["n"][0] == 40 + len(DATE_FORMS) + 1


def test_each_date_form_is_read_as_the_same_instant(plain_build):
    build, _, result = plain_build
    read = build.query("select customer_id, ordered_at, ordered_at_format from int_transactions_validated "
                       "where customer_id like 'form_%'").set_index("customer_id")
    for form, (text, label, instant) in DATE_FORMS.items():
        assert read.loc[f"form_{form}", "ordered_at"] == instant, (form, text)
        assert read.loc[f"form_{form}", "ordered_at_format"] == label, (form, text)
    formats = build.query("select timestamp_format, format_rows from source_timestamp_formats "
                          "where source_table = 'transactions'").set_index("timestamp_format")["format_rows"]
    assert formats["M/D/YYYY (month first)"] == 3 and formats["epoch milliseconds"] == 1
    assert "timestamps: transactions.ordered_at read as M/D/YYYY (month first): 3 rows" in result.stdout


def test_switched_off_sources_and_customers_from_the_order_lines(plain_build):
    build, _, _ = plain_build
    sources = build.query("select source_table, outcome, outcome_rows, source_rows from source_reconciliation")
    assert set(sources.loc[sources["source_table"] != "transactions", "source_rows"]) == {0}
    customers = build.query("select customer_id, signup_date from int_customers_cleaned")
    # every id on the order lines is a customer; 17850.0 and 17850 are one
    assert len(customers) == 40 + len(DATE_FORMS) + 2 and "17850" in set(customers["customer_id"])
    assert customers["signup_date"].isna().all()
    # tenure starts at the first clean order line
    first = build.query("select tenure_days, as_of_date from customer_features where customer_id = '17850'")
    assert first["tenure_days"][0] == (pd.Timestamp(first["as_of_date"][0]) - pd.Timestamp("2024-02-01")).days
    assert build.query("select count(*) as n from customer_features where has_engagement")["n"][0] == 0


def test_rows_and_customers_reconcile_by_reason(plain_build):
    build, expect, _ = plain_build
    sources = build.query("select outcome, outcome_rows, source_rows from source_reconciliation "
                          "where source_table = 'transactions'").set_index("outcome")
    assert set(sources["source_rows"]) == {expect["rows"]}
    assert sources["outcome_rows"].sum() == expect["rows"]
    assert {k: v for k, v in sources["outcome_rows"].items() if k != "kept"} == {
        "exact_duplicate": expect["exact_duplicate"], "unparseable_timestamp": expect["unparseable_timestamp"],
        "missing_customer_id": expect["missing_customer_id"]}
    customers = build.query("select customer_outcome, line_rejection_reason, customers from customer_reconciliation")
    got = {(row.customer_outcome, row.line_rejection_reason if isinstance(row.line_rejection_reason, str) else None):
           row.customers for row in customers.itertuples()}
    assert got == {("segmented", None): 40 + len(DATE_FORMS) + 1,
                   ("every_line_quarantined", "unparseable_timestamp"): 1}


def test_exact_duplicates_are_found_though_the_line_numbers_are_derived(plain_build):
    build, _, _ = plain_build
    lines = build.query("select line_number, rejection_reason from int_transactions_validated "
                        "where customer_id = '1001' and ordered_at = '2024-06-06 06:06:06'")
    assert sorted(lines["rejection_reason"].fillna("kept")) == ["exact_duplicate", "kept"]


def test_negative_quantity_or_amount_is_a_return(plain_build):
    build, _, _ = plain_build
    returns = build.query("select customer_id, quantity, unit_price, status from int_transactions_cleaned "
                          "where status = 'returned' order by customer_id")
    assert returns["customer_id"].tolist() == ["1003", "1005"]
    assert returns["quantity"].tolist() == [-1, -1] and returns["unit_price"].astype(float).tolist() == [40.0, 40.0]


# ------------------------------------------------------------- order lines as a folder of Parquet files

ORDER_LINE_VARS = {
    "raw_events_table": None, "raw_support_tickets_table": None,
    "raw_customers_table": "crm.csv", "raw_transactions_table": "order_lines",
    "raw_customers_columns": {"customer_id": "Customer ID", "signup_date": "Joined"},
    "raw_transactions_columns": {"order_id": "Invoice", "product_code": "SKU", "customer_id": "Customer ID",
                                 "ordered_at": "Order Date", "quantity": "Qty", "unit_price": "Unit Price"},
    "cancellation_order_id_prefix": "C",
    "non_product_code_patterns": ["POST", "fee%"],
    "timestamp_formats": {"transactions": ["%d %b %Y %H:%M", "%Y-%m-%d %I:%M %p"]},
}
ORDER_LINES = [
    # invoice, sku, customer, order date, qty, unit price -> (reason or None, status, quantity, timestamp)
    ("A1", "P1", 1.0, "05/03/2024 14:30", 2, 5.0, None, "completed", 2, "2024-03-05 14:30"),
    ("A1", "P2", 1.0, "05/03/2024 14:30", 1, 7.5, None, "completed", 1, "2024-03-05 14:30"),
    ("A1", "POST", 1.0, "05/03/2024 14:30", 1, 3.0, "non_product_line", None, None, None),
    ("A2", "P1", 2.0, "25/03/2024 09:00", 4, 5.0, None, "completed", 4, "2024-03-25 09:00"),
    ("A3", "FEE-CARD", 2.0, "26/03/2024 09:00", 1, 0.5, "non_product_line", None, None, None),
    ("A4", "P3", 3.0, "05 Mar 2024 14:30", 1, 9.0, None, "completed", 1, "2024-03-05 14:30"),
    ("A5", "P3", 3.0, "2024-03-06 02:30 PM", 1, 9.0, None, "completed", 1, "2024-03-06 14:30"),
    # a cancellation invoice: a return, positive quantity or negative
    ("C6", "P1", 1.0, "07/03/2024 10:00", 1, 5.0, None, "returned", -1, "2024-03-07 10:00"),
    ("C7", "P2", 2.0, "27/03/2024 10:00", -2, 5.0, None, "returned", -2, "2024-03-27 10:00"),
    ("A8", "P1", 9.0, "08/03/2024 10:00", 1, 5.0, "unknown_customer_id", None, None, None),
    ("A9", "P1", 3.0, "09/03/2024 10:00", 1, 0.0, "non_positive_price", None, None, None),
]


@pytest.fixture(scope="module")
def order_line_build(tmp_path_factory) -> Build:
    """Order lines as two Parquet files in a folder, customers as a CSV with two of its nine columns."""
    build = new_build(tmp_path_factory.mktemp("order_lines"))
    columns = ["Invoice", "SKU", "Customer ID", "Order Date", "Qty", "Unit Price"]
    table = pa.Table.from_pylist([dict(zip(columns, line[:6])) for line in ORDER_LINES])
    (build.raw_dir / "order_lines").mkdir(parents=True)
    pq.write_table(table.slice(0, 5), build.raw_dir / "order_lines" / "part-1.parquet")
    pq.write_table(table.slice(5), build.raw_dir / "order_lines" / "part-2.parquet")
    write_csv(build.raw_dir / "crm.csv", ["Customer ID", "Joined"],
              [["1", "2024-01-10"], ["2", "2024-01-11"], ["3", ""]])
    build.dbt("build", "--select", "+customer_reconciliation", "+source_reconciliation", "+source_timestamp_formats",
              "--indirect-selection", "cautious", extra_vars=ORDER_LINE_VARS)
    return build


def test_order_lines_from_a_folder_with_cancellations_and_non_product_lines(order_line_build):
    lines = order_line_build.query(
        "select order_id, product_code, rejection_reason, status, quantity, ordered_at from int_transactions_validated")
    lines = lines.set_index(["order_id", "product_code"])
    for invoice, sku, _, text, _, _, reason, status, quantity, instant in ORDER_LINES:
        row = lines.loc[(invoice, sku)]
        assert (row["rejection_reason"] if isinstance(row["rejection_reason"], str) else None) == reason, (invoice, sku)
        if reason is None:
            assert ((row["status"], row["quantity"], row["ordered_at"])
                    == (status, quantity, pd.Timestamp(instant))), text
    assert len(lines) == len(ORDER_LINES)
    # the line numbers the data lacks are positions within each invoice
    numbered = order_line_build.query(
        "select order_id, line_number from int_transactions_validated where order_id = 'A1'")
    assert sorted(numbered["line_number"]) == [1, 2, 3]


def test_timestamp_formats_and_the_day_first_order_of_a_source(order_line_build):
    formats = order_line_build.query("select timestamp_format, format_rows from source_timestamp_formats "
                                     "where source_table = 'transactions'")
    assert dict(zip(formats["timestamp_format"], formats["format_rows"])) == {
        "D/M/YYYY (day first)": 9, "%d %b %Y %H:%M": 1, "%Y-%m-%d %I:%M %p": 1}


def test_a_customers_csv_with_only_two_columns(order_line_build):
    customers = order_line_build.query("select customer_id, signup_date, email from int_customers_cleaned order by 1")
    assert customers["customer_id"].tolist() == ["1", "2", "3"] and customers["email"].isna().all()
    assert str(customers["signup_date"][0])[:10] == "2024-01-10" and pd.isna(customers["signup_date"][2])
    reconciled = order_line_build.query(
        "select customer_outcome, line_rejection_reason, customers from customer_reconciliation")
    assert (dict(zip(reconciled["customer_outcome"], reconciled["customers"]))
            == {"segmented": 3, "every_line_quarantined": 1})
    assert set(reconciled["line_rejection_reason"].dropna()) == {"unknown_customer_id"}


# ------------------------------------------------------------------ inputs that must stop the build

def test_inputs_that_stop_the_build_name_the_fix(tmp_path):
    build = new_build(tmp_path)
    epoch_misread = [[str(n), "1234567", "1", "10"] for n in range(20)]
    write_csv(build.raw_dir / "misread.csv", ["Customer No", "Date", "Qty", "Amount"], epoch_misread)
    ambiguous = [[f"E{day}{month}", "3", f"0{day}/0{month}/2024 10:00", "session"]
                 for day in range(1, 6) for month in range(1, 6)]
    write_csv(build.raw_dir / "ambiguous_events.csv", ["event_id", "customer_id", "occurred_at", "event_type"],
              ambiguous)
    stop_at = ["--select", "+source_reconciliation", "--indirect-selection", "cautious"]
    invocations = [
        # one stop, every problem: a source mostly quarantined, and dates no value settles
        ({"raw_events_table": "ambiguous_events.csv"},
         ["transactions: 20 of 20 order lines quarantined (100 %): 100 % timestamp_before_earliest_valid_date "
          "(e.g. '1234567' read as 1970-01-15 06:56:07): set timestamp_formats",
          "events.occurred_at: 25 values such as '01/01/2024 10:00' read both day first and month first",
          "timestamp_formats: ['%d/%m/%Y %H:%M'] (day first) or ['%m/%d/%Y %H:%M'] (month first)"]),
        ({"raw_transactions_table": "no_such_export", "raw_events_table": "web_events"},
         ["raw_transactions_table: no file found for the raw transactions data at "
          + str(build.raw_dir / "no_such_export") + ".parquet",
          "raw_events_table: no file found", "or set raw_events_table: null if you have no events data"]),
        ({"raw_transactions_columns": {"customer_id": "Customer No", "ordered_at": "When"}},
         ["raw_transactions_columns maps ordered_at to 'When', which the raw transactions data"]),
        ({"raw_transactions_columns": {"customer_id": 'Customer No"; drop table x; --'}},
         ["raw_transactions_columns maps customer_id to", "cannot be written safely into SQL"]),
        ({"timestamp_formats": ["%d/%m/%Q"]}, ["timestamp_formats: '%d/%m/%Q' uses %Q"]),
    ]
    base = {"raw_customers_table": None, "raw_events_table": None, "raw_support_tickets_table": None,
            "raw_transactions_table": "misread.csv",
            "raw_transactions_columns": {"customer_id": "Customer No", "ordered_at": "Date", "quantity": "Qty",
                                         "line_amount": "Amount"}}
    outcomes = dbt_many(build, [(["build", *stop_at], {**base, **extra}) for extra, _ in invocations])
    for (extra, messages), outcome in zip(invocations, outcomes):
        assert not outcome["success"], extra
        for message in messages:
            assert message in outcome["log"], (extra, message, outcome["log"][-3000:])
    tables = set(build.query("select table_name from information_schema.tables")["table_name"]) \
        if build.database.exists() else set()
    assert not tables & {"source_reconciliation", "customer_features", "customer_segments"}, "no mart may be built"
