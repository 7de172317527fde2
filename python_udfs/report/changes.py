"""What changed since training: feature drift (PSI) and where customers moved between two scoring runs."""

from __future__ import annotations

import plotly.graph_objects as go

from python_udfs.report.charts import Charts
from python_udfs.report.features import display_name, feature_words
from python_udfs.report.segments import Segments
from python_udfs.report.warehouse import Warehouse


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
