"""The whole page: every section in order, the style sheet, and the command line (python -m python_udfs.report)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from python_udfs.report.changes import drift_section, movement_section
from python_udfs.report.charts import Charts
from python_udfs.report.fit_quality import k_selection_section, silhouette_section, stability_section
from python_udfs.report.overview import cards_section, overview_section
from python_udfs.report.segments import Segments
from python_udfs.report.shape import distribution_section, heatmap_section, projection_section
from python_udfs.report.text import esc
from python_udfs.report.warehouse import ReportError, Warehouse


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
section { background: #fff; border-radius: 8px; padding: 4px 20px 16px; margin: 18px 0; \
box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 10px 24px; }
.facts dt { font-size: 12px; text-transform: uppercase; color: #555; } .facts dd { margin: 0; font-weight: bold; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 16px; }
.segment-card { border: 1px solid #d7dbe0; border-top: 8px solid; border-radius: 8px; padding: 14px 16px; \
background: #fff; }
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
<p class="muted">Model {esc(version)} · built from {esc(Path(database).name)} · \
every chart has its numbers in a table below it</p>
<nav aria-label="Sections">{links}</nav>
</header>
<main>
{"".join(sections)}
</main>
<footer>Written by <code>python -m python_udfs.report</code> from the dbt-segments marts. \
Charts: plotly.js, inlined.</footer>
</body>
</html>
"""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(document, encoding="utf-8")
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m python_udfs.report",
                                     description="Write the segmentation report: one self-contained HTML file "
                                                 "from the marts of a built DuckDB file.")
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

