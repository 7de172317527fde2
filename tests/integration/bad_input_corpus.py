"""The bad-input corpus: a few clean customers, orders, events and tickets, plus one small group of rows
per defect kind, each with ids of its own so a test can find exactly where each row went.

`corpus()` returns the raw tables (pyarrow) and the expectations: for every kind, the rows it adds and
either the reason they must be quarantined with or the repair the cleaning must make. Transactions
arrive with every column as text (a CSV-style feed), so numbers such as `NaN`, `Infinity` or `1e12`
reach the warehouse as text; the customers' `full_name` arrives as raw bytes (one name in Latin-1);
events carry a column the sources do not declare (`loaded_at`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

N_CUSTOMERS = 12
CLEAN_TIME = "2025-06-0{day} 10:00:00"


@dataclass
class Kind:
    """One defect kind: the source it is planted in, and its rows' fate."""

    name: str
    source: str
    quarantined: dict[str, int] = field(default_factory=dict)  # reason -> rows quarantined
    record_ids: list[str] = field(default_factory=list)  # record ids of the rows this kind planted
    repair: str | None = None  # the documented rule a kept row is repaired by


def _customer(number: int) -> str:
    return f"C{number:02d}"


def _line(order_id, customer_id, ordered_at=None, category="books", quantity="1", price="20.0",
          discount="0.0", status="completed", line_number="1") -> dict:
    return {"order_id": order_id, "line_number": line_number, "customer_id": customer_id,
            "ordered_at": ordered_at or CLEAN_TIME.format(day=3), "product_category": category,
            "quantity": quantity, "unit_price": price, "discount_amount": discount, "channel": "web",
            "status": status}


def clean_rows() -> dict[str, list[dict]]:
    """Twelve customers in two clear behaviours (few cheap orders / many dear ones). C11 only ever
    cancelled; every ticket is a question, so complaint_count is the same (0) for everyone."""
    customers, lines, events, tickets = [], [], [], []
    for number in range(1, N_CUSTOMERS + 1):
        cid = _customer(number)
        customers.append({"customer_id": cid, "email": f"{cid.lower()}@example.com",
                          "full_name": f"Customer {number}".encode(), "signup_date": "2024-01-15",
                          "country": "DE", "city": "Berlin", "birth_year": 1980 + number,
                          "acquisition_channel": "search", "plan": "free"})
        big = number % 2 == 0
        for order in range(1, (6 if big else 2) + 1):
            lines.append(_line(f"O{number:02d}_{order}", cid, CLEAN_TIME.format(day=order),
                               category="electronics" if big else "books",
                               quantity="3" if big else "1", price="150.0" if big else "12.5",
                               status="cancelled" if number == 11 else "completed"))
        for event in range(1, (8 if big else 2) + 1):
            events.append({"event_id": f"E{number:02d}_{event}", "customer_id": cid,
                           "occurred_at": CLEAN_TIME.format(day=event % 9 + 1), "event_type": "session",
                           "duration_seconds": 60.0 * event, "loaded_at": "2025-06-10"})
        tickets.append({"ticket_id": f"T{number:02d}", "customer_id": cid,
                        "created_at": CLEAN_TIME.format(day=4), "ticket_type": "question"})
    return {"customers": customers, "transactions": lines, "events": events, "support_tickets": tickets}


def corpus() -> tuple[dict[str, list[dict]], list[Kind]]:
    rows = clean_rows()
    kinds: list[Kind] = []

    def plant(kind: Kind, source: str, *new_rows: dict, id_of=None) -> None:
        rows[source].extend(new_rows)
        for row in new_rows:
            kind.record_ids.append(id_of(row) if id_of else
                                   f"{row['order_id']}#{row['line_number']}")
        kinds.append(kind) if kind not in kinds else None

    line = _line
    plant(Kind("exact_duplicate_order_line", "transactions", {"exact_duplicate": 1}),
          "transactions", line("X01", "C01"), line("X01", "C01"))
    plant(Kind("same_order_line_loaded_twice", "transactions", {"duplicate_order_line": 1}),
          "transactions", line("X02", "C01", "2025-06-03 10:00:00"), line("X02", "C01", "2025-06-03T10:00:00Z"))
    plant(Kind("missing_customer_id", "transactions", {"missing_customer_id": 5}),
          "transactions", line("X03a", None), line("X03b", ""), line("X03c", "   "), line("X03d", "N/A"),
          line("X03e", "unknown"))
    plant(Kind("customer_missing_from_customers", "transactions", {"unknown_customer_id": 1}),
          "transactions", line("X04", "C99"))
    plant(Kind("negative_quantity_not_a_return", "transactions", {"non_positive_quantity": 1}),
          "transactions", line("X05", "C01", quantity="-2"))
    plant(Kind("zero_or_negative_price", "transactions", {"non_positive_price": 2}),
          "transactions", line("X06a", "C01", price="0"), line("X06b", "C01", price="-5"))
    plant(Kind("absurd_magnitude", "transactions", {"implausible_amount": 2}),
          "transactions", line("X07a", "C01", quantity="1000000000"), line("X07b", "C01", price="1e12"))
    plant(Kind("nan_or_infinity_in_numeric_text", "transactions", {"non_finite_number": 3}),
          "transactions", line("X08a", "C01", price="NaN"), line("X08b", "C01", price="Infinity"),
          line("X08c", "C01", discount="-Infinity"))
    plant(Kind("number_that_is_not_a_number", "transactions", {"unparseable_number": 2}),
          "transactions", line("X08d", "C01", price="twelve"), line("X08e", "C01", quantity="99999999999"))
    plant(Kind("date_in_future_before_1990_or_unparseable", "transactions",
               {"timestamp_in_future": 1, "timestamp_before_earliest_valid_date": 1, "unparseable_timestamp": 3}),
          "transactions", line("X09a", "C01", "2999-01-01 00:00:00"), line("X09b", "C01", "1985-05-05 00:00:00"),
          line("X09c", "C01", "yesterday"), line("X09d", "C01", "31/31/2024 10:00"),
          line("X09e", "C01", "2025-06-02 10:00:00 CET"))
    plant(Kind("mixed_timestamp_formats_and_time_zones", "transactions",
               repair="every format and offset read as the same UTC instant, 2025-06-02 10:00:00"),
          "transactions", line("X10a", "C03", "2025-06-02T12:00:00+02:00"),
          line("X10b", "C03", "2025-06-02 10:00:00 UTC"), line("X10c", "C03", "02/06/2025 10:00"),
          line("X10d", "C03", "1748858400"), line("X10e", "C03", "2025-06-02T05:00:00-05:00"),
          line("X10f", "C03", "2025-06-02T10:00:00"))
    # one value with a day above 12 settles that the source writes D/M/YYYY day first, so X10c's
    # 02/06/2025 is 2 June; without it the build stops naming timestamp_formats (test_raw_data_as_it_comes)
    plant(Kind("day_first_settled_by_one_unambiguous_value", "transactions",
               repair="25/06/2025 10:00 read day first, so every D/M/YYYY value of the source is"),
          "transactions", line("X13", "C03", "25/06/2025 10:00"))
    plant(Kind("category_case_accents_spaces", "transactions",
               repair="mapped to the seed's category: books, electronics, home_garden, fashion"),
          "transactions", line("X11a", "C03", category="  BOOKS "), line("X11b", "C03", category="Électronics"),
          line("X11c", "C03", category="home  &  Garden"), line("X11d", "C03", category="FASHIÓN"))
    plant(Kind("control_characters_in_text", "transactions",
               repair="control characters removed: C05, books, completed"),
          "transactions", line("X12a", "C05\t"), line("X12b", "C05", category="books\x07"),
          line("X12c", "C05", status="completed\r\n"))

    customer = clean_rows()["customers"][0]
    plant(Kind("customer_with_two_emails", "customers", {"conflicting_customer_record": 1},
               repair="the record with the earliest signup date is kept"),
          "customers", {**customer, "customer_id": "C03", "email": "someone.else@example.com",
                        "signup_date": "2024-09-01"}, id_of=lambda row: row["customer_id"].strip())
    plant(Kind("exact_duplicate_customer", "customers", {"exact_duplicate": 1}),
          "customers", {**rows["customers"][3]}, id_of=lambda row: row["customer_id"].strip())
    plant(Kind("placeholder_customer_id", "customers", {"missing_customer_id": 2}),
          "customers", {**customer, "customer_id": "null", "email": "a@example.com"},
          {**customer, "customer_id": " ", "email": "b@example.com"}, id_of=lambda row: row["customer_id"].strip())
    rows["customers"][4]["full_name"] = "José".encode("latin-1")
    kinds.append(Kind("non_utf8_text", "customers",
                      repair="kept; the byte that is not UTF-8 is written as the escape \\xE9"))

    event = rows["events"][0]
    plant(Kind("nan_duration", "events", {"non_finite_number": 1}),
          "events", {**event, "event_id": "XE1", "duration_seconds": float("nan")}, id_of=lambda row: row["event_id"])
    plant(Kind("exact_duplicate_event", "events", {"exact_duplicate": 1}),
          "events", {**rows["events"][1]}, id_of=lambda row: row["event_id"])
    plant(Kind("unknown_ticket_type", "support_tickets", {"unknown_ticket_type": 1}),
          "support_tickets", {**rows["support_tickets"][0], "ticket_id": "XT1", "ticket_type": "spam"},
          id_of=lambda row: row["ticket_id"])
    kinds.append(Kind("customer_with_only_cancelled_orders", "customers",
                      repair="C11 kept as a non-buyer: is_buyer false, frequency 0, still segmented"))
    kinds.append(Kind("extra_source_column", "events", repair="loaded_at ignored (logged), the build runs"))
    kinds.append(Kind("constant_feature", "customers",
                      repair="complaint_count is 0 for everyone: left out of the fit, with a warning"))
    return rows, kinds


SCHEMAS = {
    "customers": pa.schema([("customer_id", pa.string()), ("email", pa.string()), ("full_name", pa.binary()),
                            ("signup_date", pa.string()), ("country", pa.string()), ("city", pa.string()),
                            ("birth_year", pa.int32()), ("acquisition_channel", pa.string()), ("plan", pa.string())]),
    # a text feed: every column a string
    "transactions": pa.schema([(name, pa.string()) for name in (
        "order_id", "line_number", "customer_id", "ordered_at", "product_category", "quantity", "unit_price",
        "discount_amount", "channel", "status")]),
    "events": pa.schema([("event_id", pa.string()), ("customer_id", pa.string()), ("occurred_at", pa.string()),
                         ("event_type", pa.string()), ("duration_seconds", pa.float64()), ("loaded_at", pa.string())]),
    "support_tickets": pa.schema([("ticket_id", pa.string()), ("customer_id", pa.string()),
                                  ("created_at", pa.string()), ("ticket_type", pa.string())]),
}


def write(rows: dict[str, list[dict]], folder: Path, drop_columns: dict[str, str] | None = None) -> Path:
    """Write the tables as Parquet files into folder; drop_columns removes one column from a source."""
    folder.mkdir(parents=True, exist_ok=True)
    for source, schema in SCHEMAS.items():
        table = pa.Table.from_pylist(rows[source], schema=schema)
        if drop_columns and source in drop_columns:
            table = table.drop_columns([drop_columns[source]])
        pq.write_table(table, folder / f"{source}.parquet")
    return folder
