"""Seeded generator of raw demo data for the customer-segmentation project.

Writes four Parquet files of *raw* data (customers, order lines, behavioural
events, support tickets) plus a truth file that names the behavioural
archetype every real customer was drawn from. The data is meant to look like
an export from operational systems: timestamps arrive as text in mixed
formats, category names are spelled inconsistently and a small, known amount
of junk rows is planted (see ``DIRTY_KINDS``) so the dbt cleaning layer has
something to do. Junk rows are appended copies or fabricated rows, never
edits of genuine facts (except the category spellings), so cleaning them
away restores the clean picture and cannot move a customer's archetype.

Same ``seed`` and ``n_customers`` give byte-identical files.

Usage::

    python -m python_udfs.demo.data --customers 20000 --seed 42 \
        --out data/raw --truth data/truth
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

REFERENCE_DATE = "2025-12-31"  # the "load" date; features are computed as of this day
ACTIVITY_START = "2022-01-01"  # first day of clean activity (and of signups)
ACTIVITY_END = "2025-12-30"  # last day of clean activity (inclusive)

ARCHETYPES = (
    "high_value_loyalist",
    "discount_seeker",
    "new_explorer",
    "lapsing",
    "occasional_gift_buyer",
)
CATEGORIES = ("electronics", "home_garden", "fashion", "beauty", "toys_games", "books", "grocery")
ACQUISITION_CHANNELS = ("organic", "paid_search", "social", "referral", "email", "affiliate")
PLANS = ("free", "basic", "premium")
ORDER_CHANNELS = ("web", "app", "store")
ORDER_STATUSES = ("completed", "returned", "cancelled")
EVENT_TYPES = ("session", "page_view", "app_open")
TICKET_TYPES = ("question", "complaint", "billing", "technical")

# Clean timestamps are UTC text in one of these strptime formats, or (the fourth
# form, ~3 %) unix epoch seconds written as a string of digits: see EPOCH_PATTERN.
TIMESTAMP_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%d/%m/%Y %H:%M"]
EPOCH_PATTERN = r"^[0-9]+$"
TIMESTAMP_FORMAT_SHARES = (0.80, 0.10, 0.07, 0.03)  # TIMESTAMP_FORMATS..., then epoch

# Raw spellings per canonical category; lines use the canonical name ~85 % of the time.
_CATEGORY_VARIANTS = {
    "electronics": ("Electronics", " ELECTRONICS ", "electronic", "Electronics "),
    "home_garden": ("Home & Garden", "home and garden", "Home_Garden", "HOME & GARDEN", " home-garden"),
    "fashion": ("Fashion", "Fashion ", "FASHION", "fashon"),
    "beauty": ("Beauty", " BEAUTY", "beauty "),
    "toys_games": ("Toys & Games", "toys and games", "Toys_Games", "toys", "Toys"),
    "books": ("Books", "Book", "BOOKS ", " book"),
    "grocery": ("Grocery", "Groceries", "GROCERY ", "groceries"),
}
# Every raw spelling, lower-cased and trimmed -> canonical category (dbt seed source).
CATEGORY_SPELLINGS: dict[str, str] = {
    spelling.strip().lower(): canonical
    for canonical, variants in _CATEGORY_VARIANTS.items()
    for spelling in (canonical, *variants)
}
_UNMAPPED_CATEGORIES = ("misc", "gift card", "Misc.", "n/a", "other ")
_CATEGORY_VARIANT_SHARE = 0.15

DIRTY_KINDS: dict[str, str] = {
    "transactions.duplicate": "exact copy of an order line, placed later in the file",
    "transactions.nonpositive_quantity": "status 'completed' with quantity 0 or negative",
    "transactions.nonpositive_price": "unit_price zero or negative",
    "transactions.future_date": "ordered_at in 2027-2031",
    "transactions.ancient_date": "ordered_at before 1990 (1970-01-01, 1900-01-01, epoch 0, ...)",
    "transactions.unparseable_date": "ordered_at not a timestamp ('not a date', '31/31/2024 99:99', '')",
    "transactions.null_customer": "customer_id is null",
    "transactions.blank_customer": "customer_id is empty or whitespace",
    "transactions.unknown_customer": "customer_id not present in customers",
    "transactions.unknown_status": "status outside completed/returned/cancelled",
    "transactions.category_variant": "genuine line whose category uses a non-canonical spelling",
    "transactions.unknown_category": "genuine line whose category is not in CATEGORY_SPELLINGS",
    "customers.duplicate": "exact copy of a customer row, placed after the original",
    "customers.null_id": "copy of a customer row with a null customer_id",
    "customers.conflicting_id": "second row for an existing customer_id with another email; first row wins",
    "events.duplicate": "exact copy of an event row",
    "events.null_customer": "customer_id is null",
    "events.unknown_customer": "customer_id not present in customers",
    "events.future_date": "occurred_at in 2027-2031",
    "events.ancient_date": "occurred_at before 1990",
    "events.unparseable_date": "occurred_at not a timestamp",
    "events.unknown_type": "event_type outside session/page_view/app_open",
    "events.negative_duration": "duration_seconds below zero",
    "support_tickets.duplicate": "exact copy of a ticket row",
    "support_tickets.null_customer": "customer_id is null",
    "support_tickets.unknown_customer": "customer_id not present in customers",
    "support_tickets.unparseable_date": "created_at not a timestamp",
}
# Share of the table's clean row count planted per kind (category kinds: share of lines).
DIRTY_RATES: dict[str, float] = {
    "transactions.duplicate": 0.01,
    "transactions.nonpositive_quantity": 0.003,
    "transactions.nonpositive_price": 0.002,
    "transactions.future_date": 0.002,
    "transactions.ancient_date": 0.002,
    "transactions.unparseable_date": 0.001,
    "transactions.null_customer": 0.003,
    "transactions.blank_customer": 0.001,
    "transactions.unknown_customer": 0.002,
    "transactions.unknown_status": 0.001,
    "transactions.category_variant": _CATEGORY_VARIANT_SHARE,
    "transactions.unknown_category": 0.003,
    "customers.duplicate": 0.005,
    "customers.null_id": 0.002,
    "customers.conflicting_id": 0.002,
    "events.duplicate": 0.01,
    "events.null_customer": 0.0015,
    "events.unknown_customer": 0.0015,
    "events.future_date": 0.0007,
    "events.ancient_date": 0.0007,
    "events.unparseable_date": 0.0006,
    "events.unknown_type": 0.001,
    "events.negative_duration": 0.001,
    "support_tickets.duplicate": 0.01,
    "support_tickets.null_customer": 0.0025,
    "support_tickets.unknown_customer": 0.0025,
    "support_tickets.unparseable_date": 0.003,
}
_UNPARSEABLE_TIMESTAMPS = ("not a date", "31/31/2024 99:99", "", "N/A", "2024-13-45 25:61:00", "yesterday")
_UNKNOWN_STATUSES = ("pending??", "on_hold", "unknown")
_UNKNOWN_EVENT_TYPES = ("heartbeat", "click??", "unknown")

SCHEMAS = {
    "customers": pa.schema([
        ("customer_id", pa.string()), ("email", pa.string()), ("full_name", pa.string()),
        ("signup_date", pa.string()), ("country", pa.string()), ("city", pa.string()),
        ("birth_year", pa.int32()), ("acquisition_channel", pa.string()), ("plan", pa.string()),
    ]),
    "transactions": pa.schema([
        ("order_id", pa.string()), ("line_number", pa.int32()), ("customer_id", pa.string()),
        ("ordered_at", pa.string()), ("product_category", pa.string()), ("quantity", pa.int32()),
        ("unit_price", pa.float64()), ("discount_amount", pa.float64()), ("channel", pa.string()),
        ("status", pa.string()),
    ]),
    "events": pa.schema([
        ("event_id", pa.string()), ("customer_id", pa.string()), ("occurred_at", pa.string()),
        ("event_type", pa.string()), ("duration_seconds", pa.float64()),
    ]),
    "support_tickets": pa.schema([
        ("ticket_id", pa.string()), ("customer_id", pa.string()), ("created_at", pa.string()),
        ("ticket_type", pa.string()),
    ]),
}

_DAY = 86_400
_MONTH = 30.4375 * _DAY
_REF_TS = int(np.datetime64(REFERENCE_DATE, "s").astype(np.int64))
_END_TS = _REF_TS - 1  # 2025-12-30 23:59:59
MIN_CUSTOMERS = 50


@dataclass(frozen=True)
class _Profile:
    """Behavioural centre of one archetype (ranges are clip bounds of noisy draws)."""

    share: float
    signup_days: tuple[int, int]  # days before the reference date
    recency_days: tuple[int, int]  # days between the last order and the reference date
    orders: tuple[float, int, int]  # lognormal centre, min, max (gift buyers: seasonal)
    first_order_gap_days: float  # how long after signup the first order may come
    aov: tuple[float, float]  # gross average order value
    lines_p: tuple[float, float, float, float]  # P(1..4 lines per order)
    discount: tuple[float, float, float]  # P(line discounted), discount rate lo, hi
    return_rate: tuple[float, float]
    categories: tuple[int, int]  # distinct categories bought
    category_pool: tuple[str, ...]
    sessions_pm: tuple[float, float]  # sessions per month while active
    page_views_pm: float
    app_opens_pm: float
    session_median_s: float
    tickets: float  # mean number of ordinary tickets over the customer's life
    ticket_mix: tuple[float, float, float, float]  # question, complaint, billing, technical
    acquisition_w: tuple[float, ...]
    plan_w: tuple[float, float, float]
    order_channel_w: tuple[float, float, float]


_PROFILES = {
    "high_value_loyalist": _Profile(
        share=0.15, signup_days=(365, 1460), recency_days=(1, 20), orders=(38, 25, 60),
        first_order_gap_days=30, aov=(150, 300), lines_p=(0.25, 0.35, 0.25, 0.15),
        discount=(0.15, 0.05, 0.15), return_rate=(0.0, 0.04), categories=(4, 7),
        category_pool=CATEGORIES, sessions_pm=(8, 20), page_views_pm=0.6, app_opens_pm=0.4,
        session_median_s=720, tickets=0.25, ticket_mix=(0.5, 0.1, 0.2, 0.2),
        acquisition_w=(0.35, 0.1, 0.1, 0.3, 0.1, 0.05), plan_w=(0.1, 0.35, 0.55),
        order_channel_w=(0.45, 0.4, 0.15),
    ),
    "discount_seeker": _Profile(
        share=0.25, signup_days=(180, 900), recency_days=(5, 60), orders=(14, 10, 20),
        first_order_gap_days=60, aov=(25, 50), lines_p=(0.45, 0.35, 0.15, 0.05),
        discount=(0.9, 0.33, 0.60), return_rate=(0.06, 0.14), categories=(2, 4),
        category_pool=CATEGORIES, sessions_pm=(2, 4), page_views_pm=0.8, app_opens_pm=0.4,
        session_median_s=300, tickets=0.3, ticket_mix=(0.4, 0.2, 0.25, 0.15),
        acquisition_w=(0.1, 0.25, 0.15, 0.05, 0.2, 0.25), plan_w=(0.6, 0.35, 0.05),
        order_channel_w=(0.5, 0.4, 0.1),
    ),
    "new_explorer": _Profile(
        share=0.20, signup_days=(15, 90), recency_days=(1, 20), orders=(1.6, 1, 3),
        first_order_gap_days=90, aov=(40, 80), lines_p=(0.5, 0.3, 0.15, 0.05),
        discount=(0.25, 0.05, 0.15), return_rate=(0.0, 0.06), categories=(1, 3),
        category_pool=CATEGORIES, sessions_pm=(12, 30), page_views_pm=10, app_opens_pm=8,
        session_median_s=240, tickets=0.2, ticket_mix=(0.6, 0.05, 0.1, 0.25),
        acquisition_w=(0.15, 0.2, 0.35, 0.15, 0.05, 0.1), plan_w=(0.7, 0.25, 0.05),
        order_channel_w=(0.35, 0.6, 0.05),
    ),
    "lapsing": _Profile(
        share=0.20, signup_days=(730, 1460), recency_days=(250, 700), orders=(8, 5, 12),
        first_order_gap_days=90, aov=(60, 100), lines_p=(0.4, 0.35, 0.18, 0.07),
        discount=(0.3, 0.08, 0.16), return_rate=(0.15, 0.30), categories=(2, 5),
        category_pool=CATEGORIES, sessions_pm=(1, 3), page_views_pm=0.5, app_opens_pm=0.3,
        session_median_s=200, tickets=0.1, ticket_mix=(0.4, 0.2, 0.3, 0.1),
        acquisition_w=(0.2, 0.25, 0.2, 0.1, 0.1, 0.15), plan_w=(0.45, 0.45, 0.1),
        order_channel_w=(0.5, 0.3, 0.2),
    ),
    "occasional_gift_buyer": _Profile(
        share=0.20, signup_days=(730, 1460), recency_days=(20, 80), orders=(4, 2, 6),
        first_order_gap_days=0, aov=(120, 250), lines_p=(0.55, 0.35, 0.10, 0.0),
        discount=(0.0, 0.0, 0.0), return_rate=(0.0, 0.05), categories=(1, 2),
        category_pool=("toys_games", "books", "beauty"), sessions_pm=(0.1, 0.6),
        page_views_pm=0.2, app_opens_pm=0.1, session_median_s=200, tickets=0.1,
        ticket_mix=(0.5, 0.1, 0.3, 0.1), acquisition_w=(0.4, 0.15, 0.1, 0.2, 0.1, 0.05),
        plan_w=(0.8, 0.18, 0.02), order_channel_w=(0.55, 0.15, 0.3),
    ),
}
_P = [_PROFILES[a] for a in ARCHETYPES]
_LOYALIST, _SEEKER, _EXPLORER, _LAPSING, _GIFT = range(len(ARCHETYPES))
# Relative price level per category, so electronics lines cost more than grocery lines.
_CATEGORY_PRICE = np.array([3.0, 1.6, 1.2, 0.8, 1.0, 0.6, 0.4])
_CATEGORY_POPULARITY = np.array([1.0, 0.8, 1.3, 0.9, 0.7, 0.8, 1.0])

_FIRST_NAMES = (
    "Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Leon", "Sofia", "Elias", "Hannah",
    "Mateo", "Chloe", "Hugo", "Lea", "Jonas", "Julia", "Luca", "Anna", "David", "Sara", "Daniel",
    "Laura", "Max", "Nora", "Paul", "Ines", "Tom", "Clara", "Ben", "Alice", "Marco", "Eva",
    "Samuel", "Zoe", "Adam", "Maya", "Oscar", "Lina", "Felix",
)
_LAST_NAMES = (
    "Smith", "Jones", "Brown", "Miller", "Garcia", "Martin", "Muller", "Schmidt", "Rossi",
    "Bernard", "Dubois", "Lopez", "Novak", "Jansen", "de Vries", "Wilson", "Taylor", "Clarke",
    "Walker", "Young", "Fischer", "Weber", "Moreau", "Laurent", "Ruiz", "Romero", "Bianchi",
    "Costa", "Silva", "Berg", "Nilsson", "Larsen", "Kowalski", "Horvat", "Murphy", "Kelly",
    "Evans", "Thomas", "King", "Wright",
)
_EMAIL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "hotmail.com", "proton.me", "web.de")
_CITIES = {
    "United States": ("New York", "Chicago", "Austin", "Seattle", "Boston"),
    "United Kingdom": ("London", "Manchester", "Bristol", "Leeds"),
    "Germany": ("Berlin", "Munich", "Hamburg", "Cologne"),
    "France": ("Paris", "Lyon", "Marseille", "Toulouse"),
    "Spain": ("Madrid", "Barcelona", "Valencia"),
    "Netherlands": ("Amsterdam", "Rotterdam", "Utrecht"),
    "Italy": ("Milan", "Rome", "Turin"),
    "Canada": ("Toronto", "Vancouver", "Montreal"),
}
_COUNTRY_W = np.array([0.3, 0.16, 0.15, 0.1, 0.07, 0.06, 0.07, 0.09])


# --------------------------------------------------------------------------- helpers


def _group_positions(counts: np.ndarray) -> np.ndarray:
    """0..c-1 for each group of size c, concatenated (the vectorised cumcount)."""
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(int(counts.sum())) - starts


def _split_counts(n: int, shares: np.ndarray) -> np.ndarray:
    """Integer counts summing to n, proportional to shares (largest remainder)."""
    raw = shares / shares.sum() * n
    counts = np.floor(raw).astype(np.int64)
    counts[np.argsort(-(raw - counts), kind="stable")[: n - counts.sum()]] += 1
    return counts


def _lognormal_in(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray, sigma: float = 0.25) -> np.ndarray:
    """Lognormal draws around the geometric centre of [lo, hi], clipped to it."""
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    centre = np.sqrt(np.maximum(lo, 1e-9) * hi)
    return np.clip(centre * rng.lognormal(0.0, sigma, size=centre.shape), lo, hi)


def _choice_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a (n, k) probability matrix."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    idx = (rng.random(len(probs))[:, None] > cum).sum(axis=1)
    return np.minimum(idx, probs.shape[1] - 1)


def _time_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after midnight, busy around lunch and in the evening."""
    hours = np.where(rng.random(n) < 0.6, rng.normal(13.0, 3.5, n), rng.normal(20.5, 1.5, n))
    return (np.mod(hours, 24.0) * 3600).astype(np.int64)


def _ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    return np.array([f"{prefix}{v:0{width}d}" for v in numbers.tolist()], dtype=object)


def _format_timestamps(rng: np.random.Generator, ts: np.ndarray) -> np.ndarray:
    """Epoch seconds -> text in the mixed raw formats (TIMESTAMP_FORMATS + epoch)."""
    ts = np.asarray(ts, dtype=np.int64)
    iso = np.datetime_as_string(ts.astype("datetime64[s]"), unit="s")
    kind = rng.choice(4, size=len(ts), p=TIMESTAMP_FORMAT_SHARES)
    out = np.empty(len(ts), dtype=object)
    m = kind == 0
    out[m] = [s[:10] + " " + s[11:] for s in iso[m].tolist()]
    m = kind == 1
    out[m] = [s + "Z" for s in iso[m].tolist()]
    m = kind == 2
    out[m] = [f"{s[8:10]}/{s[5:7]}/{s[:4]} {s[11:16]}" for s in iso[m].tolist()]
    m = kind == 3
    out[m] = [str(v) for v in ts[m].tolist()]
    return out


def _take(table: dict[str, np.ndarray], idx: np.ndarray) -> dict[str, np.ndarray]:
    return {k: v[idx] for k, v in table.items()}


def _concat(tables: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([t[k] for t in tables]) for k in tables[0]}


# --------------------------------------------------------------------------- customers


def _draw_customers(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Archetype, signup and profile attributes; ids follow signup order."""
    counts = _split_counts(n, np.array([p.share for p in _P]))
    arch = rng.permutation(np.repeat(np.arange(len(_P)), counts))
    lo = np.array([p.signup_days[0] for p in _P])[arch]
    hi = np.array([p.signup_days[1] for p in _P])[arch]
    signup_days = rng.integers(lo, hi + 1)
    order = np.lexsort((rng.random(n), -signup_days))  # oldest signup gets C000001
    arch, signup_days = arch[order], signup_days[order]

    number = np.arange(1, n + 1)
    first = rng.integers(0, len(_FIRST_NAMES), n)
    last = rng.integers(0, len(_LAST_NAMES), n)
    domain = rng.integers(0, len(_EMAIL_DOMAINS), n)
    full_name = np.array([f"{_FIRST_NAMES[f]} {_LAST_NAMES[s]}" for f, s in zip(first, last)], dtype=object)
    email = np.array(
        [
            f"{_FIRST_NAMES[f].lower()}.{_LAST_NAMES[s].lower().replace(' ', '')}{k}@{_EMAIL_DOMAINS[d]}"
            for f, s, d, k in zip(first, last, domain, number)
        ],
        dtype=object,
    )
    countries = list(_CITIES)
    country_idx = rng.choice(len(countries), n, p=_COUNTRY_W / _COUNTRY_W.sum())
    city_pick = rng.random(n)
    city = np.array(
        [_CITIES[countries[c]][int(u * len(_CITIES[countries[c]]))] for c, u in zip(country_idx, city_pick)],
        dtype=object,
    )
    young = arch == _EXPLORER  # explorers skew younger
    birth_year = np.clip(np.round(rng.normal(np.where(young, 1994, 1983), 11)), 1940, 2006).astype(np.int64)
    birth_year_valid = rng.random(n) >= 0.03
    signup_ts = _REF_TS - signup_days * _DAY
    return {
        "arch": arch,
        "signup_days": signup_days,
        "signup_ts": signup_ts,
        "customer_id": _ids("C", number, 6),
        "email": email,
        "full_name": full_name,
        "signup_date": np.datetime_as_string(signup_ts.astype("datetime64[s]"), unit="D").astype(object),
        "country": np.array(countries, dtype=object)[country_idx],
        "city": city,
        "birth_year": birth_year,
        "birth_year_valid": birth_year_valid,
        "acquisition_channel": np.array(ACQUISITION_CHANNELS, dtype=object)[
            _choice_rows(rng, np.array([p.acquisition_w for p in _P])[arch])
        ],
        "plan": np.array(PLANS, dtype=object)[_choice_rows(rng, np.array([p.plan_w for p in _P])[arch])],
    }


# --------------------------------------------------------------------------- orders


def _draw_regular_orders(
    rng: np.random.Generator, cust: dict, idx: np.ndarray, orders_scale: float
) -> tuple[np.ndarray, np.ndarray]:
    """Order timestamps for the non-seasonal archetypes: last order pinned at the recency."""
    arch, signup_days, signup_ts = cust["arch"][idx], cust["signup_days"][idx], cust["signup_ts"][idx]
    centre = np.array([p.orders[0] for p in _P])[arch] * orders_scale
    n_orders = np.clip(
        np.round(centre * rng.lognormal(0.0, np.where(arch == _EXPLORER, 0.45, 0.25))),
        np.round(np.array([p.orders[1] for p in _P])[arch] * orders_scale),
        np.round(np.array([p.orders[2] for p in _P])[arch] * orders_scale),
    ).astype(np.int64)

    r_lo = np.array([p.recency_days[0] for p in _P])[arch]
    r_hi = np.array([p.recency_days[1] for p in _P])[arch]
    # keep the last order after signup, and give lapsing customers a real buying period
    r_hi = np.where(arch == _EXPLORER, np.minimum(r_hi, signup_days), r_hi)
    r_hi = np.where(arch == _LAPSING, np.minimum(r_hi, signup_days - 240), r_hi)
    recency = rng.integers(r_lo, r_hi + 1)
    last_ts = _REF_TS - recency * _DAY + _time_of_day(rng, len(idx))
    gap = np.array([p.first_order_gap_days for p in _P])[arch] * _DAY
    first_ts = signup_ts + (rng.random(len(idx)) * np.minimum(gap, last_ts - signup_ts)).astype(np.int64)

    o_cust = np.repeat(idx, n_orders)
    o_arch = np.repeat(arch, n_orders)
    k = _group_positions(n_orders)
    n_rep = np.repeat(n_orders, n_orders)
    # loyalists buy on a regular cadence; others at random moments in their active span
    regular = (k + rng.normal(0.0, 0.3, len(k))) / np.maximum(n_rep - 1, 1)
    frac = np.clip(np.where(o_arch == _LOYALIST, regular, rng.random(len(k))), 0.0, 1.0)
    frac[k == n_rep - 1] = 1.0
    f_ts, l_ts = np.repeat(first_ts, n_orders), np.repeat(last_ts, n_orders)
    ts = f_ts + (frac * (l_ts - f_ts)).astype(np.int64)
    ts = np.clip(ts // _DAY * _DAY + _time_of_day(rng, len(ts)), np.repeat(signup_ts, n_orders), l_ts)
    ts[k == n_rep - 1] = l_ts[k == n_rep - 1]
    return o_cust, ts


def _draw_gift_orders(rng: np.random.Generator, cust: dict, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gift buyers: one or two orders each Nov/Dec season they were a customer, plus a rare extra."""
    signup_ts = cust["signup_ts"][idx]
    parts_cust, parts_ts = [], []
    for year in (2022, 2023, 2024):
        season = int(np.datetime64(f"{year}-11-01", "s").astype(np.int64))
        count = (signup_ts < season) * (1 + (rng.random(len(idx)) < 0.2))
        c = np.repeat(idx, count)
        parts_cust.append(c)
        parts_ts.append(season + rng.integers(0, 52, len(c)) * _DAY + _time_of_day(rng, len(c)))
    # the current season pins the recency at 20-80 days, mostly within November/December
    count = 1 + (rng.random(len(idx)) < 0.2)
    c = np.repeat(idx, count)
    days_ago = np.where(rng.random(len(c)) < 0.8, rng.integers(20, 61, len(c)), rng.integers(61, 81, len(c)))
    parts_cust.append(c)
    parts_ts.append(_REF_TS - days_ago * _DAY + _time_of_day(rng, len(c)))
    extra = idx[rng.random(len(idx)) < 0.15]
    off_end = int(np.datetime64("2025-10-01", "s").astype(np.int64))
    s_ts = cust["signup_ts"][extra]
    parts_cust.append(extra)
    parts_ts.append(s_ts + (rng.random(len(extra)) * (off_end - s_ts)).astype(np.int64))
    return np.concatenate(parts_cust), np.concatenate(parts_ts)


def _draw_orders(rng: np.random.Generator, cust: dict, orders_scale: float = 1.0) -> dict[str, np.ndarray]:
    """All orders in chronological order, with cancellation flags."""
    n = len(cust["arch"])
    gift = cust["arch"] == _GIFT
    c1, t1 = _draw_regular_orders(rng, cust, np.flatnonzero(~gift), orders_scale)
    c2, t2 = _draw_gift_orders(rng, cust, np.flatnonzero(gift))
    o_cust, ts = np.concatenate([c1, c2]), np.concatenate([t1, t2])
    order = np.lexsort((o_cust, ts))
    o_cust, ts = o_cust[order], ts[order]

    last_ts = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(last_ts, o_cust, ts)
    is_last = ts == last_ts[o_cust]
    # never cancel a customer's last order, so recency stays where the archetype put it
    p_cancel = 0.04 * len(ts) / max(int((~is_last).sum()), 1)
    cancelled = ~is_last & (rng.random(len(ts)) < p_cancel)
    return {"cust": o_cust, "ts": ts, "cancelled": cancelled, "last_ts": last_ts}


def _draw_lines(rng: np.random.Generator, cust: dict, orders: dict) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Order lines plus return lines; returns (table, canonical category index per line)."""
    n = len(cust["arch"])
    arch = cust["arch"]
    o_cust, o_ts = orders["cust"], orders["ts"]
    n_ord = len(o_cust)

    # per-customer purchasing traits
    aov = _lognormal_in(rng, np.array([p.aov[0] for p in _P])[arch], np.array([p.aov[1] for p in _P])[arch])
    d_prob = np.array([p.discount[0] for p in _P])[arch]
    d_rate = rng.uniform(np.array([p.discount[1] for p in _P])[arch], np.array([p.discount[2] for p in _P])[arch])
    ret_rate = rng.uniform(
        np.array([p.return_rate[0] for p in _P])[arch], np.array([p.return_rate[1] for p in _P])[arch]
    )
    k_cat = rng.integers(
        np.array([p.categories[0] for p in _P])[arch], np.array([p.categories[1] for p in _P])[arch] + 1
    )
    # weighted random category ranking per customer (Gumbel top-k); pools differ by archetype
    pool = np.array([[c in p.category_pool for c in CATEGORIES] for p in _P])[arch]
    keys = np.where(pool, np.log(_CATEGORY_POPULARITY) + rng.gumbel(size=(n, len(CATEGORIES))), -np.inf)
    ranking = np.argsort(-keys, axis=1, kind="stable")
    k_cat = np.minimum(k_cat, pool.sum(axis=1))
    channel_pref = _choice_rows(rng, np.array([p.order_channel_w for p in _P])[arch])

    n_lines = _choice_rows(rng, np.array([p.lines_p for p in _P])[arch[o_cust]]) + 1
    l_ord = np.repeat(np.arange(n_ord), n_lines)
    l_cust = o_cust[l_ord]
    line_no = _group_positions(n_lines) + 1
    n_l = len(l_ord)
    cat = ranking[l_cust, (rng.random(n_l) * k_cat[l_cust]).astype(np.int64)]
    qty = rng.choice([1, 2, 3, 4, 5], size=n_l, p=[0.72, 0.19, 0.06, 0.02, 0.01])

    order_value = aov[o_cust] * rng.lognormal(-0.045, 0.3, n_ord)
    weight = rng.gamma(2.0, 1.0, n_l) * _CATEGORY_PRICE[cat]
    weight_sum = np.bincount(l_ord, weights=weight, minlength=n_ord)
    line_value = order_value[l_ord] * weight / weight_sum[l_ord]
    unit_price = np.round(np.maximum(line_value / qty, 0.5), 2)
    gross = qty * unit_price
    discounted = rng.random(n_l) < d_prob[l_cust]
    rate = np.clip(d_rate[l_cust] * rng.lognormal(0.0, 0.15, n_l), 0.0, 0.8)
    discount = np.where(discounted, np.round(gross * rate, 2), 0.0)
    discount = np.clip(discount, 0.0, np.round(gross - 0.01, 2))
    # mostly the customer's usual channel, sometimes another one; one channel per order
    o_channel = np.where(rng.random(n_ord) < 0.8, channel_pref[o_cust], rng.integers(0, 3, n_ord))
    channel = o_channel[l_ord]
    cancelled = orders["cancelled"][l_ord]
    status = np.where(cancelled, 2, 0)

    # returns: extra lines after the order, refunding the net price actually paid
    ret = ~cancelled & (rng.random(n_l) < ret_rate[l_cust])
    ret_ts = o_ts[l_ord[ret]] + rng.integers(1 * _DAY, 30 * _DAY, int(ret.sum()))
    keep = ret_ts <= _END_TS
    r_src = np.flatnonzero(ret)[keep]
    ret_ts = ret_ts[keep]
    r_ord = l_ord[r_src]
    r_no = n_lines[r_ord] + _group_positions(np.bincount(r_ord, minlength=n_ord)[np.unique(r_ord)]) + 1
    r_qty = -rng.integers(1, qty[r_src] + 1)
    r_price = np.round((gross[r_src] - discount[r_src]) / qty[r_src], 2)

    all_ord = np.concatenate([l_ord, r_ord])
    all_ts = np.concatenate([o_ts[l_ord], ret_ts])
    all_no = np.concatenate([line_no, r_no])
    sort = np.lexsort((all_no, all_ord, all_ts))
    table = {
        "order_id": _ids("O", all_ord + 1, 7),
        "line_number": all_no,
        "customer_id": cust["customer_id"][o_cust[all_ord]],
        "ts": all_ts,
        "quantity": np.concatenate([qty, r_qty]),
        "unit_price": np.concatenate([unit_price, r_price]),
        "discount_amount": np.concatenate([discount, np.zeros(len(r_src))]),
        "channel": np.array(ORDER_CHANNELS, dtype=object)[np.concatenate([channel, channel[r_src]])],
        "status": np.array(ORDER_STATUSES, dtype=object)[np.concatenate([status, np.ones(len(r_src), int)])],
    }
    table = _take(table, sort)
    return table, np.concatenate([cat, cat[r_src]])[sort]


def _spell_categories(rng: np.random.Generator, cat: np.ndarray) -> tuple[np.ndarray, int, int]:
    """Raw category text: canonical, a known variant, or (rarely) something unmapped."""
    out = np.array(CATEGORIES, dtype=object)[cat]
    u = rng.random(len(cat))
    variant = u < _CATEGORY_VARIANT_SHARE
    pick = rng.random(len(cat))
    for i, name in enumerate(CATEGORIES):
        m = variant & (cat == i)
        options = np.array(_CATEGORY_VARIANTS[name], dtype=object)
        out[m] = options[(pick[m] * len(options)).astype(np.int64)]
    unmapped = ((u >= _CATEGORY_VARIANT_SHARE)
                & (u < _CATEGORY_VARIANT_SHARE + DIRTY_RATES["transactions.unknown_category"]))
    out[unmapped] = np.array(_UNMAPPED_CATEGORIES, dtype=object)[
        rng.integers(0, len(_UNMAPPED_CATEGORIES), int(unmapped.sum()))]
    return out, int(variant.sum()), int(unmapped.sum())


# --------------------------------------------------------------------------- events and tickets


def _active_end(cust: dict, orders: dict) -> np.ndarray:
    """End of the period a customer is engaged: lapsing customers drift off after their last order."""
    return np.where(cust["arch"] == _LAPSING, np.minimum(orders["last_ts"] + 30 * _DAY, _END_TS), _END_TS)


def _draw_events(rng: np.random.Generator, cust: dict, orders: dict) -> dict[str, np.ndarray]:
    """Sessions, page views and app opens spread over each customer's active period."""
    n, arch = len(cust["arch"]), cust["arch"]
    start, end = cust["signup_ts"], _active_end(cust, orders)
    sessions = _lognormal_in(
        rng, np.array([p.sessions_pm[0] for p in _P])[arch], np.array([p.sessions_pm[1] for p in _P])[arch], 0.2
    )
    rates = np.stack(
        [
            sessions,
            np.array([p.page_views_pm for p in _P])[arch] * rng.lognormal(0, 0.3, n),
            np.array([p.app_opens_pm for p in _P])[arch] * rng.lognormal(0, 0.3, n),
        ],
        axis=1,
    )
    lapsing = np.flatnonzero(arch == _LAPSING)
    # segments: (customer, type, start, end, rate/month); lapsing customers keep a faint trickle
    seg_cust = np.concatenate([np.repeat(np.arange(n), 3), lapsing])
    seg_type = np.concatenate([np.tile(np.arange(3), n), np.zeros(len(lapsing), int)])
    seg_start = np.concatenate([np.repeat(start, 3), end[lapsing]])
    seg_end = np.concatenate([np.repeat(end, 3), np.full(len(lapsing), _END_TS)])
    seg_rate = np.concatenate([rates.ravel(), np.full(len(lapsing), 0.05)])
    counts = rng.poisson(seg_rate * (seg_end - seg_start) / _MONTH)

    e_cust = np.repeat(seg_cust, counts)
    e_type = np.repeat(seg_type, counts)
    e_start, e_end = np.repeat(seg_start, counts), np.repeat(seg_end, counts)
    ts = e_start + (rng.random(len(e_cust)) * (e_end - e_start)).astype(np.int64)
    median = np.array([p.session_median_s for p in _P])[arch[e_cust]]
    duration = np.select(
        [e_type == 0, e_type == 1],
        [
            np.clip(median * rng.lognormal(0, 0.6, len(ts)), 60, 1800),
            np.clip(30 * rng.lognormal(0, 0.7, len(ts)), 5, 120),
        ],
        rng.uniform(0, 30, len(ts)),
    )
    sort = np.lexsort((e_type, e_cust, ts))
    return {
        "customer_id": cust["customer_id"][e_cust[sort]],
        "ts": ts[sort],
        "event_type": np.array(EVENT_TYPES, dtype=object)[e_type[sort]],
        "duration_seconds": np.round(duration[sort], 1),
    }


def _draw_tickets(rng: np.random.Generator, cust: dict, orders: dict) -> dict[str, np.ndarray]:
    """Ordinary tickets over the active period, plus complaints around lapsing customers' last orders."""
    n, arch = len(cust["arch"]), cust["arch"]
    start, end = cust["signup_ts"], _active_end(cust, orders)
    count = rng.poisson(np.array([p.tickets for p in _P])[arch])
    t_cust = np.repeat(np.arange(n), count)
    ts = start[t_cust] + (rng.random(len(t_cust)) * (end - start)[t_cust]).astype(np.int64)
    t_type = _choice_rows(rng, np.array([p.ticket_mix for p in _P])[arch[t_cust]])

    lapsing = np.flatnonzero(arch == _LAPSING)
    n_compl = 1 + rng.binomial(3, 0.25, len(lapsing))
    c_cust = np.repeat(lapsing, n_compl)
    lo = np.maximum(start[c_cust], orders["last_ts"][c_cust] - 120 * _DAY)
    hi = end[c_cust]
    c_ts = lo + (rng.random(len(c_cust)) * (hi - lo)).astype(np.int64)

    all_cust = np.concatenate([t_cust, c_cust])
    all_ts = np.concatenate([ts, c_ts])
    all_type = np.concatenate([t_type, np.ones(len(c_cust), int)])
    sort = np.lexsort((all_type, all_cust, all_ts))
    return {
        "customer_id": cust["customer_id"][all_cust[sort]],
        "ts": all_ts[sort],
        "ticket_type": np.array(TICKET_TYPES, dtype=object)[all_type[sort]],
    }


# --------------------------------------------------------------------------- dirty rows


def _n_dirty(kind: str, n_clean: int) -> int:
    return max(1, int(round(DIRTY_RATES[kind] * n_clean)))


def _bad_timestamps(rng: np.random.Generator, kind: str, k: int) -> np.ndarray:
    """Text timestamps that are in the future, implausibly old, or not timestamps at all."""
    if kind == "future_date":
        lo = int(np.datetime64("2027-01-01", "s").astype(np.int64))
        hi = int(np.datetime64("2031-12-31", "s").astype(np.int64))
        return _format_timestamps(rng, rng.integers(lo, hi, k))
    if kind == "ancient_date":
        lo = int(np.datetime64("1900-01-01", "s").astype(np.int64))
        hi = int(np.datetime64("1989-12-31", "s").astype(np.int64))
        fixed = np.array(["1970-01-01 00:00:00", "1900-01-01 00:00:00", "0", "01/01/1970 00:00"], dtype=object)
        random_old = _format_timestamps(rng, rng.integers(lo, hi, k))
        # epoch text cannot express pre-1970 times, so fall back to the plain format there
        neg_epoch = np.array([s.startswith("-") for s in random_old.tolist()], dtype=bool)
        random_old[neg_epoch] = "1955-06-15 12:00:00"
        return np.where(rng.random(k) < 0.5, fixed[rng.integers(0, len(fixed), k)], random_old)
    return np.array(_UNPARSEABLE_TIMESTAMPS, dtype=object)[rng.integers(0, len(_UNPARSEABLE_TIMESTAMPS), k)]


def _unknown_customer_ids(rng: np.random.Generator, n_customers: int, k: int) -> np.ndarray:
    """Ids that look plausible but match no customer."""
    beyond = _ids("C", n_customers + 100_000 + rng.integers(0, 800_000, k), 6)
    suffixed = np.array([f"C{v:06d}x" for v in rng.integers(0, 1_000_000, k).tolist()], dtype=object)
    return np.where(rng.random(k) < 0.5, beyond, suffixed)


def _interleave(
    rng: np.random.Generator, clean: dict, junk: list[tuple[dict, np.ndarray | None]]
) -> dict[str, np.ndarray]:
    """Insert junk rows at random positions (or anywhere after their source row)."""
    n = len(next(iter(clean.values())))
    keys = [np.arange(n, dtype=float)]
    for rows, after in junk:
        k = len(next(iter(rows.values())))
        if after is None:
            keys.append(np.floor(rng.random(k) * (n + 1)) - 0.5)
        else:
            keys.append(after + 0.5 + np.floor(rng.random(k) * (n - after)))
    order = np.argsort(np.concatenate(keys), kind="stable")
    return _take(_concat([clean] + [rows for rows, _ in junk]), order)


def _dirty_transactions(rng, table: dict, n_customers: int, counts: dict) -> dict:
    n = len(table["order_id"])
    completed = np.flatnonzero(table["status"] == "completed")
    next_order = max(int(s[1:]) for s in table["order_id"].tolist())
    junk: list[tuple[dict, np.ndarray | None]] = []

    k = _n_dirty("transactions.duplicate", n)
    src = np.sort(rng.choice(n, k, replace=False))
    junk.append((_take(table, src), src))
    counts["transactions.duplicate"] = k

    for kind in (
        "nonpositive_quantity", "nonpositive_price", "future_date", "ancient_date", "unparseable_date",
        "null_customer", "blank_customer", "unknown_customer", "unknown_status",
    ):
        full = f"transactions.{kind}"
        k = _n_dirty(full, n)
        rows = _take(table, rng.choice(completed, k))
        rows["order_id"] = _ids("O", np.arange(next_order + 1, next_order + k + 1), 7)
        rows["line_number"] = np.ones(k, dtype=np.int64)
        next_order += k
        if kind == "nonpositive_quantity":
            rows["quantity"] = -rng.integers(0, 3, k)
            rows["discount_amount"] = np.zeros(k)
        elif kind == "nonpositive_price":
            rows["unit_price"] = np.where(rng.random(k) < 0.5, 0.0, -rows["unit_price"])
            rows["discount_amount"] = np.zeros(k)
        elif kind.endswith("_date"):
            rows["ordered_at"] = _bad_timestamps(rng, kind, k)
        elif kind == "null_customer":
            rows["customer_id"] = np.full(k, None, dtype=object)
        elif kind == "blank_customer":
            rows["customer_id"] = np.array(["", " ", "   "], dtype=object)[rng.integers(0, 3, k)]
        elif kind == "unknown_customer":
            rows["customer_id"] = _unknown_customer_ids(rng, n_customers, k)
        elif kind == "unknown_status":
            rows["status"] = np.array(_UNKNOWN_STATUSES, dtype=object)[rng.integers(0, len(_UNKNOWN_STATUSES), k)]
        junk.append((rows, None))
        counts[full] = k
    return _interleave(rng, table, junk)


def _dirty_customers(rng, table: dict, counts: dict) -> dict:
    n = len(table["customer_id"])
    k_dup = _n_dirty("customers.duplicate", n)
    k_null = _n_dirty("customers.null_id", n)
    k_conf = _n_dirty("customers.conflicting_id", n)
    src = rng.choice(n, k_dup + k_conf, replace=False)
    dup_src, conf_src = np.sort(src[:k_dup]), np.sort(src[k_dup:])

    nulls = _take(table, rng.choice(n, k_null, replace=False))
    nulls["customer_id"] = np.full(k_null, None, dtype=object)
    conflicts = _take(table, conf_src)
    conflicts["email"] = np.array(
        [e.split("@")[0].replace(".", "_") + "@mail.example.com" for e in conflicts["email"].tolist()],
        dtype=object,
    )
    counts.update({"customers.duplicate": k_dup, "customers.null_id": k_null, "customers.conflicting_id": k_conf})
    return _interleave(rng, table, [(_take(table, dup_src), dup_src), (nulls, None), (conflicts, conf_src)])


def _dirty_events(rng, table: dict, n_customers: int, counts: dict) -> dict:
    n = len(table["event_id"])
    junk: list[tuple[dict, np.ndarray | None]] = []
    k = _n_dirty("events.duplicate", n)
    src = np.sort(rng.choice(n, k, replace=False))
    junk.append((_take(table, src), src))
    counts["events.duplicate"] = k
    next_id = n
    for kind in (
        "null_customer", "unknown_customer", "future_date", "ancient_date", "unparseable_date",
        "unknown_type", "negative_duration",
    ):
        full = f"events.{kind}"
        k = _n_dirty(full, n)
        rows = _take(table, rng.choice(n, k))
        rows["event_id"] = _ids("E", np.arange(next_id + 1, next_id + k + 1), 8)
        next_id += k
        if kind == "null_customer":
            rows["customer_id"] = np.full(k, None, dtype=object)
        elif kind == "unknown_customer":
            rows["customer_id"] = _unknown_customer_ids(rng, n_customers, k)
        elif kind.endswith("_date"):
            rows["occurred_at"] = _bad_timestamps(rng, kind, k)
        elif kind == "unknown_type":
            rows["event_type"] = np.array(_UNKNOWN_EVENT_TYPES, dtype=object)[rng.integers(0, 3, k)]
        elif kind == "negative_duration":
            rows["duration_seconds"] = -np.round(rng.uniform(1, 600, k), 1)
        junk.append((rows, None))
        counts[full] = k
    return _interleave(rng, table, junk)


def _dirty_tickets(rng, table: dict, n_customers: int, counts: dict) -> dict:
    n = len(table["ticket_id"])
    junk: list[tuple[dict, np.ndarray | None]] = []
    k = _n_dirty("support_tickets.duplicate", n)
    src = np.sort(rng.choice(n, k, replace=False))
    junk.append((_take(table, src), src))
    counts["support_tickets.duplicate"] = k
    next_id = n
    for kind in ("null_customer", "unknown_customer", "unparseable_date"):
        full = f"support_tickets.{kind}"
        k = _n_dirty(full, n)
        rows = _take(table, rng.choice(n, k))
        rows["ticket_id"] = _ids("T", np.arange(next_id + 1, next_id + k + 1), 7)
        next_id += k
        if kind == "null_customer":
            rows["customer_id"] = np.full(k, None, dtype=object)
        elif kind == "unknown_customer":
            rows["customer_id"] = _unknown_customer_ids(rng, n_customers, k)
        else:
            rows["created_at"] = _bad_timestamps(rng, kind, k)
        junk.append((rows, None))
        counts[full] = k
    return _interleave(rng, table, junk)


# --------------------------------------------------------------------------- output


def _write_parquet(path: Path, table: dict, schema: pa.Schema) -> int:
    arrays = []
    for field in schema:
        values = table[field.name]
        mask = table.get(f"{field.name}_valid")
        if mask is not None:
            arrays.append(pa.array(values, type=field.type, mask=~mask))
        elif pa.types.is_string(field.type):
            arrays.append(pa.array(values.tolist(), type=field.type))
        else:
            arrays.append(pa.array(values, type=field.type))
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), path, compression="zstd")
    return len(arrays[0])


def generate(
    n_customers: int = 20000,
    seed: int = 42,
    out_dir: str | Path = "data/raw",
    truth_dir: str | Path = "data/truth",
    orders_scale: float = 1.0,
) -> dict:
    """Write the raw Parquet files and the truth CSV; return row counts per file and dirty counts.

    `orders_scale` multiplies how many orders the non-seasonal archetypes place (their centre and
    bounds), for benchmarks that need more order lines per customer; 1.0 is the demo.
    """
    if int(n_customers) < MIN_CUSTOMERS:
        raise ValueError(f"n_customers must be at least {MIN_CUSTOMERS} (got {n_customers})")
    if not orders_scale > 0:
        raise ValueError(f"orders_scale must be a positive number (got {orders_scale}); 1.0 is the demo's order volume")
    n_customers = int(n_customers)
    # one independent stream per stage, so tweaking one stage leaves the others' draws alone
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(9)]
    rng_cust, rng_ord, rng_line, rng_cat, rng_evt, rng_tkt, rng_fmt, rng_dirty_a, rng_dirty_b = streams

    cust = _draw_customers(rng_cust, n_customers)
    orders = _draw_orders(rng_ord, cust, orders_scale)
    lines, cat = _draw_lines(rng_line, cust, orders)
    events = _draw_events(rng_evt, cust, orders)
    tickets = _draw_tickets(rng_tkt, cust, orders)

    dirty: dict[str, int] = {}
    lines["product_category"], dirty["transactions.category_variant"], dirty["transactions.unknown_category"] = (
        _spell_categories(rng_cat, cat)
    )
    lines["ordered_at"] = _format_timestamps(rng_fmt, lines.pop("ts"))
    events["occurred_at"] = _format_timestamps(rng_fmt, events.pop("ts"))
    events["event_id"] = _ids("E", np.arange(1, len(events["occurred_at"]) + 1), 8)
    tickets["created_at"] = _format_timestamps(rng_fmt, tickets.pop("ts"))
    tickets["ticket_id"] = _ids("T", np.arange(1, len(tickets["created_at"]) + 1), 7)

    customers = {name: cust[name] for name in SCHEMAS["customers"].names}
    customers["birth_year_valid"] = cust["birth_year_valid"]
    customers = _dirty_customers(rng_dirty_a, customers, dirty)
    lines = _dirty_transactions(rng_dirty_a, lines, n_customers, dirty)
    events = _dirty_events(rng_dirty_b, events, n_customers, dirty)
    tickets = _dirty_tickets(rng_dirty_b, tickets, n_customers, dirty)

    out, truth = Path(out_dir), Path(truth_dir)
    out.mkdir(parents=True, exist_ok=True)
    truth.mkdir(parents=True, exist_ok=True)
    result: dict = {}
    for name, table in (
        ("customers", customers), ("transactions", lines), ("events", events), ("support_tickets", tickets)
    ):
        result[name] = _write_parquet(out / f"{name}.parquet", table, SCHEMAS[name])
    truth_lines = [f"{cid},{ARCHETYPES[a]}" for cid, a in zip(cust["customer_id"].tolist(), cust["arch"].tolist())]
    (truth / "customer_archetypes.csv").write_text("customer_id,archetype\n" + "\n".join(truth_lines) + "\n")
    result["customer_archetypes"] = n_customers
    result["dirty"] = {kind: dirty[kind] for kind in DIRTY_KINDS}
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", default="data/raw")
    parser.add_argument("--truth", default="data/truth")
    args = parser.parse_args(argv)
    print(json.dumps(generate(args.customers, args.seed, args.out, args.truth), indent=2))


if __name__ == "__main__":
    main()
