"""Write the segmentation report: one self-contained HTML file from the marts of a built DuckDB file.

    python -m python_udfs.report target/segments.duckdb target/segment_report.html

The chart library (plotly.js) is inlined once, so the file opens offline and sends no request. Sections
built from tables of later stages (K selection, stability, drivers, rules, drift, movement) appear when
those tables exist in the file; a missing input is said plainly, never invented. Every chart carries the
numbers behind it in a collapsible table, as its text alternative.

One module per concern: warehouse (the tables it reads, once), text and features (how values, features
and axes are written), charts and segments (figures, colours, names), a module per group of sections
(overview: the facts and the segment cards; fit_quality: K selection as segment_k_selection stored it,
silhouette, stability; shape: the map, the centres, the distributions; changes: drift and movement) and
page (the whole page and the command line).
"""

from python_udfs.report.page import build_report, main
from python_udfs.report.warehouse import ReportError, Warehouse

__all__ = ["ReportError", "Warehouse", "build_report", "main"]
