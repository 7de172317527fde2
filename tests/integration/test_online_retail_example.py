"""examples/online_retail_ii on the real UCI Online Retail II file (../shared/data; skipped without it):
the build is green from the file as published, and every order line and every customer is accounted for
by reason, with counts this test derives on its own from the raw file by the rules written down here."""

from __future__ import annotations

import duckdb
import pandas as pd
import yaml

from conftest import ONLINE_RETAIL_PROJECT

# The example's settings, read from its dbt_project.yml so the test and the example cannot drift apart.
EXAMPLE_VARS = yaml.safe_load((ONLINE_RETAIL_PROJECT / "dbt_project.yml").read_text())["vars"]["dbt_segments"]
NON_PRODUCT_PATTERNS = EXAMPLE_VARS["non_product_code_patterns"]
MAX_QUANTITY, MAX_PRICE = 10000, 1000000  # the package defaults the example keeps

# The rules, in the order the cleaning applies them (the first that matches is the line's reason):
#   exact_duplicate      a later copy of a line identical in all 8 columns as published
#   missing_customer_id  Customer ID is empty
#   non_product_line     StockCode matches a non_product_code_patterns entry (LIKE, any case)
#   non_positive_quantity quantity 0 (a negative quantity, or an invoice starting with C, is a return: kept)
#   non_positive_price   Price 0 or below
#   implausible_amount   |Quantity| above 10,000 or Price above 1,000,000
# Every timestamp is a real time of 2009-2010 (no timestamp reason), there is no status, category,
# discount or line number column (no unknown_status, invalid_discount or duplicate_order_line), and
# without a customers table no customer id is unknown.
EXPECTED_LINES_SQL = f"""
with raw as (
    select *, row_number() over (
        partition by Invoice, StockCode, Description, Quantity, InvoiceDate, Price, "Customer ID", Country
        order by Invoice) as copy_number
    from read_parquet('{{path}}')
)
select
    *,
    case
        when copy_number > 1 then 'exact_duplicate'
        when "Customer ID" is null then 'missing_customer_id'
        when {' or '.join(f"upper(StockCode) like '{pattern}'" for pattern in NON_PRODUCT_PATTERNS)}
            then 'non_product_line'
        when Quantity = 0 then 'non_positive_quantity'
        when Price <= 0 then 'non_positive_price'
        when abs(Quantity) > {MAX_QUANTITY} or Price > {MAX_PRICE} then 'implausible_amount'
        else 'kept'
    end as outcome,
    Invoice like 'C%' or Quantity < 0 as is_return,
    cast(cast("Customer ID" as bigint) as varchar) as customer_id
from raw
"""


def expected_lines(raw_file) -> pd.DataFrame:
    return duckdb.sql(EXPECTED_LINES_SQL.format(path=raw_file)).df()


def test_the_published_file_builds_green(online_retail_build):
    results = (online_retail_build.target_dir / "run_results.json").read_text()
    assert '"status": "error"' not in results and '"status": "fail"' not in results
    assert "timestamps: transactions.ordered_at read as ISO 8601: 525,461 rows" in online_retail_build.stdout
    assert "not reading column(s) ['Description', 'Country']" in online_retail_build.stdout
    segments = online_retail_build.query("select count(*) as n, count(distinct segment_id) as k from customer_segments")
    assert segments["n"][0] > 4000 and segments["k"][0] >= 2


def test_every_line_reconciles_by_reason(online_retail_build):
    expected = expected_lines(online_retail_build.raw_file)
    assert len(expected) == 525461
    counts = expected["outcome"].value_counts().to_dict()
    built = online_retail_build.query(
        "select outcome, outcome_rows, source_rows from source_reconciliation where source_table = 'transactions'")
    assert dict(zip(built["outcome"], built["outcome_rows"])) == counts
    assert set(built["source_rows"]) == {525461}
    quarantine = online_retail_build.query(
        "select rejection_reason, count(*) as n from int_quarantine where source_table = 'transactions' group by 1")
    assert (dict(zip(quarantine["rejection_reason"], quarantine["n"]))
            == {k: v for k, v in counts.items() if k != "kept"})
    # the raw file's own anomalies, as the data set's README describes them
    assert counts["missing_customer_id"] > 0.2 * 525461 and counts["exact_duplicate"] == 6865


def test_cancellations_are_kept_as_returns_never_quarantined_for_their_sign(online_retail_build):
    expected = expected_lines(online_retail_build.raw_file)
    kept_returns = int(((expected["outcome"] == "kept") & expected["is_return"]).sum())
    built = online_retail_build.query(
        "select status, count(*) as n, sum(case when quantity < 0 then 1 else 0 end) as negative, "
        "sum(case when order_id like 'C%' then 1 else 0 end) as cancellation_invoices "
        "from int_transactions_cleaned group by 1")
    by_status = built.set_index("status")
    assert by_status.loc["returned", "n"] == kept_returns > 9000
    assert by_status.loc["returned", "negative"] == kept_returns
    assert by_status.loc["completed", "negative"] == 0 and by_status.loc["completed", "cancellation_invoices"] == 0


def test_every_customer_reconciles_by_reason(online_retail_build):
    expected = expected_lines(online_retail_build.raw_file)
    named = expected[expected["customer_id"].notna()]
    kept_customers = set(named.loc[named["outcome"] == "kept", "customer_id"])
    # a customer without a kept line vanishes; counted under the reason most of their lines got
    vanished = named[~named["customer_id"].isin(kept_customers)]
    reasons = (vanished.groupby(["customer_id", "outcome"]).size().rename("lines").reset_index()
               .sort_values(["customer_id", "lines", "outcome"], ascending=[True, False, True])
               .drop_duplicates("customer_id"))
    want = {("segmented", None): len(kept_customers),
            **{("every_line_quarantined", reason): n for reason, n in reasons["outcome"].value_counts().items()}}
    built = online_retail_build.query("select * from customer_reconciliation")
    got = {(row.customer_outcome, row.line_rejection_reason if isinstance(row.line_rejection_reason, str) else None):
           row.customers for row in built.itertuples()}
    assert got == want
    assert set(built["customers_seen"]) == {named["customer_id"].nunique()} == {4383}
    assert online_retail_build.query("select count(*) as n from customer_segments")["n"][0] == len(kept_customers)


def test_numeric_customer_ids_are_whole_numbers(online_retail_build):
    ids = online_retail_build.query("select customer_id from customer_segments")["customer_id"]
    assert "17850" in set(ids) and not ids.str.contains(r"\.").any()
