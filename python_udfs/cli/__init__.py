"""Command-line tools over a built DuckDB file (``python -m python_udfs.cli.<tool>``):

- export_scoring_sql: the scoring SQL of the model in force as one statement for another engine
- show_segments: print the segments
- pii_scan: list mart columns that look like personal data
- publish: copy a finished build atomically to the file BI tools read
"""
