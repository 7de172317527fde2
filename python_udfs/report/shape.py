"""What the segments look like: the 2-D map, the centres heatmap, and the feature distributions per
segment (boxes and histograms)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from python_udfs.report.charts import Charts
from python_udfs.report.features import display_name, feature_words, fitted_away, log1p_axis, plain_name
from python_udfs.report.segments import Segments
from python_udfs.report.text import esc, missing_note, pct
from python_udfs.report.warehouse import Warehouse


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
    numbers["sampled customers"] = (numbers["segment_id"].map(customers["segment_id"].value_counts())
                                    .fillna(0).astype(int))
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
    figure = make_subplots(rows=rows, cols=columns,
                           subplot_titles=[str(name) for name in features["feature_display_name"]],
                           horizontal_spacing=0.08, vertical_spacing=0.5 / max(rows, 1))
    for index, feature in enumerate(features["feature"]):
        row, column = index // columns + 1, index % columns + 1
        bins = table[table["feature"] == feature].sort_values(["segment_id", "bin_index"])
        for segment_id, group in bins.groupby("segment_id"):
            figure.add_scatter(x=(group["bin_lower"] + group["bin_upper"]) / 2, y=100 * group["bin_share"],
                               mode="lines",
                               line={"shape": "hvh", "width": 2, "color": segments.colours[int(segment_id)]},
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
