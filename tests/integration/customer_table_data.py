"""A small customer table as a CRM exports it, for the customer-table mode of the package.

300 clean customers in three planted groups (budget, regular, premium: income, 12-month spend, orders,
days since the last order, web visits), every value written as text, column names as the CRM spells them
("Client Ref", "Spend 12m", ...), the signup date day first (31/01/2023). On top, one extra row per planted
defect, each breaking exactly one cleaning rule of int_customer_table_validated; PLANTED says which.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

GROUPS = {  # name: (customers, income, spend, orders, days since last order, visits)
    "budget": (120, 28_000, 150, 2, 150, 2),
    "regular": (100, 55_000, 1_400, 14, 20, 12),
    "premium": (80, 95_000, 6_000, 7, 60, 4),
}
TABLE = "crm_export"

# the customer-table vars of the full mapping (names as the export spells them)
FULL_VARS = {
    "customer_table": TABLE,
    "customer_table_id_column": "Client Ref",
    "customer_table_numeric_columns": ["Income", "Spend 12m", "Orders", "Days Since Order", "Visits"],
    "customer_table_required_columns": ["Income"],
    "customer_table_derived_features": {
        "income_log": "ln(1 + income)",
        "spend_per_visit": "spend_12m / visits",
    },
    "customer_table_columns": {"recency_days": "Days Since Order", "frequency": "Orders",
                               "monetary": "Spend 12m", "signup_date": "Signup", "email": "E-mail"},
    "customer_table_date_format": "%d/%m/%Y",
    "segment_features": ["income_log", "monetary_log", "frequency_log", "visits"],
}

# the least a customer table needs: an id and numeric columns, and the date they describe
MINIMAL_VARS = {
    "customer_table": TABLE,
    "customer_table_id_column": "Client Ref",
    "customer_table_numeric_columns": ["Income", "Spend 12m", "Orders", "Visits"],
    "as_of_date": "2024-06-30",
    "n_segments": 3,
    "segment_features": ["income", "spend_12m", "orders", "visits"],
}


def clean_customers(seed: int = 7) -> pd.DataFrame:
    """The clean customers, every value as text; `group` is the planted truth (not a column of the export)."""
    rng = np.random.default_rng(seed)
    frames = []
    for name, (count, income, spend, orders, recency, visits) in GROUPS.items():
        frames.append(pd.DataFrame({
            "group": name,
            "Income": np.round(income * rng.lognormal(0, 0.12, count)).astype(int).astype(str),
            "Spend 12m": np.round(spend * rng.lognormal(0, 0.2, count), 2).astype(str),
            "Orders": np.maximum(1, rng.poisson(orders, count)).astype(str),
            "Days Since Order": rng.integers(max(0, recency - 15), recency + 15, count).astype(str),
            "Visits": np.maximum(0.5, rng.normal(visits, visits * 0.15, count)).round(1).astype(str),
        }))
    customers = pd.concat(frames, ignore_index=True)
    customers.insert(0, "Client Ref", [f"C{number:04d}" for number in range(1, len(customers) + 1)])
    signup = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1_500, len(customers)), unit="D")
    customers["Signup"] = signup.strftime("%d/%m/%Y")
    customers["E-mail"] = [f"  Client{number}@Example.com " for number in range(1, len(customers) + 1)]
    customers["Notes"] = "imported"  # a text column no var names: staged, not used
    return customers


def defect_rows(customers: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """One extra row per defect, each a copy of a clean customer with one thing wrong.
    Returns the rows and {Client Ref (or a description): expected rejection_reason}."""
    template = customers.iloc[0].to_dict()

    def row(ref, **changes):
        return {**template, "Client Ref": ref, **changes}

    rows = [
        row("n/a"),  # a placeholder id
        row(" "),  # a blank id
        customers.iloc[5].to_dict(),  # an exact copy of C0006
        row("X0001", **{"Spend 12m": "twelve hundred"}),
        row("X0002", Income="Infinity"),
        row("X0003", Visits="0"),  # spend_per_visit = spend / 0 = Infinity
        row("X0004", Signup="31/02/2023"),  # no such day
        row("X0005", Income="NA"),  # Income is required
        row("X0006", **{"Days Since Order": "-3"}),
        # C0011 again, signed up later with another income: the earlier record is kept
        {**customers.iloc[10].to_dict(), "Income": "1", "Signup": "01/06/2024"},
    ]
    planted = {
        "n/a": "missing_customer_id", " ": "missing_customer_id", "C0006 (copy)": "exact_duplicate",
        "X0001": "unparseable_number", "X0002": "non_finite_number", "X0003": "non_finite_number",
        "X0004": "unparseable_date", "X0005": "missing_value", "X0006": "negative_value",
        "C0011 (second record)": "conflicting_customer_record",
    }
    return pd.DataFrame(rows), planted


def customer_table() -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """(the export as written, the clean customers with their group, planted defects)."""
    customers = clean_customers()
    # a kept customer without a visit count: not required, so kept with a null the fit imputes
    customers.loc[customers["Client Ref"] == "C0020", "Visits"] = ""
    defects, planted = defect_rows(customers)
    export = pd.concat([customers, defects], ignore_index=True).drop(columns="group")
    return export, customers, planted


def write(export: pd.DataFrame, raw_dir: Path) -> Path:
    raw_dir.mkdir(parents=True, exist_ok=True)
    path = raw_dir / f"{TABLE}.parquet"
    export.astype("string").to_parquet(path, index=False)
    return path
