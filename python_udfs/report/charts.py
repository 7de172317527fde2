"""Figures as HTML (plotly.js inlined once) and the colour of each segment."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from python_udfs.report.text import esc


# Okabe-Ito: distinguishable with the common colour-vision deficiencies; yellow last (weak on white)
SEGMENT_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#555555", "#F0E442"]


VERDICT_COLOURS = {"stable": "#009E73", "doubtful": "#E69F00", "unstable": "#D55E00"}


class Charts:
    """Turns figures into HTML; plotly.js is inlined with the first chart only."""

    def __init__(self) -> None:
        self.count = 0

    def render(self, figure: go.Figure, chart_id: str, summary: str, numbers: pd.DataFrame, top: int = 40) -> str:
        # the chart's title is a heading above it, not drawn by plotly: a legend placed on top of the plot can
        # then never run into it (`top` leaves room for such a legend and for subplot titles)
        title = figure.layout.title.text
        figure.update_layout(title=None, template="plotly_white",
                             font={"family": "Arial, Helvetica, sans-serif", "size": 13},
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
