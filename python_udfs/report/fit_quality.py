"""How good the fit is: the K-selection metrics and votes (as segment_k_selection stored them, the
elbow included), the silhouette per segment, and bootstrap stability."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from sklearn.metrics import silhouette_samples

from python_udfs.projection import sample_customers
from python_udfs.report.charts import VERDICT_COLOURS, Charts
from python_udfs.report.segments import Segments
from python_udfs.report.text import esc, missing_note, pct
from python_udfs.report.warehouse import Warehouse
from python_udfs.segmentation import standardize


K_PANELS = (  # metric, panel title, the criterion that votes from it
    ("inertia", "Inertia (within-segment sum of squares; lower = tighter)", "inertia_elbow"),
    ("silhouette", "Mean silhouette (−1 to 1; higher = better separated)", "silhouette"),
    ("gap", "Gap statistic (higher = more structure than random)", "gap"),
    ("davies_bouldin", "Davies–Bouldin index (lower = better)", "davies_bouldin"),
    ("calinski_harabasz", "Calinski–Harabasz index (higher = better)", "calinski_harabasz"),
    ("stability_adjusted_rand", "Bootstrap stability (adjusted Rand, 0–1; higher = more stable)", "stability"),
)


CRITERION_LABELS = {"silhouette": "Silhouette", "davies_bouldin": "Davies–Bouldin",
                    "calinski_harabasz": "Calinski–Harabasz", "gap": "Gap statistic", "inertia_elbow": "Inertia elbow",
                    "stability": "Bootstrap stability"}


def k_selection_section(warehouse: Warehouse, charts: Charts) -> str:
    title = '<section id="k-selection"><h2>How many segments?</h2>'
    if not warehouse.has("segment_k_selection", "k", "metric", "value"):
        return (title + missing_note("the K-selection chart (inertia, silhouette, gap per K)", "segment_k_selection")
                + "</section>")
    table = warehouse["segment_k_selection"].copy()
    table["metric"] = table["metric"].str.lower()
    wide = table.pivot_table(index="k", columns="metric", values="value", aggfunc="first").sort_index()
    chosen = sorted(table.loc[table["chosen"].astype(bool), "k"].unique()) if "chosen" in table.columns else []
    chosen_k = int(chosen[0]) if chosen else None
    reasons = (table.loc[table["chosen"].astype(bool), "reason"].dropna().unique()
               if "reason" in table.columns and chosen else [])
    # the elbow segment_k_selection stored (kneedle, python_udfs.k_selection): never recomputed here
    elbow = (int(wide.index[wide["inertia_elbow"] == 1][0]) if "inertia_elbow" in wide.columns
             and (wide["inertia_elbow"] == 1).any() else None)
    votes = {}  # criterion -> (the K it votes for, None when it abstains; why)
    if "vote_reason" in table.columns:
        for row in table[table["metric"].str.startswith("vote_")].itertuples():
            votes[row.metric.removeprefix("vote_")] = (int(row.k) if row.value == 1 else None, row.vote_reason)
    panels = [panel for panel in K_PANELS if panel[0] in wide.columns]
    if not panels:
        return (title
                + missing_note("a metric this report can draw (inertia, silhouette, gap, …)", "segment_k_selection")
                + "</section>")
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


SILHOUETTE_SAMPLE_SIZE = 3000


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
    figure.update_xaxes(title_text="Mean silhouette (−1 to 1; "
                                   "higher = customers closer to their own segment than to the next)",
                        range=[min(0, float(per_segment["mean_silhouette"].min()) * 1.2), 1])
    numbers = per_segment.assign(mean_silhouette=per_segment["mean_silhouette"].round(3),
                                 share_negative=per_segment["share_negative"].map(pct))
    chart = charts.render(figure, "chart-silhouette",
                          f"Bar chart of the mean silhouette per segment, from {len(sample):,} sampled customers; "
                          f"all customers: {overall:.2f}.", numbers)
    return f"{title}{chart}</section>"


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
