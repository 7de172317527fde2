"""The overview section: the facts of the build and the size and revenue of each segment; and the
segment cards: what sets each segment apart, its rule and its playbook."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from python_udfs.report.charts import Charts
from python_udfs.report.features import display_name, feature_words, fitted_away, log1p_base_unit, plain_name, unit_of
from python_udfs.report.segments import Segments
from python_udfs.report.text import NOT_AVAILABLE, esc, number, pct
from python_udfs.report.warehouse import Warehouse


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
        ("Features are measured at",
         f"{pd.Timestamp(as_of):%Y-%m-%d}" if as_of is not None and pd.notna(as_of) else NOT_AVAILABLE),
        ("Data window", window),
        ("Scored at (UTC)",
         f"{pd.Timestamp(scored_at):%Y-%m-%d %H:%M}" if scored_at is not None and pd.notna(scored_at)
         else NOT_AVAILABLE),
        ("Clustering features", ", ".join(display_name(feature_words(warehouse), name) for name in features)),
    ]
    left_out = fitted_away(warehouse)
    if not left_out.empty:  # segment_feature_screening: constant and near-constant features are not clustered
        words = feature_words(warehouse)
        said = []
        for reason, text in (("constant", "the same for every customer"), ("all_null", "no value for anyone")):
            names = [display_name(words, feature)
                     for feature in left_out.loc[left_out["screening_reason"] == reason, "feature"]]
            if names:
                said.append(f"{', '.join(names)}: {text}")
        said += [f"{display_name(words, row.feature)}: {pct(row.mode_share)} of customers have "
                 f"{number(row.mode_value, 2)}"
                 for row in left_out[left_out["screening_reason"] == "near_constant"].itertuples()]
        facts.append(("Left out of the fit", "; ".join(said)))
    fact_list = "".join(f"<div><dt>{esc(key)}</dt><dd>{esc(value)}</dd></div>" for key, value in facts)

    table = segments.table
    names = table["segment_name"].tolist()
    figure = go.Figure()
    figure.add_bar(y=names, x=100 * table["customer_share"], orientation="h", name="Share of customers",
                   marker_color="#56B4E9", text=[pct(value) for value in table["customer_share"]],
                   textposition="outside")
    figure.add_bar(y=names, x=100 * table["revenue_share"], orientation="h", name="Share of revenue",
                   marker_color="#0072B2", text=[pct(value) for value in table["revenue_share"]],
                   textposition="outside")
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
    """The features that set each segment apart, as (name, words, numbers), from segment_drivers or else the
    centroids."""
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
                    detail += (" · typically "
                               f"{number(np.expm1(row.centroid_value), 0 if row.centroid_value > 3 else 1)} "
                               f"vs {number(np.expm1(row.population_mean), 0 if row.population_mean > 3 else 1)} "
                               f"for all customers · {base}")
                else:
                    detail += (f" · {number(row.centroid_value, 2)} vs average {number(row.population_mean, 2)} · "
                               f"{unit}")
            phrase = f"– {label}" if label is not None and pd.notna(label) else (
                "– above average" if effect >= 0 else "– below average")
            sentences.append((plain_name(display_name(words, row.feature), unit_of(words, row.feature)),
                              phrase, detail))
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

        driver_html = "".join(f"<li><strong>{esc(name)}</strong> {esc(words)} "
                              f"<span class=\"muted\">{esc(detail)}</span></li>"
                              for name, words, detail in drivers.get(segment_id, []))
        typical = (f"{number(row.avg_recency_days)} days since last order · {number(row.avg_frequency, 1)} orders · "
                   f"{number(row.avg_monetary)} net revenue; RFM: mostly “{esc(row.top_rfm_label)}” "
                   f"({pct(row.top_rfm_label_share, 0)})")
        # predicted value: segment_profiles of a warehouse built before CLV, or a skipped fit, has none
        share = getattr(row, "predicted_value_share", None)
        if share is not None and pd.notna(share):
            worth = (f'<div><span class="big">{pct(share)}</span><span class="muted">of predicted value · '
                     f'{number(row.mean_clv)} per customer</span></div>')
        else:
            worth = (f'<div><span class="missing">{NOT_AVAILABLE}</span><span class="muted"> predicted value '
                     '(no CLV fit: see clv_model_parameters)</span></div>')
        cards.append(f"""
<article class="segment-card" data-segment-id="{segment_id}" style="border-top-color: {colour}">
  <h3><span class="swatch" style="background: {colour}"></span>{esc(row.segment_name)}</h3>
  <p class="description">{description_html}</p>
  <div class="stats">
    <div><span class="big">{int(row.customer_count):,}</span>\
<span class="muted">customers · {pct(row.customer_share)}</span></div>
    <div><span class="big">{pct(row.revenue_share)}</span><span class="muted">of revenue</span></div>
    {worth}
  </div>
  <p class="muted">Average customer: {typical}</p>
  <h4>What sets it apart</h4><ul class="drivers">{driver_html}</ul>
  <dl class="card-facts">{fact("Rule", "<br>".join(rules.get(segment_id, [])))}\
{fact("Action", optional("recommended_action"))}{fact("Channel", optional("channel"))}\
{fact("KPI", optional("kpi"))}</dl>
</article>""")
    source = ("segment_drivers" if has_drivers else
              "the segment centres: standardized distance from the average customer")
    note = (f'<p class="muted"><span class="missing">{NOT_AVAILABLE}</span>: {"; ".join(absent)}.</p>'
            if absent else "")
    return (f'<section id="segments"><h2>The segments</h2><p class="muted">Drivers from {esc(source)} '
            '(SD = standard deviations of the feature over all customers).</p>'
            f'<div class="cards">{"".join(cards)}</div>{note}</section>')
