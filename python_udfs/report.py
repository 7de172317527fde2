"""Write the segmentation report: one self-contained HTML file from the marts of a built DuckDB file.

    python -m python_udfs.report target/segments.duckdb target/segment_report.html

The chart library (plotly.js) is inlined once, so the file opens offline and sends no request. Sections
built from tables of later stages (K selection, stability, drivers, rules, drift, movement) appear when
those tables exist in the file; a missing input is said plainly, never invented. Every chart carries the
numbers behind it in a collapsible table, as its text alternative.
"""

from __future__ import annotations

import argparse
import html
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots
from sklearn.metrics import silhouette_samples

from python_udfs.projection import sample_customers
from python_udfs.registry import model_version_in_force
from python_udfs.segmentation import standardize

REQUIRED_TABLES = ("customer_segments", "segment_profiles", "segment_dictionary", "segment_centroids",
                   "segment_scaler", "customer_features")
# Okabe-Ito: distinguishable with the common colour-vision deficiencies; yellow last (weak on white)
SEGMENT_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#555555", "#F0E442"]
VERDICT_COLOURS = {"stable": "#009E73", "doubtful": "#E69F00", "unstable": "#D55E00"}
SILHOUETTE_SAMPLE_SIZE = 3000
NOT_AVAILABLE = "Not available yet"
# a feature clustered as ln(1 + x) says so in its unit (feature_dictionary): its axes are labelled in x's units
LOG1P_UNIT = re.compile(r"^log\(1 \+ (?P<base>.+)\)$")


class ReportError(RuntimeError):
    """The DuckDB file cannot make a report; the message says what to build."""


@dataclass
class Warehouse:
    """The tables of one DuckDB file, read once (read-only, so a running dashboard is not disturbed)."""

    path: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> "Warehouse":
        path = Path(path)
        if not path.exists():
            raise ReportError(f"{path} does not exist: build the project first (bash scripts/demo.sh, or dbt build).")
        warehouse = cls(path)
        with duckdb.connect(str(path), read_only=True) as connection:
            names = {row[0] for row in connection.sql(
                "select table_name from information_schema.tables where table_schema = current_schema()").fetchall()}
            missing = [name for name in REQUIRED_TABLES if name not in names]
            if missing:
                raise ReportError(
                    f"{path} has no {', '.join(missing)}: run `dbt build` (or bash scripts/demo.sh) before the report.")
            # small tables whole; the per-customer marts only as aggregates and as the projection's sample
            wanted = {"segment_profiles", "segment_dictionary", "segment_centroids", "segment_scaler",
                      "feature_dictionary", "segment_projection", "segment_feature_distribution", "segment_k_selection",
                      "segment_feature_screening",
                      "segment_stability", "segment_drivers", "segment_rules", "segment_drift", "segment_transitions"}
            for name in sorted(wanted & names):
                warehouse.tables[name] = connection.sql(f'select * from "{name}"').df().rename(columns=str.lower)
            # show the model version customers are scored with (a pinned one included), not merely the latest fit
            in_force = model_version_in_force(connection)
            if in_force is not None and {"segment_model_scalers", "segment_model_centroids"} <= names:
                for name, registry in (("segment_scaler", "segment_model_scalers"),
                                       ("segment_centroids", "segment_model_centroids")):
                    frame = connection.execute(f'select * from "{registry}" where model_version = ?',
                                               [in_force]).df().rename(columns=str.lower)
                    warehouse.tables[name] = frame.drop(columns="model_version") if name == "segment_scaler" else frame
            warehouse.tables["facts"] = connection.sql(
                "select (select max(as_of_date) from customer_features) as as_of_date, "
                "(select max(scored_at) from customer_segments) as scored_at").df()
            if "int_transactions_cleaned" in names:
                warehouse.tables["order_window"] = connection.sql(
                    "select min(ordered_at) as first_order, max(ordered_at) as last_order "
                    "from int_transactions_cleaned").df()
            sampled = ("where customer_features.customer_id in (select customer_id from segment_projection "
                       "where point_type = 'customer')" if warehouse.has("segment_projection", "point_type") else "")
            warehouse.tables["sampled_customers"] = connection.sql(
                "select customer_features.*, customer_segments.segment_id from customer_features "
                "inner join customer_segments on customer_features.customer_id = customer_segments.customer_id "
                f"{sampled} order by customer_features.customer_id").df().rename(columns=str.lower)
        return warehouse

    def has(self, name: str, *columns: str) -> bool:
        table = self.tables.get(name)
        return table is not None and not table.empty and all(column in table.columns for column in columns)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


# ---------------------------------------------------------------------------------------------- helpers

def esc(value) -> str:
    return html.escape("" if value is None else str(value))


def pct(value, digits: int = 1) -> str:
    return "–" if value is None or pd.isna(value) else f"{100 * float(value):.{digits}f}%"


def number(value, digits: int = 0) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):,.{digits}f}"


def missing_note(what: str, table: str) -> str:
    return (f'<p class="missing"><strong>{NOT_AVAILABLE}:</strong> {esc(what)} '
            f'(this warehouse has no <code>{esc(table)}</code> table yet).</p>')


class Charts:
    """Turns figures into HTML; plotly.js is inlined with the first chart only."""

    def __init__(self) -> None:
        self.count = 0

    def render(self, figure: go.Figure, chart_id: str, summary: str, numbers: pd.DataFrame, top: int = 40) -> str:
        # the chart's title is a heading above it, not drawn by plotly: a legend placed on top of the plot can
        # then never run into it (`top` leaves room for such a legend and for subplot titles)
        title = figure.layout.title.text
        figure.update_layout(title=None, template="plotly_white", font={"family": "Arial, Helvetica, sans-serif", "size": 13},
                             margin={"t": top, "r": 30, "b": 60, "l": 70})
        plot = pio.to_html(figure, full_html=False, include_plotlyjs=self.count == 0, div_id=chart_id,
                           config={"displaylogo": False, "responsive": True})
        self.count += 1
        table = numbers.to_html(index=False, border=0, classes="numbers", na_rep="–", escape=True)
        heading = f'<h3 class="chart-title">{esc(title)}</h3>' if title else ""
        return (f'<figure class="chart" role="group" aria-label="{esc(summary)}">{heading}'
                f'<div class="plot" role="img" aria-label="{esc(summary)}">{plot}</div>'
                f'<figcaption>{esc(summary)}</figcaption>'
                f'<details><summary>Numbers behind this chart</summary>{table}</details></figure>')


def segment_colours(segment_ids) -> dict[int, str]:
    return {int(segment_id): SEGMENT_COLOURS[index % len(SEGMENT_COLOURS)]
            for index, segment_id in enumerate(sorted(int(value) for value in segment_ids))}


def feature_words(warehouse: Warehouse) -> pd.DataFrame:
    """display_name, unit, high_label, low_label per feature (the column name when the seed has none)."""
    if warehouse.has("feature_dictionary", "feature"):
        words = warehouse["feature_dictionary"].set_index("feature")
    else:
        words = pd.DataFrame(columns=["display_name", "unit", "high_label", "low_label"])
    return words


def display_name(words: pd.DataFrame, feature: str) -> str:
    if feature in words.index and pd.notna(words.loc[feature, "display_name"]):
        return str(words.loc[feature, "display_name"])
    return feature


def unit_of(words: pd.DataFrame, feature: str) -> str:
    if feature in words.index and pd.notna(words.loc[feature, "unit"]):
        return str(words.loc[feature, "unit"])
    return "feature units"


def log1p_base_unit(unit) -> str | None:
    """`currency` for a unit written `log(1 + currency)`; None for a feature on its own scale."""
    match = LOG1P_UNIT.match(str(unit or "").strip())
    return match.group("base") if match else None


def plain_name(name: str, unit) -> str:
    """"Monetary (log)" as "Monetary" when its axis is labelled in currency anyway."""
    return re.sub(r"\s*\(log\)$", "", str(name)) if log1p_base_unit(unit) else str(name)


def short_number(value: float) -> str:
    """1, 20, 500, 1k, 20k, 1M: tick labels that stay short."""
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def log1p_axis(unit, low: float, high: float) -> dict:
    """Axis settings for values clustered as ln(1 + x): ticks at round x (0, 1, 2, 5, 10, ...) labelled in x's
    units, title "<unit>, log scale". Values on the axis stay ln(1 + x), so 0 can be shown; {} for other units."""
    base = log1p_base_unit(unit)
    if base is None or not np.isfinite([low, high]).all():
        return {}
    top = float(np.expm1(max(high, 0.0)))
    decades = range(0, max(1, math.ceil(math.log10(top + 1))) + 1)
    steps = (1, 2, 5) if top < 1e3 else (1,)
    values = [0.0] + [step * 10.0 ** decade for decade in decades for step in steps]
    values = [value for value in values if np.log1p(value) <= high + 1e-9 and np.log1p(value) >= low - 1e-9] or [0.0]
    return {"tickmode": "array", "tickvals": [float(np.log1p(value)) for value in values],
            "ticktext": [short_number(value) for value in values], "title_text": f"{base}, log scale"}


def fitted_away(warehouse: Warehouse) -> pd.DataFrame:
    """The segment_features segment_feature_screening left out of the fit (feature, screening_reason, ...)."""
    if not warehouse.has("segment_feature_screening", "feature", "is_fitted"):
        return pd.DataFrame(columns=["feature", "screening_reason", "mode_value", "mode_share"])
    screening = warehouse["segment_feature_screening"]
    return screening[~screening["is_fitted"].astype(bool)].sort_values("requested_position")


# ---------------------------------------------------------------------------------------------- model

@dataclass
class Segments:
    """One row per segment: profile, name and description, in segment id order."""

    table: pd.DataFrame
    colours: dict[int, str]

    @classmethod
    def from_warehouse(cls, warehouse: Warehouse) -> "Segments":
        profiles = warehouse["segment_profiles"].sort_values("segment_id")
        dictionary = warehouse["segment_dictionary"]
        extra = [column for column in ("segment_description", "recommended_action", "kpi", "channel")
                 if column in dictionary.columns]
        table = profiles.merge(dictionary[["segment_id", *extra]], on="segment_id", how="left")
        return cls(table.reset_index(drop=True), segment_colours(table["segment_id"]))

    def name(self, segment_id) -> str:
        match = self.table.loc[self.table["segment_id"] == int(segment_id), "segment_name"]
        return str(match.iloc[0]) if len(match) else f"Segment {segment_id}"

    def label(self, value) -> str:
        """A segment id (or a label such as `new`) as the name a reader knows."""
        try:
            return self.name(int(value))
        except (TypeError, ValueError):
            return str(value)


# ---------------------------------------------------------------------------------------------- sections

def overview_section(warehouse: Warehouse, segments: Segments, charts: Charts) -> str:
    customers = int(segments.table["customer_count"].sum())
    versions = sorted(warehouse["segment_centroids"]["model_version"].unique())
    features = warehouse["segment_scaler"].sort_values("feature_position")["feature"].tolist()
    as_of = warehouse["facts"]["as_of_date"].iloc[0]
    window = NOT_AVAILABLE
    if warehouse.has("order_window", "first_order"):
        first, last = warehouse["order_window"].iloc[0]
        if pd.notna(first):
            window = f"orders from {pd.Timestamp(first):%Y-%m-%d} to {pd.Timestamp(last):%Y-%m-%d}"
    scored_at = warehouse["facts"]["scored_at"].iloc[0]
    facts = [
        ("Customers", f"{customers:,}"),
        ("Segments", f"{len(segments.table)}"),
        ("Model version", ", ".join(versions)),
        ("Features are measured at", f"{pd.Timestamp(as_of):%Y-%m-%d}" if as_of is not None and pd.notna(as_of) else NOT_AVAILABLE),
        ("Data window", window),
        ("Scored at (UTC)", f"{pd.Timestamp(scored_at):%Y-%m-%d %H:%M}" if scored_at is not None and pd.notna(scored_at) else NOT_AVAILABLE),
        ("Clustering features", ", ".join(display_name(feature_words(warehouse), name) for name in features)),
    ]
    left_out = fitted_away(warehouse)
    if not left_out.empty:  # segment_feature_screening: constant and near-constant features are not clustered
        words = feature_words(warehouse)
        said = []
        for reason, text in (("constant", "the same for every customer"), ("all_null", "no value for anyone")):
            names = [display_name(words, feature) for feature in left_out.loc[left_out["screening_reason"] == reason, "feature"]]
            if names:
                said.append(f"{', '.join(names)}: {text}")
        said += [f"{display_name(words, row.feature)}: {pct(row.mode_share)} of customers have {number(row.mode_value, 2)}"
                 for row in left_out[left_out["screening_reason"] == "near_constant"].itertuples()]
        facts.append(("Left out of the fit", "; ".join(said)))
    fact_list = "".join(f"<div><dt>{esc(key)}</dt><dd>{esc(value)}</dd></div>" for key, value in facts)

    table = segments.table
    names = table["segment_name"].tolist()
    figure = go.Figure()
    figure.add_bar(y=names, x=100 * table["customer_share"], orientation="h", name="Share of customers",
                   marker_color="#56B4E9", text=[pct(value) for value in table["customer_share"]], textposition="outside")
    figure.add_bar(y=names, x=100 * table["revenue_share"], orientation="h", name="Share of revenue",
                   marker_color="#0072B2", text=[pct(value) for value in table["revenue_share"]], textposition="outside")
    # the legend sits above the bars, clear of the axis title below them
    figure.update_layout(title="Size and revenue of each segment", barmode="group", height=160 + 70 * len(table),
                         legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
                         yaxis={"autorange": "reversed"})
    figure.update_xaxes(title_text="Share of all customers / of all revenue (%)", ticksuffix="%",
                        range=[0, 100 * max(table["customer_share"].max(), table["revenue_share"].max()) * 1.18])
    numbers = pd.DataFrame({
        "segment": names,
        "customers": table["customer_count"].map(lambda value: f"{int(value):,}"),
        "share of customers": table["customer_share"].map(pct),
        "revenue": table["revenue"].map(lambda value: number(value)),
        "share of revenue": table["revenue_share"].map(pct),
    })
    chart = charts.render(figure, "chart-overview", "Bar chart: share of customers and share of revenue per segment.",
                          numbers)
    return f'<section id="overview"><h2>Overview</h2><dl class="facts">{fact_list}</dl>{chart}</section>'


def drivers_by_segment(warehouse: Warehouse, top: int = 3) -> dict[int, list[tuple[str, str, str]]]:
    """The features that set each segment apart, as (name, words, numbers), from segment_drivers or else the centroids."""
    words = feature_words(warehouse)
    if warehouse.has("segment_drivers", "segment_id", "feature", "effect_size"):
        drivers = warehouse["segment_drivers"].copy()
        if "effect_rank" not in drivers.columns:
            drivers["effect_rank"] = (-drivers["effect_size"].abs()).groupby(drivers["segment_id"]).rank(method="first")
    else:
        centroids = warehouse["segment_centroids"]
        scaler = warehouse["segment_scaler"][["feature", "mean"]].rename(columns={"mean": "population_mean"})
        drivers = centroids.merge(scaler, on="feature").rename(columns={"centroid_scaled": "effect_size"})
        drivers["effect_rank"] = (-drivers["effect_size"].abs()).groupby(drivers["segment_id"]).rank(method="first")
    result: dict[int, list[str]] = {}
    for segment_id, group in drivers.sort_values(["segment_id", "effect_rank"]).groupby("segment_id"):
        sentences = []
        for row in group.head(top).itertuples():
            effect = float(row.effect_size)
            label_column = "high_label" if effect >= 0 else "low_label"
            label = words.loc[row.feature, label_column] if row.feature in words.index else None
            detail = f"{effect:+.1f} SD"
            if hasattr(row, "centroid_value") and hasattr(row, "population_mean") and pd.notna(row.centroid_value):
                unit = unit_of(words, row.feature)
                base = log1p_base_unit(unit)
                if base:  # clustered as ln(1 + x): the centre and the average back in x (geometric means)
                    detail += (f" · typically {number(np.expm1(row.centroid_value), 0 if row.centroid_value > 3 else 1)} "
                               f"vs {number(np.expm1(row.population_mean), 0 if row.population_mean > 3 else 1)} "
                               f"for all customers · {base}")
                else:
                    detail += (f" · {number(row.centroid_value, 2)} vs average {number(row.population_mean, 2)} · "
                               f"{unit}")
            phrase = f"– {label}" if label is not None and pd.notna(label) else (
                "– above average" if effect >= 0 else "– below average")
            sentences.append((plain_name(display_name(words, row.feature), unit_of(words, row.feature)), phrase, detail))
        result[int(segment_id)] = sentences
    return result


def rules_by_segment(warehouse: Warehouse) -> dict[int, list[str]]:
    if not warehouse.has("segment_rules", "segment_id", "rule_text"):
        return {}
    rules: dict[int, list[str]] = {}
    table = warehouse["segment_rules"]
    for row in table.sort_values("segment_id", kind="stable").itertuples():
        detail = []
        if "coverage" in table.columns and pd.notna(row.coverage):
            detail.append(f"covers {pct(row.coverage)} of the segment")
        if "precision" in table.columns and pd.notna(row.precision):
            detail.append(f"{pct(row.precision)} of matches are in it")
        text = f"<code>{esc(row.rule_text)}</code>"
        if detail:
            text += f" <span class=\"muted\">({esc('; '.join(detail))})</span>"
        rules.setdefault(int(row.segment_id), []).append(text)
    return rules


def cards_section(warehouse: Warehouse, segments: Segments) -> str:
    has_drivers = warehouse.has("segment_drivers", "segment_id", "feature", "effect_size")
    drivers = drivers_by_segment(warehouse)
    rules = rules_by_segment(warehouse)
    dictionary_columns = set(warehouse["segment_dictionary"].columns)
    absent = []
    if not rules:
        absent.append("readable rules (no <code>segment_rules</code> table)")
    for column, what in (("recommended_action", "recommended actions"), ("channel", "channels"), ("kpi", "KPIs")):
        if column not in dictionary_columns:
            absent.append(f"{what} (no <code>{column}</code> column in <code>segment_dictionary</code>)")
    cards = []
    for row in segments.table.itertuples():
        segment_id = int(row.segment_id)
        colour = segments.colours[segment_id]
        description = getattr(row, "segment_description", None)
        description_html = (esc(description) if description is not None and pd.notna(description) else
                            f'<span class="missing">{NOT_AVAILABLE}: no description for this model version '
                            '(seeds/segment_names.csv)</span>')

        def fact(label: str, value) -> str:
            shown = value if value else f'<span class="missing">{NOT_AVAILABLE.lower()}</span>'
            return f"<dt>{esc(label)}</dt><dd>{shown}</dd>"

        def optional(column: str) -> str:
            value = getattr(row, column, None)
            return esc(value) if value is not None and pd.notna(value) else ""

        driver_html = "".join(f"<li><strong>{esc(name)}</strong> {esc(words)} <span class=\"muted\">{esc(detail)}</span></li>"
                              for name, words, detail in drivers.get(segment_id, []))
        typical = (f"{number(row.avg_recency_days)} days since last order · {number(row.avg_frequency, 1)} orders · "
                   f"{number(row.avg_monetary)} net revenue; RFM: mostly “{esc(row.top_rfm_label)}” "
                   f"({pct(row.top_rfm_label_share, 0)})")
        cards.append(f"""
<article class="segment-card" data-segment-id="{segment_id}" style="border-top-color: {colour}">
  <h3><span class="swatch" style="background: {colour}"></span>{esc(row.segment_name)}</h3>
  <p class="description">{description_html}</p>
  <div class="stats">
    <div><span class="big">{int(row.customer_count):,}</span><span class="muted">customers · {pct(row.customer_share)}</span></div>
    <div><span class="big">{pct(row.revenue_share)}</span><span class="muted">of revenue</span></div>
  </div>
  <p class="muted">Average customer: {typical}</p>
  <h4>What sets it apart</h4><ul class="drivers">{driver_html}</ul>
  <dl class="card-facts">{fact("Rule", "<br>".join(rules.get(segment_id, [])))}{fact("Action", optional("recommended_action"))}{fact("Channel", optional("channel"))}{fact("KPI", optional("kpi"))}</dl>
</article>""")
    source = ("segment_drivers" if has_drivers else
              "the segment centres: standardized distance from the average customer")
    note = (f'<p class="muted"><span class="missing">{NOT_AVAILABLE}</span>: {"; ".join(absent)}.</p>' if absent else "")
    return (f'<section id="segments"><h2>The segments</h2><p class="muted">Drivers from {esc(source)} '
            '(SD = standard deviations of the feature over all customers).</p>'
            f'<div class="cards">{"".join(cards)}</div>{note}</section>')


K_PANELS = (  # metric, panel title, the criterion that votes from it
    ("inertia", "Inertia (within-segment sum of squares; lower = tighter)", "inertia_elbow"),
    ("silhouette", "Mean silhouette (−1 to 1; higher = better separated)", "silhouette"),
    ("gap", "Gap statistic (higher = more structure than random)", "gap"),
    ("davies_bouldin", "Davies–Bouldin index (lower = better)", "davies_bouldin"),
    ("calinski_harabasz", "Calinski–Harabasz index (higher = better)", "calinski_harabasz"),
    ("stability_adjusted_rand", "Bootstrap stability (adjusted Rand, 0–1; higher = more stable)", "stability"),
)
CRITERION_LABELS = {"silhouette": "Silhouette", "davies_bouldin": "Davies–Bouldin", "calinski_harabasz": "Calinski–Harabasz",
                    "gap": "Gap statistic", "inertia_elbow": "Inertia elbow", "stability": "Bootstrap stability"}


def k_selection_section(warehouse: Warehouse, charts: Charts) -> str:
    title = '<section id="k-selection"><h2>How many segments?</h2>'
    if not warehouse.has("segment_k_selection", "k", "metric", "value"):
        return title + missing_note("the K-selection chart (inertia, silhouette, gap per K)", "segment_k_selection") + "</section>"
    table = warehouse["segment_k_selection"].copy()
    table["metric"] = table["metric"].str.lower()
    wide = table.pivot_table(index="k", columns="metric", values="value", aggfunc="first").sort_index()
    chosen = sorted(table.loc[table["chosen"].astype(bool), "k"].unique()) if "chosen" in table.columns else []
    chosen_k = int(chosen[0]) if chosen else None
    reasons = table.loc[table["chosen"].astype(bool), "reason"].dropna().unique() if "reason" in table.columns and chosen else []
    # the elbow segment_k_selection stored (kneedle, python_udfs.k_selection): never recomputed here
    elbow = (int(wide.index[wide["inertia_elbow"] == 1][0]) if "inertia_elbow" in wide.columns
             and (wide["inertia_elbow"] == 1).any() else None)
    votes = {}  # criterion -> (the K it votes for, None when it abstains; why)
    if "vote_reason" in table.columns:
        for row in table[table["metric"].str.startswith("vote_")].itertuples():
            votes[row.metric.removeprefix("vote_")] = (int(row.k) if row.value == 1 else None, row.vote_reason)
    panels = [panel for panel in K_PANELS if panel[0] in wide.columns]
    if not panels:
        return title + missing_note("a metric this report can draw (inertia, silhouette, gap, …)", "segment_k_selection") + "</section>"
    columns = 2 if len(panels) > 1 else 1
    rows = math.ceil(len(panels) / columns)
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=[label for _, label, _ in panels],
                           horizontal_spacing=0.1, vertical_spacing=0.5 / max(rows, 1))
    for index, (metric, label, criterion) in enumerate(panels):
        row, column = index // columns + 1, index % columns + 1
        series = wide[metric].dropna()
        ks, values = series.index.to_numpy(dtype=float), series.to_numpy(dtype=float)
        error = None
        if metric == "gap" and "gap_se" in wide.columns:
            error = {"type": "data", "array": wide.loc[series.index, "gap_se"].to_numpy(dtype=float), "visible": True}
        figure.add_scatter(x=ks, y=values, mode="lines+markers", name=metric, error_y=error, showlegend=False,
                           line={"color": "#0072B2"}, row=row, col=column)
        marked = elbow if metric == "inertia" else votes.get(criterion, (None, None))[0]
        if marked is not None and marked in series.index:
            text = f"elbow K={marked}" if metric == "inertia" else f"vote K={marked}"
            if metric == "inertia" and votes.get(criterion, (None, None))[0] is None and votes:
                text += " (no vote)"
            # the label goes where the curve is not: below it when the curve rises after the mark
            later = series[series.index > marked]
            side = "left" if later.empty else "right"
            rises = not later.empty and later.iloc[0] > series.loc[marked]
            figure.add_scatter(x=[marked], y=[series.loc[marked]], mode="markers+text", showlegend=False,
                               marker={"size": 14, "color": "#D55E00", "symbol": "diamond"}, text=[text],
                               textposition=f"{'bottom' if rises else 'top'} {side}", cliponaxis=False,
                               row=row, col=column)
        if chosen_k is not None:
            figure.add_vline(x=chosen_k, line_dash="dash", line_color="#009E73", row=row, col=column)
        figure.update_xaxes(title_text="Number of segments K", dtick=1, row=row, col=column,
                            range=[ks.min() - 0.5, ks.max() + 0.8])
        # headroom above and below the curve, so a vote's label never reaches the panel title
        spread = float(values.max() - values.min()) or abs(float(values.max())) or 1.0
        figure.update_yaxes(title_text=metric.replace("_", " "), row=row, col=column,
                            range=[float(values.min()) - 0.2 * spread, float(values.max()) + 0.25 * spread])
    figure.update_layout(title=(f"Quality of each K (dashed green line: chosen K = {chosen_k}; orange diamond: the K "
                                "each criterion votes for)") if chosen_k else "Quality of each K",
                         height=340 * rows + 100)
    numbers = wide[[column for column in wide.columns if not column.startswith("vote_")]].reset_index().round(4)
    numbers.insert(1, "chosen", numbers["k"].map(lambda k: "yes" if k == chosen_k else ""))
    chart = charts.render(figure, "chart-k-selection",
                          f"Line charts of the K-selection metrics for K = {int(wide.index.min())} to "
                          f"{int(wide.index.max())}; chosen K = {chosen_k}; elbow of the inertia curve at K = {elbow}.",
                          numbers, top=50)
    reason = "".join(f"<p><strong>Why K = {chosen_k}:</strong> {esc(text)}</p>" for text in reasons)
    vote_rows = "".join(
        f"<tr><td>{esc(CRITERION_LABELS.get(criterion, criterion))}</td>"
        f"<td>{'abstains' if votes[criterion][0] is None else votes[criterion][0]}</td>"
        f"<td>{esc(votes[criterion][1])}</td></tr>"
        for criterion in CRITERION_LABELS if criterion in votes)
    vote_table = (f'<table class="numbers votes"><thead><tr><th>criterion</th><th>votes for K</th><th>why</th></tr>'
                  f"</thead><tbody>{vote_rows}</tbody></table>" if vote_rows else "")
    return f"{title}{reason}{vote_table}{chart}</section>"


def silhouette_section(warehouse: Warehouse, segments: Segments, charts: Charts) -> str:
    """Mean silhouette per segment, computed here with scikit-learn on the projection's customer sample
    (without segment_projection: a hash sample of SILHOUETTE_SAMPLE_SIZE customers)."""
    sample = warehouse["sampled_customers"]
    if not warehouse.has("segment_projection", "point_type"):
        chosen = set(sample_customers(sample["customer_id"], SILHOUETTE_SAMPLE_SIZE, 42))
        sample = sample[sample["customer_id"].astype(str).isin(chosen)]
    labels = sample["segment_id"].to_numpy()
    title = '<section id="silhouette"><h2>How well separated is each segment?</h2>'
    if len(np.unique(labels)) < 2 or len(sample) < 3:
        return title + '<p class="missing">Too few sampled customers to compute silhouettes.</p></section>'
    values = silhouette_samples(standardize(sample, warehouse["segment_scaler"]), labels)
    per_segment = (pd.DataFrame({"segment_id": labels, "silhouette": values}).groupby("segment_id")
                   .agg(customers_in_sample=("silhouette", "size"), mean_silhouette=("silhouette", "mean"),
                        share_negative=("silhouette", lambda column: float((column < 0).mean())))
                   .reset_index())
    per_segment.insert(1, "segment", per_segment["segment_id"].map(segments.name))
    overall = float(values.mean())
    figure = go.Figure(go.Bar(
        y=per_segment["segment"], x=per_segment["mean_silhouette"], orientation="h",
        marker_color=[segments.colours[int(segment_id)] for segment_id in per_segment["segment_id"]],
        text=[f"{value:.2f}" for value in per_segment["mean_silhouette"]], textposition="inside",
        insidetextanchor="end"))  # plotly picks a text colour that contrasts with each bar
    # the line runs behind the bars and their values (inside them), its label above the plot
    figure.add_vline(x=overall, line_dash="dash", line_color="#333333", layer="below",
                     annotation_text=f"all customers: {overall:.2f}", annotation_position="top")
    figure.update_layout(title="Mean silhouette per segment", height=140 + 60 * len(per_segment),
                         yaxis={"autorange": "reversed"})
    figure.update_xaxes(title_text="Mean silhouette (−1 to 1; higher = customers closer to their own segment than to the next)",
                        range=[min(0, float(per_segment["mean_silhouette"].min()) * 1.2), 1])
    numbers = per_segment.assign(mean_silhouette=per_segment["mean_silhouette"].round(3),
                                 share_negative=per_segment["share_negative"].map(pct))
    chart = charts.render(figure, "chart-silhouette",
                          f"Bar chart of the mean silhouette per segment, from {len(sample):,} sampled customers; "
                          f"all customers: {overall:.2f}.", numbers)
    return f"{title}{chart}</section>"


def projection_section(warehouse: Warehouse, segments: Segments, charts: Charts) -> str:
    title = '<section id="projection"><h2>The segments on a map</h2>'
    if not warehouse.has("segment_projection", "pc1", "pc2"):
        return title + missing_note("the 2-D projection", "segment_projection") + "</section>"
    points = warehouse["segment_projection"]
    customers = points[points["point_type"] == "customer"]
    centroids = points[points["point_type"] == "centroid"].sort_values("segment_id")
    first = points.iloc[0]
    figure = go.Figure()
    for segment_id, group in customers.groupby("segment_id"):
        figure.add_scatter(x=group["pc1"], y=group["pc2"], mode="markers", name=segments.name(segment_id),
                           marker={"size": 5, "opacity": 0.45, "color": segments.colours[int(segment_id)]},
                           hovertext=group["customer_id"], legendgroup=str(segment_id))
    # centres in their segment's colour, named in the legend and on hover: text labels beside them overlap
    # as soon as two centres are close
    figure.add_scatter(x=centroids["pc1"], y=centroids["pc2"], mode="markers", name="segment centres (×)",
                       hovertext=[segments.name(segment_id) for segment_id in centroids["segment_id"]],
                       marker={"size": 18, "symbol": "x", "color": [segments.colours[int(segment_id)] for segment_id in
                                                                     centroids["segment_id"]],
                               "line": {"width": 2, "color": "#111111"}})
    figure.update_layout(title=f"{len(customers):,} sampled customers and every segment centre (PCA)", height=600,
                         legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"})
    # short axis titles (a long one is cut at the figure's edge); what each axis is made of is said above the chart
    figure.update_xaxes(title_text=f"PC1: {pct(first['pc1_variance_share'], 0)} of variance (standard deviations)")
    figure.update_yaxes(title_text=f"PC2: {pct(first['pc2_variance_share'], 0)} of variance (SD)")
    numbers = centroids[["segment_id", "segment_name", "pc1", "pc2"]].round(3).copy()
    numbers["sampled customers"] = numbers["segment_id"].map(customers["segment_id"].value_counts()).fillna(0).astype(int)
    summary = (f"Scatter plot of {len(customers):,} sampled customers on the first two principal components, "
               f"coloured by segment, with the segment centres marked. PC1 is {first.get('pc1_loadings', '')}; "
               f"PC2 is {first.get('pc2_loadings', '')}.")
    axes = (f'<p class="muted">PC1 is {esc(first.get("pc1_loadings", ""))}; '
            f'PC2 is {esc(first.get("pc2_loadings", ""))} (feature weights of each axis).</p>')
    return title + axes + charts.render(figure, "chart-projection", summary, numbers, top=60) + "</section>"


def heatmap_section(warehouse: Warehouse, segments: Segments, charts: Charts) -> str:
    words = feature_words(warehouse)
    centroids = warehouse["segment_centroids"].sort_values(["segment_id", "feature_position"])
    matrix = centroids.pivot(index="segment_id", columns="feature_position", values="centroid_scaled").sort_index()
    features = centroids.drop_duplicates("feature_position").sort_values("feature_position")["feature"].tolist()
    labels = [display_name(words, feature) for feature in features]
    names = [segments.name(segment_id) for segment_id in matrix.index]
    limit = max(1.0, float(np.abs(matrix.to_numpy()).max()))
    figure = go.Figure(go.Heatmap(
        z=matrix.to_numpy(), x=labels, y=names, zmid=0, zmin=-limit, zmax=limit, colorscale="RdBu_r",
        texttemplate="%{z:+.1f}", textfont={"size": 13},
        colorbar={"title": {"text": "SD from<br>average"}, "len": 1.0, "thickness": 14},
        hovertemplate="%{y}<br>%{x}: %{z:+.2f} SD<extra></extra>"))
    figure.update_layout(title="Segment centres: standardized difference from the average customer",
                         height=max(380, 160 + 60 * len(names)), yaxis={"autorange": "reversed"})
    figure.update_xaxes(title_text="Feature (as clustered)", tickangle=-25)
    figure.update_yaxes(title_text="Segment")
    numbers = matrix.round(2).set_axis(labels, axis=1)
    numbers.insert(0, "segment", names)
    summary = ("Heatmap of each segment centre in standard deviations from the average customer, per feature; "
               "red = above average, blue = below.")
    return ('<section id="heatmap"><h2>What each segment looks like</h2>'
            + charts.render(figure, "chart-heatmap", summary, numbers) + "</section>")


def distribution_section(warehouse: Warehouse, segments: Segments, charts: Charts) -> str:
    title = '<section id="distributions"><h2>Feature distributions per segment</h2>'
    if not warehouse.has("segment_feature_distribution", "p50"):
        return title + missing_note("the distributions", "segment_feature_distribution") + "</section>"
    table = warehouse["segment_feature_distribution"]
    # a feature the screening left out of the fit is (nearly) one value: a flat panel says nothing
    table = table[~table["feature"].isin(fitted_away(warehouse)["feature"])]
    if table.empty:
        return title + '<p class="missing">Every described feature was left out of the fit.</p></section>'
    quantiles = table[table["bin_index"] == 0].sort_values(["feature_position", "segment_id"])
    features = quantiles.drop_duplicates("feature")[["feature", "feature_display_name", "feature_unit"]].copy()
    features["feature_display_name"] = [plain_name(name, unit) for name, unit in
                                        zip(features["feature_display_name"], features["feature_unit"])]
    columns = 2
    rows = math.ceil(len(features) / columns)
    titles = [str(row.feature_display_name) for row in features.itertuples()]
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=titles, shared_yaxes=True,
                           horizontal_spacing=0.06, vertical_spacing=0.5 / max(rows, 1))
    for index, feature in enumerate(features["feature"]):
        row, column = index // columns + 1, index % columns + 1
        for item in quantiles[quantiles["feature"] == feature].itertuples():
            figure.add_trace(go.Box(
                y=[segments.name(item.segment_id)], q1=[item.p25], median=[item.p50], q3=[item.p75],
                lowerfence=[item.p5], upperfence=[item.p95], orientation="h", name=segments.name(item.segment_id),
                marker_color=segments.colours[int(item.segment_id)], legendgroup=str(item.segment_id),
                showlegend=index == 0, boxpoints=False), row=row, col=column)
        unit = features.iloc[index]["feature_unit"] or "feature units"
        shown = quantiles[quantiles["feature"] == feature]
        figure.update_xaxes(row=row, col=column, **{"title_text": unit,
                            **log1p_axis(unit, float(shown["p5"].min()), float(shown["p95"].max()))})
        figure.update_yaxes(autorange="reversed", row=row, col=column)
    figure.update_layout(title="Boxes: middle half of each segment (25th–75th percentile), line: median, "
                               "whiskers: 5th–95th percentile",
                         height=90 + 250 * rows, showlegend=False)
    numbers = quantiles[["segment_name", "feature_display_name", "feature_unit", "customers", "p5", "p25", "p50",
                         "p75", "p95"]].round(3).rename(columns={"segment_name": "segment",
                                                                 "feature_display_name": "feature",
                                                                 "feature_unit": "unit"})
    summary = (f"Box plots of {len(features)} features for every segment (5th, 25th, 50th, 75th and 95th "
               "percentiles).")
    boxes = charts.render(figure, "chart-distributions", summary, numbers, top=40)
    return title + boxes + histogram_chart(table, features, segments, charts) + "</section>"


def histogram_chart(table: pd.DataFrame, features: pd.DataFrame, segments: Segments, charts: Charts) -> str:
    """Share of each segment per fixed bin, one panel per feature: shows shapes the boxes hide (two humps)."""
    columns = 2
    rows = math.ceil(len(features) / columns)
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=[str(name) for name in features["feature_display_name"]],
                           horizontal_spacing=0.08, vertical_spacing=0.5 / max(rows, 1))
    for index, feature in enumerate(features["feature"]):
        row, column = index // columns + 1, index % columns + 1
        bins = table[table["feature"] == feature].sort_values(["segment_id", "bin_index"])
        for segment_id, group in bins.groupby("segment_id"):
            figure.add_scatter(x=(group["bin_lower"] + group["bin_upper"]) / 2, y=100 * group["bin_share"],
                               mode="lines", line={"shape": "hvh", "width": 2, "color": segments.colours[int(segment_id)]},
                               name=segments.name(segment_id), legendgroup=str(segment_id), showlegend=index == 0,
                               row=row, col=column)
        unit = features.iloc[index]["feature_unit"] or "feature units"
        figure.update_xaxes(row=row, col=column, **{"title_text": unit,
                            **log1p_axis(unit, float(bins["bin_lower"].min()), float(bins["bin_upper"].max()))})
        figure.update_yaxes(title_text="% of segment", row=row, col=column)
    height, top = 160 + 250 * rows, 70
    # the legend 30 px above the plot area, clear of the first row's panel titles (it grows upwards)
    figure.update_layout(title="Histograms: share of each segment's customers per bin (same bins for every segment)",
                         height=height, legend={"orientation": "h", "x": 0, "y": 1 + 30 / (height - top - 60),
                                                "yanchor": "bottom"})
    numbers = table.sort_values(["feature_position", "segment_id", "bin_index"])[
        ["feature_display_name", "segment_name", "bin_lower", "bin_upper", "bin_customers", "bin_share"]].round(3)
    numbers = numbers.rename(columns={"feature_display_name": "feature", "segment_name": "segment"})
    summary = "Step-line histograms of every feature, one line per segment, in shares of the segment's customers."
    return charts.render(figure, "chart-histograms", summary, numbers, top=top)


def stability_section(warehouse: Warehouse, segments: Segments, charts: Charts) -> str | None:
    if not warehouse.has("segment_stability", "segment_id", "mean_jaccard"):
        return None
    table = warehouse["segment_stability"].sort_values("segment_id").copy()
    # segment_stability describes the latest fit; the report describes the version customers are scored with
    scoring = (set(warehouse["segment_centroids"]["model_version"].astype(str))
               if warehouse.has("segment_centroids", "model_version") else set())
    fitted = set(table["model_version"].astype(str)) if "model_version" in table.columns else set()
    if scoring and fitted and fitted != scoring:
        return ('<section id="stability"><h2>Stability</h2><p class="missing">'
                f"segment_stability describes the latest fit {esc(', '.join(sorted(fitted)))}, which does not score "
                f"the customers (the publish gate kept {esc(', '.join(sorted(scoring)))}); its verdicts are in "
                "segment_models.gate_reason.</p></section>")
    table["segment"] = table["segment_id"].map(segments.label)
    verdicts = table["verdict"].astype(str) if "verdict" in table.columns else pd.Series([""] * len(table))
    figure = go.Figure(go.Bar(
        y=table["segment"], x=table["mean_jaccard"], orientation="h",
        marker_color=[VERDICT_COLOURS.get(verdict, "#555555") for verdict in verdicts],
        text=[f"{value:.2f} {verdict}" for value, verdict in zip(table["mean_jaccard"], verdicts)],
        textposition="outside"))
    # the lines run behind the bars; their labels sit above the plot, each on the outer side of its line
    for threshold, label, anchor in ((0.6, "doubtful below 0.60", "right"), (0.75, "stable from 0.75", "left")):
        figure.add_vline(x=threshold, line_dash="dot", line_color="#333333", layer="below")
        figure.add_annotation(x=threshold, y=1, yref="paper", yanchor="bottom", xanchor=anchor, text=label,
                              showarrow=False)
    figure.update_layout(title="Does each segment come back when the data is resampled?",
                         height=150 + 60 * len(table), yaxis={"autorange": "reversed"})
    figure.update_xaxes(title_text="Mean Jaccard similarity over bootstrap refits (0–1; higher = more stable)",
                        range=[0, 1.15])
    numbers = table[[column for column in ("segment_id", "segment", "mean_jaccard", "verdict") if
                     column in table.columns]].round(3)
    return ('<section id="stability"><h2>Stability</h2>'
            + charts.render(figure, "chart-stability",
                            "Bar chart of the mean bootstrap Jaccard similarity per segment with its verdict.", numbers)
            + "</section>")


def drift_section(warehouse: Warehouse, charts: Charts) -> str | None:
    if not warehouse.has("segment_drift", "feature", "psi"):
        return None
    words = feature_words(warehouse)
    table = warehouse["segment_drift"].dropna(subset=["feature", "psi"])
    if table.empty:
        return None
    # one bar per feature: the largest PSI the table reports for it
    psi = table.groupby("feature", sort=True)["psi"].max().reset_index()
    psi["feature name"] = psi["feature"].map(lambda feature: display_name(words, feature))
    colours = ["#D55E00" if value > 0.25 else "#E69F00" if value > 0.1 else "#009E73" for value in psi["psi"]]
    figure = go.Figure(go.Bar(x=psi["feature name"], y=psi["psi"], marker_color=colours,
                              text=[f"{value:.3f}" for value in psi["psi"]], textposition="outside"))
    figure.add_hline(y=0.1, line_dash="dot", line_color="#333333", annotation_text="0.10: watch")
    figure.add_hline(y=0.25, line_dash="dash", line_color="#333333", annotation_text="0.25: retrain")
    figure.update_layout(title="Has the data moved since training? (population stability index per feature)",
                         height=420)
    figure.update_xaxes(title_text="Feature", tickangle=-25)
    figure.update_yaxes(title_text="PSI (unitless; 0 = unchanged)", range=[0, max(0.3, float(psi["psi"].max()) * 1.2)])
    return ('<section id="drift"><h2>Drift</h2>'
            + charts.render(figure, "chart-drift", "Bar chart of the population stability index per feature, "
                            "with the 0.10 and 0.25 thresholds.", psi[["feature name", "feature", "psi"]].round(4))
            + "</section>")


def movement_section(warehouse: Warehouse, segments: Segments, charts: Charts) -> str | None:
    if not warehouse.has("segment_transitions", "from_segment", "to_segment", "customers"):
        return None
    table = (warehouse["segment_transitions"].groupby(["from_segment", "to_segment"], dropna=False)["customers"]
             .sum().reset_index())
    table = table[table["customers"] > 0]
    if table.empty:
        return None
    table["from"] = table["from_segment"].map(segments.label)
    table["to"] = table["to_segment"].map(segments.label)
    sources = list(dict.fromkeys(table["from"]))
    targets = list(dict.fromkeys(table["to"]))
    labels = [f"{name} (before)" for name in sources] + [f"{name} (now)" for name in targets]

    def colour(name: str) -> str:
        for segment_id, colour_code in segments.colours.items():
            if segments.name(segment_id) == name:
                return colour_code
        return "#999999"

    figure = go.Figure(go.Sankey(
        node={"label": labels, "pad": 18, "thickness": 16,
              "color": [colour(name) for name in sources] + [colour(name) for name in targets]},
        link={"source": [sources.index(name) for name in table["from"]],
              "target": [len(sources) + targets.index(name) for name in table["to"]],
              "value": table["customers"].astype(float).tolist(),
              "color": "rgba(120, 120, 120, 0.35)"}))
    figure.update_layout(title="Where customers moved between two scoring runs (width = customers)", height=520)
    numbers = table[["from", "to", "customers"]]
    return ('<section id="movement"><h2>Segment movement</h2>'
            + charts.render(figure, "chart-movement", "Sankey diagram of customers moving from each segment "
                            "(left, before) to each segment (right, now).", numbers)
            + "</section>")


STYLE = """
:root { color-scheme: light; }
body { font-family: Arial, Helvetica, sans-serif; color: #1a1a1a; background: #f6f7f9; margin: 0; line-height: 1.45; }
header, main { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 22px; border-bottom: 2px solid #d7dbe0; padding-bottom: 6px; margin-top: 36px; }
h3 { font-size: 18px; margin: 0 0 6px; display: flex; align-items: center; gap: 8px; }
h4 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: #444; margin: 14px 0 4px; }
nav a { margin-right: 14px; color: #0a5a8a; }
section { background: #fff; border-radius: 8px; padding: 4px 20px 16px; margin: 18px 0; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 10px 24px; }
.facts dt { font-size: 12px; text-transform: uppercase; color: #555; } .facts dd { margin: 0; font-weight: bold; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 16px; }
.segment-card { border: 1px solid #d7dbe0; border-top: 8px solid; border-radius: 8px; padding: 14px 16px; background: #fff; }
.segment-card ul { margin: 0; padding-left: 18px; } .drivers li { margin-bottom: 3px; }
.card-facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 12px 0 0; font-size: 14px; }
.card-facts dt { font-weight: bold; color: #444; } .card-facts dd { margin: 0; }
.swatch { width: 14px; height: 14px; border-radius: 3px; display: inline-block; flex: none; }
.stats { display: flex; gap: 28px; margin: 8px 0; } .stats div { display: flex; flex-direction: column; }
.big { font-size: 24px; font-weight: bold; }
.muted { color: #555; font-size: 13px; }
.missing { color: #6b4200; background: #fff3d6; padding: 1px 5px; border-radius: 4px; }
code { background: #eef1f4; padding: 1px 4px; border-radius: 3px; font-size: 13px; }
figure.chart { margin: 8px 0 0; } figcaption { font-size: 13px; color: #555; margin: 4px 0; }
h3.chart-title { font-size: 16px; font-weight: normal; color: #2a3f5f; margin: 14px 0 0 8px; }
details { margin: 6px 0 4px; } summary { cursor: pointer; color: #0a5a8a; }
table.numbers { border-collapse: collapse; font-size: 13px; margin-top: 6px; }
table.numbers th, table.numbers td { border-bottom: 1px solid #e3e6ea; padding: 3px 10px; text-align: right; }
table.numbers th { background: #f0f2f5; }
table.votes td:last-child, table.votes th:last-child { text-align: left; }
footer { max-width: 1180px; margin: 0 auto; padding: 12px 24px 32px; color: #555; font-size: 13px; }
"""


def build_report(database: str | Path, output: str | Path) -> Path:
    """Read the DuckDB file, write the HTML report, return its path."""
    warehouse = Warehouse.load(database)
    segments = Segments.from_warehouse(warehouse)
    charts = Charts()
    sections = [
        overview_section(warehouse, segments, charts),
        cards_section(warehouse, segments),
        k_selection_section(warehouse, charts),
        silhouette_section(warehouse, segments, charts),
        projection_section(warehouse, segments, charts),
        heatmap_section(warehouse, segments, charts),
        distribution_section(warehouse, segments, charts),
        stability_section(warehouse, segments, charts),
        drift_section(warehouse, charts),
        movement_section(warehouse, segments, charts),
    ]
    sections = [section for section in sections if section]
    titles = {"overview": "Overview", "segments": "Segments", "k-selection": "K selection",
              "silhouette": "Silhouette", "projection": "Map", "heatmap": "Centres", "distributions": "Distributions",
              "stability": "Stability", "drift": "Drift", "movement": "Movement"}
    links = " ".join(f'<a href="#{anchor}">{label}</a>' for anchor, label in titles.items()
                     if any(f'<section id="{anchor}"' in section for section in sections))
    version = ", ".join(sorted(warehouse["segment_centroids"]["model_version"].unique()))
    document = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Customer segments report – model {esc(version)}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>Customer segments</h1>
<p class="muted">Model {esc(version)} · built from {esc(Path(database).name)} · every chart has its numbers in a table below it</p>
<nav aria-label="Sections">{links}</nav>
</header>
<main>
{"".join(sections)}
</main>
<footer>Written by <code>python -m python_udfs.report</code> from the dbt-segments marts. Charts: plotly.js, inlined.</footer>
</body>
</html>
"""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(document, encoding="utf-8")
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m python_udfs.report", description=__doc__.splitlines()[0])
    parser.add_argument("database", nargs="?", default="target/segments.duckdb", help="the built DuckDB file")
    parser.add_argument("output", nargs="?", default="target/segment_report.html", help="the HTML file to write")
    arguments = parser.parse_args(argv)
    try:
        path = build_report(arguments.database, arguments.output)
    except ReportError as error:
        print(f"report: {error}", file=sys.stderr)
        return 1
    print(f"report written to {path} ({path.stat().st_size / 1e6:.1f} MB, opens offline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
