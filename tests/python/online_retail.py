"""Online Retail II as the package's raw Parquet files, for the real-data tests.

A stand-in for a proper order-lines mapping of this export (an example dbt project reading the file as
published): it writes the four raw files the package's sources expect from the UCI "Online Retail II"
file, so the whole project can be built on data nobody here wrote. Replace `write_raw_files` with that
mapping when it exists; the tests only need the raw folder it fills.

The mapping, line by line of the export:
- order_id = Invoice; line_number = the line's position within its invoice in file order;
- customer_id = "Customer ID" as text without the ".0" the float export adds; a missing id stays null,
  so the cleaning quarantines the line as missing_customer_id (about a fifth of the lines);
- ordered_at = InvoiceDate as text; unit_price = Price; discount_amount = 0 (the export has none);
- status = cancelled for an invoice starting with "C" (quantity made positive: the cancelled amount),
  else completed; a non-cancelled line with a negative quantity stays negative and is quarantined;
- product_category = "other" for every line (the export has no category; the Country column is where the
  customer lives, not what they bought), channel = "web" (an online shop);
- lines of non-product stock codes (postage, manual adjustments, bank charges, discounts, samples, fees,
  gift vouchers, test products) are left out: they are not purchases of goods.
Customers are derived from their first invoice (signup date = its date, country = its country). There
are no events and no support tickets: both files are written empty.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FILE_NAME = "online_retail_ii_2009_2010.parquet"
NON_PRODUCT_CODES = ("POST", "DOT", "M", "C2", "C3", "D", "S", "B", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS")
NON_PRODUCT_PREFIXES = ("ADJUST", "TEST", "GIFT_")


def shared_data_file() -> Path | None:
    """The shared copy of the export: $SEGMENTS_SHARED_DATA, <repo>/../shared/data or /work/shared/data."""
    candidates = [Path(os.environ["SEGMENTS_SHARED_DATA"])] if os.environ.get("SEGMENTS_SHARED_DATA") else []
    candidates += [PROJECT_ROOT.parent / "shared" / "data", Path("/work/shared/data")]
    for folder in candidates:
        if (folder / FILE_NAME).exists():
            return folder / FILE_NAME
    return None


def write_raw_files(source: Path, raw_dir: Path) -> dict[str, int]:
    """Write customers, transactions, events and support_tickets Parquet files; return their row counts."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    codes = ", ".join(f"'{code}'" for code in NON_PRODUCT_CODES)
    prefixes = " or ".join(f"upper(StockCode) like '{prefix}%'" for prefix in NON_PRODUCT_PREFIXES)
    counts = {}
    with duckdb.connect() as connection:
        connection.execute(f"""
            create table lines as
            select
                Invoice as order_id,
                cast(row_number() over (partition by Invoice order by file_row_number) as integer) as line_number,
                cast(cast("Customer ID" as bigint) as varchar) as customer_id,
                strftime(InvoiceDate, '%Y-%m-%d %H:%M:%S') as ordered_at,
                InvoiceDate as ordered_at_value,
                'other' as product_category,
                cast(case when Invoice like 'C%' then abs(Quantity) else Quantity end as integer) as quantity,
                Price as unit_price,
                0.0 as discount_amount,
                'web' as channel,
                case when Invoice like 'C%' then 'cancelled' else 'completed' end as status,
                Country as country
            from read_parquet('{source}', file_row_number = true)
            where not (upper(trim(StockCode)) in ({codes}) or {prefixes})
        """)
        connection.execute(f"""
            copy (select order_id, line_number, customer_id, ordered_at, product_category, quantity, unit_price,
                         discount_amount, channel, status
                  from lines order by order_id, line_number)
            to '{raw_dir / "transactions.parquet"}' (format parquet)
        """)
        connection.execute(f"""
            copy (
                select
                    customer_id,
                    cast(null as varchar) as email,
                    cast(null as varchar) as full_name,
                    strftime(min(ordered_at_value), '%Y-%m-%d') as signup_date,
                    arg_min(country, ordered_at_value) as country,
                    cast(null as varchar) as city,
                    cast(null as integer) as birth_year,
                    cast(null as varchar) as acquisition_channel,
                    cast(null as varchar) as plan
                from lines
                where customer_id is not null
                group by customer_id
                order by customer_id
            ) to '{raw_dir / "customers.parquet"}' (format parquet)
        """)
        connection.execute(f"""
            copy (select cast(null as varchar) as event_id, cast(null as varchar) as customer_id,
                         cast(null as varchar) as occurred_at, cast(null as varchar) as event_type,
                         cast(null as double) as duration_seconds limit 0)
            to '{raw_dir / "events.parquet"}' (format parquet)
        """)
        connection.execute(f"""
            copy (select cast(null as varchar) as ticket_id, cast(null as varchar) as customer_id,
                         cast(null as varchar) as created_at, cast(null as varchar) as ticket_type limit 0)
            to '{raw_dir / "support_tickets.parquet"}' (format parquet)
        """)
        for name in ("customers", "transactions", "events", "support_tickets"):
            counts[name] = connection.sql(f"select count(*) from '{raw_dir / name}.parquet'").fetchall()[0][0]
    return counts
