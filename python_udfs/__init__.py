"""Python for the dbt-segments project.

The modules in __all__ are what the dbt Python models import (``from python_udfs.<module> import ...``),
each with its logic where pytest reaches it:

- frames: read a ref into pandas whatever the warehouse hands over; read a model's previous table
- segmentation: the scaler, K-Means, feature checks and the numpy reference of the scoring rule
- fit_sample: which customers a fit sees
- k_selection: the K-selection metrics and the recorded K consensus
- stability: bootstrap stability of each segment
- registry: the model registry and its publish gate; the model version in force
- explain: readable rules per segment
- projection: the report's 2-D projection
- algorithm_comparison: K-Means against other clustering algorithms

threads (one BLAS thread for many small fits) serves those modules. Tooling the models never import
lives in subpackages: ``report`` (the HTML report, ``python -m python_udfs.report``), ``demo`` (the demo
data generators) and ``cli`` (tools over a built DuckDB file: export_scoring_sql, show_segments,
pii_scan, publish).
"""

__all__ = [
    "algorithm_comparison",
    "explain",
    "fit_sample",
    "frames",
    "k_selection",
    "projection",
    "registry",
    "segmentation",
    "stability",
]
