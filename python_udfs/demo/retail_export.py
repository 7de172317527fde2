"""Seeded generator of raw data shaped like a small online retailer's order-lines export.

The demo (``python_udfs.demo.data``) plants five clear archetypes with discounts, returns, many categories,
web events and tickets. Real exports often look nothing like it; this generator writes the same four raw
Parquet files with the properties of one (the UCI "Online Retail II" file, for instance):

- most customers buy once (``one_time_share``, default 0.6), the others 2 to 40 orders with a long tail;
- one-time buyers' orders fall uniformly over the year, so some are recent and most have lapsed;
- no discounts, no returns, every line in one product category, so category diversity is 1 for every
  buyer; a few customers (``cancelled_only_share``) only ever cancelled, so they are non-buyers with
  category diversity 0: the feature is near-constant;
- no web events and no support tickets (the two files are written empty);
- clean values: every row is kept, so the tests measure segmentation, not cleaning.

Same ``seed`` and ``n_customers`` give byte-identical files. The truth file lists every customer's number
of completed orders and the date of their last one, so a test can check RFM labels against them.

Usage::

    python -m python_udfs.demo.retail_export --customers 3000 --seed 7 --out data/raw_retail --truth data/truth_retail
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from python_udfs.demo.data import SCHEMAS

YEAR_START = np.datetime64("2024-01-01T00:00:00", "s")
YEAR_DAYS = 366  # 2024: the last order can fall on 2024-12-31, the default as-of date
CATEGORY = "home_garden"


def generate(n_customers: int = 3000, seed: int = 7, out_dir: str | Path = "data/raw_retail",
             truth_dir: str | Path = "data/truth_retail", one_time_share: float = 0.6,
             cancelled_only_share: float = 0.006) -> dict:
    """Write customers, transactions, events and support_tickets Parquet files and the truth CSV."""
    if n_customers < 50:
        raise ValueError(f"n_customers must be at least 50 (got {n_customers})")
    if not (0 < one_time_share < 1 and 0 <= cancelled_only_share < 1 - one_time_share):
        raise ValueError("one_time_share must be in (0, 1) and cancelled_only_share in [0, 1 - one_time_share)")
    rng = np.random.default_rng(seed)
    customer_ids = np.array([f"R{number:05d}" for number in range(1, n_customers + 1)], dtype=object)
    kind = rng.random(n_customers)
    cancelled_only = kind < cancelled_only_share
    one_time = (kind >= cancelled_only_share) & (kind < cancelled_only_share + one_time_share)
    # repeat buyers: 1 + a geometric tail (2 orders most often, about 4 on average), at most 40
    orders = np.where(one_time | cancelled_only, 1, np.minimum(1 + rng.geometric(0.3, n_customers), 40))
    first_day = np.where(one_time | cancelled_only, rng.integers(0, YEAR_DAYS, n_customers),
                         rng.integers(0, YEAR_DAYS // 2, n_customers))
    # a repeat buyer's last order lies between their first and the end of the year, most of them recent
    span = np.where(orders > 1, ((YEAR_DAYS - 1 - first_day) * rng.beta(4, 1.5, n_customers)).astype(int), 0)

    lines: dict[str, list] = {name: [] for name in SCHEMAS["transactions"].names}
    last_order = np.empty(n_customers, dtype="datetime64[s]")
    placed = np.zeros(n_customers, dtype=np.int64)  # orders written (two drawn on one day are one)
    order_number = 0
    for index in range(n_customers):
        days = np.sort(first_day[index] + np.unique(np.concatenate(
            [[0, span[index]], rng.integers(0, span[index] + 1, orders[index] - 2)]))) if orders[index] > 1 \
            else np.array([first_day[index]])
        seconds = rng.integers(8 * 3600, 20 * 3600, len(days))
        stamps = YEAR_START + days.astype("timedelta64[D]") + seconds.astype("timedelta64[s]")
        last_order[index] = stamps.max()
        placed[index] = len(stamps)
        for stamp in stamps:
            order_number += 1
            status = "cancelled" if cancelled_only[index] else "completed"
            for line_number in range(1, int(rng.integers(1, 12)) + 1):
                lines["order_id"].append(f"{'C' if status == 'cancelled' else ''}{order_number:06d}")
                lines["line_number"].append(line_number)
                lines["customer_id"].append(customer_ids[index])
                lines["ordered_at"].append(str(stamp).replace("T", " "))
                lines["product_category"].append(CATEGORY)
                lines["quantity"].append(int(rng.choice([1, 2, 3, 4, 6, 12, 24])))
                lines["unit_price"].append(round(float(rng.lognormal(1.0, 0.8)) + 0.29, 2))
                lines["discount_amount"].append(0.0)
                lines["channel"].append("web")
                lines["status"].append(status)
    signup = [str(day)[:10] for day in (YEAR_START + first_day.astype("timedelta64[D]"))]
    customers = {
        "customer_id": customer_ids.tolist(),
        "email": [f"{customer_id.lower()}@example.com" for customer_id in customer_ids],
        "full_name": [None] * n_customers, "signup_date": signup, "country": ["United Kingdom"] * n_customers,
        "city": [None] * n_customers, "birth_year": [None] * n_customers,
        "acquisition_channel": [None] * n_customers, "plan": [None] * n_customers,
    }
    out, truth = Path(out_dir), Path(truth_dir)
    out.mkdir(parents=True, exist_ok=True)
    truth.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, table in (("customers", customers), ("transactions", lines),
                        ("events", {field: [] for field in SCHEMAS["events"].names}),
                        ("support_tickets", {field: [] for field in SCHEMAS["support_tickets"].names})):
        pq.write_table(pa.Table.from_pydict(table, schema=SCHEMAS[name]), out / f"{name}.parquet", compression="zstd")
        counts[name] = len(next(iter(table.values())))
    completed = np.where(cancelled_only, 0, placed)
    last_completed = [str(day)[:10] if count else "" for day, count in zip(last_order, completed)]
    (truth / "customer_orders.csv").write_text("customer_id,completed_orders,last_order_date\n" + "".join(
        f"{customer_id},{count},{day}\n" for customer_id, count, day in zip(customer_ids, completed, last_completed)))
    counts["one_time_buyers"] = int(one_time.sum())
    counts["cancelled_only"] = int(cancelled_only.sum())
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default="data/raw_retail")
    parser.add_argument("--truth", default="data/truth_retail")
    args = parser.parse_args(argv)
    print(json.dumps(generate(args.customers, args.seed, args.out, args.truth), indent=2))


if __name__ == "__main__":
    main()
