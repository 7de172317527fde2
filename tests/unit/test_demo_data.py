"""Tests for python_udfs.demo.data: determinism, schema, planted junk and archetype structure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from python_udfs.demo import data as dd

pytestmark = pytest.mark.unit

N = 2000
SEED = 7
FILES = ("customers", "transactions", "events", "support_tickets")
REF = pd.Timestamp("2025-12-31")
START, END = pd.Timestamp("2022-01-01"), pd.Timestamp("2025-12-30 23:59:59")

# Amounts requested in the brief, as a share of the table's genuine rows.
REQUESTED_RATES = {
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
    "customers.duplicate": 0.005,
    "customers.null_id": 0.002,
    "customers.conflicting_id": 0.002,
    "events.duplicate": 0.01,
    "events.bad_customer": 0.003,
    "events.bad_date": 0.002,
    "events.unknown_type": 0.001,
    "events.negative_duration": 0.001,
    "support_tickets.duplicate": 0.01,
    "support_tickets.bad_customer": 0.005,
    "support_tickets.unparseable_date": 0.003,
}

EXPECTED_SCHEMAS = {
    "customers": [
        ("customer_id", pa.string()), ("email", pa.string()), ("full_name", pa.string()),
        ("signup_date", pa.string()), ("country", pa.string()), ("city", pa.string()),
        ("birth_year", pa.int32()), ("acquisition_channel", pa.string()), ("plan", pa.string()),
    ],
    "transactions": [
        ("order_id", pa.string()), ("line_number", pa.int32()), ("customer_id", pa.string()),
        ("ordered_at", pa.string()), ("product_category", pa.string()), ("quantity", pa.int32()),
        ("unit_price", pa.float64()), ("discount_amount", pa.float64()), ("channel", pa.string()),
        ("status", pa.string()),
    ],
    "events": [
        ("event_id", pa.string()), ("customer_id", pa.string()), ("occurred_at", pa.string()),
        ("event_type", pa.string()), ("duration_seconds", pa.float64()),
    ],
    "support_tickets": [
        ("ticket_id", pa.string()), ("customer_id", pa.string()), ("created_at", pa.string()),
        ("ticket_type", pa.string()),
    ],
}


def parse_ts(values: pd.Series) -> pd.Series:
    """Parse the mixed raw timestamp text; NaT where nothing matches."""
    values = values.astype(object)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    for fmt in dd.TIMESTAMP_FORMATS:
        out = out.fillna(pd.to_datetime(values, format=fmt, errors="coerce").astype("datetime64[us]"))
    digits = values.str.fullmatch(dd.EPOCH_PATTERN).fillna(False).astype(bool)
    out[digits] = pd.to_datetime(values[digits].astype("int64"), unit="s")
    return out


def format_kind(values: pd.Series) -> pd.Series:
    """Which raw format each timestamp text uses (by shape)."""
    v = values.astype(object).fillna("")
    kind = pd.Series("other", index=v.index)
    kind[v.str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")] = "std"
    kind[v.str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")] = "iso"
    kind[v.str.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d")] = "dmy"
    kind[v.str.fullmatch(r"\d+")] = "epoch"
    return kind


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("demo")
    result = dd.generate(N, SEED, base / "raw", base / "truth")
    frames = {name: pd.read_parquet(base / "raw" / f"{name}.parquet") for name in FILES}
    truth = pd.read_csv(base / "truth" / "customer_archetypes.csv", dtype=str)
    return {"base": base, "result": result, "truth": truth, **frames}


@pytest.fixture(scope="module")
def clean(run):
    """Genuine rows only, with parsed timestamps (what the dbt cleaning layer should produce)."""
    real = set(run["truth"].customer_id)
    tx = run["transactions"].drop_duplicates().copy()
    tx["ts"] = parse_ts(tx.ordered_at)
    tx = tx[
        tx.customer_id.isin(real)
        & tx.ts.between(START, END)
        & tx.status.isin(dd.ORDER_STATUSES)
        & (tx.unit_price > 0)
        & ~((tx.quantity <= 0) & (tx.status == "completed"))
    ].copy()
    tx["category"] = tx.product_category.str.strip().str.lower().map(dd.CATEGORY_SPELLINGS)
    ev = run["events"].drop_duplicates().copy()
    ev["ts"] = parse_ts(ev.occurred_at)
    ev = ev[
        ev.customer_id.isin(real)
        & ev.ts.between(START, END)
        & ev.event_type.isin(dd.EVENT_TYPES)
        & (ev.duration_seconds >= 0)
    ]
    tk = run["support_tickets"].drop_duplicates().copy()
    tk["ts"] = parse_ts(tk.created_at)
    tk = tk[tk.customer_id.isin(real) & tk.ts.between(START, END)]
    cu = run["customers"].dropna(subset=["customer_id"]).drop_duplicates("customer_id", keep="first")
    return {"tx": tx, "ev": ev, "tk": tk, "cu": cu}


@pytest.fixture(scope="module")
def features(run, clean):
    """Customer-level aggregates computed independently of the generator."""
    tx, ev, tk, cu = clean["tx"], clean["ev"], clean["tk"], clean["cu"]
    done = tx[tx.status == "completed"].assign(gross=lambda d: d.quantity * d.unit_price)
    back = tx[tx.status == "returned"].assign(refund=lambda d: d.quantity * d.unit_price)
    g = done.groupby("customer_id")
    f = pd.DataFrame(
        {
            "orders": g.order_id.nunique(),
            "last": g.ts.max(),
            "gross": g.gross.sum(),
            "discount": g.discount_amount.sum(),
            "lines": g.size(),
            "categories": g.category.nunique(),
        }
    )
    f["refund"] = back.groupby("customer_id").refund.sum()
    f["returns"] = back.groupby("customer_id").size()
    sessions = ev[ev.event_type == "session"]
    f["sessions"] = sessions.groupby("customer_id").size()
    f["recent_sessions"] = sessions[sessions.ts >= REF - pd.Timedelta(days=180)].groupby("customer_id").size()
    f["complaints"] = tk[tk.ticket_type == "complaint"].groupby("customer_id").size()
    f = f.join(cu.set_index("customer_id").signup_date).fillna(
        {"refund": 0.0, "returns": 0, "sessions": 0, "recent_sessions": 0, "complaints": 0}
    )
    f["recency"] = (REF - f["last"]).dt.total_seconds() / 86400
    f["net"] = f.gross - f.discount + f.refund
    f["aov"] = f.gross / f.orders
    f["discount_share"] = f.discount / f.gross
    f["return_rate"] = f.returns / f.lines
    tenure = (REF - pd.to_datetime(f.signup_date)).dt.days
    f["tenure"] = tenure
    f["sessions_pm"] = f.sessions / (np.maximum(tenure, 30) / 30.4375)
    return f.join(run["truth"].set_index("customer_id").archetype, how="right")


def test_refuses_too_few_customers(tmp_path):
    with pytest.raises(ValueError, match="at least"):
        dd.generate(49, 1, tmp_path / "raw", tmp_path / "truth")


def test_orders_scale_must_be_positive(tmp_path):
    with pytest.raises(ValueError, match="orders_scale must be a positive number"):
        dd.generate(N, SEED, tmp_path / "raw", tmp_path / "truth", orders_scale=0)


def test_orders_scale_multiplies_regular_orders_and_leaves_customers_alone(run, tmp_path):
    """The benchmarks' knob for 50 order lines a customer: about 1.9x the order lines, same customers and
    archetypes; the demo (1.0) is pinned byte for byte by test_same_seed_gives_identical_bytes."""
    result = dd.generate(N, SEED, tmp_path / "raw", tmp_path / "truth", orders_scale=1.9)
    assert result["customers"] == run["result"]["customers"]
    assert (tmp_path / "truth" / "customer_archetypes.csv").read_bytes() == (
        run["base"] / "truth" / "customer_archetypes.csv").read_bytes()
    assert 1.7 < result["transactions"] / run["result"]["transactions"] < 2.0


def test_same_seed_gives_identical_bytes(run, tmp_path):
    again = dd.generate(N, SEED, tmp_path / "raw", tmp_path / "truth")
    assert again == run["result"]
    for name in FILES:
        a = (run["base"] / "raw" / f"{name}.parquet").read_bytes()
        assert a == (tmp_path / "raw" / f"{name}.parquet").read_bytes(), name
    truth = "customer_archetypes.csv"
    assert (run["base"] / "truth" / truth).read_bytes() == (tmp_path / "truth" / truth).read_bytes()
    dd.generate(N, SEED + 1, tmp_path / "other", tmp_path / "other_truth")
    assert (tmp_path / "other" / "transactions.parquet").read_bytes() != (
        tmp_path / "raw" / "transactions.parquet"
    ).read_bytes()


def test_schemas_exact(run):
    for name, expected in EXPECTED_SCHEMAS.items():
        schema = pq.read_schema(run["base"] / "raw" / f"{name}.parquet")
        assert [(f.name, f.type) for f in schema] == expected, name
        assert run["result"][name] == len(run[name])
    assert pq.ParquetFile(run["base"] / "raw" / "events.parquet").metadata.row_group(0).column(0).compression == "ZSTD"


def test_truth_covers_exactly_the_real_customers(run):
    truth, cu = run["truth"], run["customers"]
    assert list(truth.columns) == ["customer_id", "archetype"]
    assert truth.customer_id.is_unique and truth.customer_id.is_monotonic_increasing
    assert len(truth) == N == run["result"]["customer_archetypes"]
    assert set(truth.customer_id) == set(cu.customer_id.dropna())
    assert set(truth.archetype) == set(dd.ARCHETYPES)
    assert truth.customer_id.iloc[0] == "C000001" and truth.customer_id.iloc[-1] == f"C{N:06d}"


def test_archetype_shares(run):
    shares = run["truth"].archetype.value_counts(normalize=True)
    expected = {
        "high_value_loyalist": 0.15, "discount_seeker": 0.25, "new_explorer": 0.20,
        "lapsing": 0.20, "occasional_gift_buyer": 0.20,
    }
    for name, share in expected.items():
        assert shares[name] == pytest.approx(share, abs=0.01), name


def _observed_dirty(run) -> dict[str, int]:
    real = set(run["truth"].customer_id)
    obs: dict[str, int] = {}
    tx = run["transactions"]
    ts = parse_ts(tx.ordered_at)
    cid = tx.customer_id
    obs["transactions.duplicate"] = int(tx.duplicated().sum())
    obs["transactions.nonpositive_quantity"] = int(((tx.quantity <= 0) & (tx.status == "completed")).sum())
    obs["transactions.nonpositive_price"] = int((tx.unit_price <= 0).sum())
    obs["transactions.future_date"] = int((ts >= pd.Timestamp("2027-01-01")).sum())
    obs["transactions.ancient_date"] = int((ts < pd.Timestamp("1990-01-01")).sum())
    obs["transactions.unparseable_date"] = int(ts.isna().sum())
    obs["transactions.null_customer"] = int(cid.isna().sum())
    obs["transactions.blank_customer"] = int((cid.notna() & (cid.fillna("x").str.strip() == "")).sum())
    obs["transactions.unknown_customer"] = int(
        (cid.notna() & (cid.fillna("").str.strip() != "") & ~cid.isin(real)).sum())
    obs["transactions.unknown_status"] = int((~tx.status.isin(dd.ORDER_STATUSES)).sum())

    cu = run["customers"]
    obs["customers.duplicate"] = int(cu.duplicated().sum())
    obs["customers.null_id"] = int(cu.customer_id.isna().sum())
    emails = cu.dropna(subset=["customer_id"]).drop_duplicates().groupby("customer_id").email.nunique()
    obs["customers.conflicting_id"] = int((emails - 1).sum())

    ev = run["events"]
    ts = parse_ts(ev.occurred_at)
    obs["events.duplicate"] = int(ev.duplicated().sum())
    obs["events.bad_customer"] = int((~ev.customer_id.isin(real)).sum())
    obs["events.bad_date"] = int(
        (ts.isna() | (ts >= pd.Timestamp("2027-01-01")) | (ts < pd.Timestamp("1990-01-01"))).sum())
    obs["events.unknown_type"] = int((~ev.event_type.isin(dd.EVENT_TYPES)).sum())
    obs["events.negative_duration"] = int((ev.duration_seconds < 0).sum())

    tk = run["support_tickets"]
    obs["support_tickets.duplicate"] = int(tk.duplicated().sum())
    obs["support_tickets.bad_customer"] = int((~tk.customer_id.isin(real)).sum())
    obs["support_tickets.unparseable_date"] = int(parse_ts(tk.created_at).isna().sum())
    return obs


def test_planted_dirty_rows_match_requested_amounts(run):
    obs = _observed_dirty(run)
    reported = run["result"]["dirty"]
    assert set(reported) == set(dd.DIRTY_KINDS)
    merged = {
        "events.bad_customer": ("events.null_customer", "events.unknown_customer"),
        "events.bad_date": ("events.future_date", "events.ancient_date", "events.unparseable_date"),
        "support_tickets.bad_customer": ("support_tickets.null_customer", "support_tickets.unknown_customer"),
    }
    for kind, count in obs.items():
        assert count == sum(reported[k] for k in merged.get(kind, (kind,))), kind
    for table in FILES:
        planted = sum(c for k, c in obs.items() if k.startswith(table + "."))
        genuine = len(run[table]) - planted
        for kind, rate in REQUESTED_RATES.items():
            if kind.startswith(table + "."):
                want = rate * genuine
                assert obs[kind] >= 1, kind
                assert abs(obs[kind] - want) <= max(2.0, 0.3 * want), (kind, obs[kind], want)


def test_category_spellings(run, clean):
    spellings = dd.CATEGORY_SPELLINGS
    assert len(spellings) <= 40
    assert set(spellings.values()) == set(dd.CATEGORIES)
    assert all(spellings[c] == c for c in dd.CATEGORIES)
    assert all(k == k.strip().lower() for k in spellings)
    raw = run["transactions"].product_category
    assert raw.nunique() <= 50
    key = raw.str.strip().str.lower()
    unmapped = ~key.isin(spellings)
    variant = ~unmapped & ~raw.isin(dd.CATEGORIES)
    assert variant.mean() == pytest.approx(0.15, abs=0.015)
    assert unmapped.mean() == pytest.approx(0.003, abs=0.0015)
    assert {"misc", "gift card"} & set(key[unmapped])
    assert len(set(raw[variant])) >= 15  # case, spacing, '&', plural and typo variants all occur


def test_timestamp_format_mix(run, clean):
    for frame, col in ((clean["tx"], "ordered_at"), (clean["ev"], "occurred_at")):
        shares = format_kind(frame[col]).value_counts(normalize=True)
        assert shares.get("other", 0) == 0
        for kind, want in (("std", 0.80), ("iso", 0.10), ("dmy", 0.07), ("epoch", 0.03)):
            assert shares[kind] == pytest.approx(want, abs=0.02), (col, kind)
    for frame in (clean["tx"], clean["ev"], clean["tk"]):
        assert frame.ts.between(START, END).all()


def test_genuine_rows_are_consistent(run, clean):
    tx, ev, cu = clean["tx"], clean["ev"], clean["cu"]
    pos = tx[tx.quantity > 0]
    assert ((pos.discount_amount >= 0) & (pos.discount_amount < pos.quantity * pos.unit_price)).all()
    assert set(tx.status) == set(dd.ORDER_STATUSES) and set(tx.channel) <= set(dd.ORDER_CHANNELS)
    assert (tx[tx.status == "returned"].quantity < 0).all()
    assert (tx[tx.status != "returned"].quantity > 0).all()
    assert tx.quantity[tx.quantity > 0].le(3).mean() > 0.95
    orders = tx[tx.status != "returned"].groupby("order_id")
    assert (orders.status.nunique() == 1).all() and (orders.channel.nunique() == 1).all()
    assert orders.line_number.max().between(1, 4).all()
    assert (orders.status.first() == "cancelled").mean() == pytest.approx(0.04, abs=0.01)
    placed = orders.ts.min()
    returned = tx[tx.status == "returned"]
    assert (returned.ts.values > placed.loc[returned.order_id].values).all()
    assert not tx.duplicated(["order_id", "line_number"]).any()

    limits = {"session": (60, 1800), "page_view": (5, 120), "app_open": (0, 30)}
    for kind, (lo, hi) in limits.items():
        assert ev[ev.event_type == kind].duration_seconds.between(lo, hi).all(), kind
    assert 25 <= len(ev) / N  # the brief's ~30/customer is a floor: loyalists log 8-20 sessions a month
    assert len(clean["tk"]) / N == pytest.approx(0.5, abs=0.15)

    signup = pd.to_datetime(cu.signup_date, format="%Y-%m-%d")
    assert signup.between(START, END).all()
    assert cu.groupby("city").country.nunique().max() == 1
    assert cu.birth_year.isna().mean() == pytest.approx(0.03, abs=0.015)
    assert set(cu.acquisition_channel) == set(dd.ACQUISITION_CHANNELS) and set(cu.plan) == set(dd.PLANS)
    first = tx.groupby("customer_id").ts.min()
    assert (first >= signup.set_axis(cu.customer_id).loc[first.index]).all()


def test_customer_conflicts_keep_first_row_genuine(run):
    cu = run["customers"].dropna(subset=["customer_id"])
    first = cu.drop_duplicates("customer_id", keep="first")
    assert first.email.is_unique
    later = cu[cu.duplicated("customer_id", keep="first") & ~cu.duplicated(keep="first")]
    assert len(later) == run["result"]["dirty"]["customers.conflicting_id"]
    genuine = first.set_index("customer_id").loc[later.customer_id]
    assert (genuine.email.values != later.email.values).all()
    assert (genuine.full_name.values == later.full_name.values).all()


def test_archetype_profiles(features):
    m = features.groupby("archetype").median(numeric_only=True)
    lo = m.loc["high_value_loyalist"]
    assert lo.recency <= 20 and 25 <= lo.orders <= 60 and 150 <= lo.aov <= 300
    assert lo.discount_share < 0.05 and lo.categories >= 4 and 8 <= lo.sessions_pm <= 20
    ds = m.loc["discount_seeker"]
    assert 5 <= ds.recency <= 60 and 10 <= ds.orders <= 20 and 25 <= ds.aov <= 50
    assert 0.30 <= ds.discount_share <= 0.55 and 2 <= ds.categories <= 4
    ne = m.loc["new_explorer"]
    assert ne.tenure <= 90 and ne.recency <= 20 and 1 <= ne.orders <= 3 and 40 <= ne.aov <= 80
    assert ne.discount_share < 0.05 and ne.sessions_pm > ds.sessions_pm
    la = m.loc["lapsing"]
    assert 250 <= la.recency <= 700 and 5 <= la.orders <= 12 and 60 <= la.aov <= 100
    assert 0.15 <= la.return_rate <= 0.30 and 1 <= la.complaints <= 4 and la.recent_sessions <= 1
    gb = m.loc["occasional_gift_buyer"]
    assert 20 <= gb.recency <= 80 and 2 <= gb.orders <= 6 and 120 <= gb.aov <= 250
    assert gb.discount_share == 0 and gb.categories <= 2 and gb.sessions_pm < ds.sessions_pm


def test_gift_buyers_shop_in_season(run, clean):
    gift = set(run["truth"].customer_id[run["truth"].archetype == "occasional_gift_buyer"])
    tx = clean["tx"]
    orders = tx[tx.customer_id.isin(gift) & (tx.status != "returned")].groupby("order_id").agg(
        ts=("ts", "min"), category=("category", lambda c: set(c.dropna()))
    )
    assert orders.ts.dt.month.isin([11, 12]).mean() >= 0.7
    assert set().union(*orders.category) <= {"toys_games", "books", "beauty"}


def test_complaints_concentrate_in_lapsing(run, clean):
    tk = clean["tk"].merge(run["truth"], on="customer_id")
    complaints = tk[tk.ticket_type == "complaint"].archetype.value_counts(normalize=True)
    assert complaints["lapsing"] >= 0.6


def test_archetypes_are_separable(features):
    x = pd.DataFrame(
        {
            "recency": np.log1p(features.recency),
            "frequency": np.log1p(features.orders),
            "monetary": np.log1p(features.net.clip(lower=0)),
            "discount_share": features.discount_share,
            "return_rate": features.return_rate,
            "sessions": np.log1p(features.sessions_pm),
        }
    )
    assert not x.isna().any().any()
    labels = KMeans(n_clusters=5, n_init=10, random_state=0).fit_predict(StandardScaler().fit_transform(x))
    assert adjusted_rand_score(features.archetype, labels) >= 0.9
