"""Generators of demo data: raw files shaped like the sources the project reads, with known truth.

- data: the demo's five planted customer archetypes and their junk (``python -m python_udfs.demo.data``)
- changes: the next day's raw files, with exactly the changes it reports (``python -m python_udfs.demo.changes``)
- retail_export: a retailer's order-lines export (``python -m python_udfs.demo.retail_export``)
"""
