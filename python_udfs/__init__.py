"""Python for the dbt-segments project.

The modules in __all__ are what the dbt Python models import (``from python_udfs.<module> import ...``),
each with its logic where pytest reaches it:

- model_settings: the vars a Python model reads, typed and checked against settings_schema
- fit_models: what each fit model returns (scaler, K selection, centroids, stability, comparison)
- frames: read a ref into pandas whatever the warehouse hands over; read a model's previous table
- segmentation: the scaler, K-Means, feature checks and the numpy reference of the scoring rule
- fit_sample: which customers a fit sees
- k_selection: the K-selection metrics and the recorded K consensus
- stability: bootstrap stability of each segment
- registry: the model registry and its publish gate; the model version in force
- explain: readable rules per segment
- projection: the report's 2-D projection
- algorithm_comparison: K-Means against other clustering algorithms
- clv: customer lifetime value (BG/NBD and Gamma-Gamma, pymc-marketing): fit and score

settings_schema (each setting's type, bounds and message, also written into macros/settings/) and
threads (one BLAS thread for many small fits) serve those modules. Tooling the models never import
lives in subpackages: ``report`` (the HTML report, ``python -m python_udfs.report``), ``demo`` (the demo
data generators) and ``cli`` (tools over a built DuckDB file: export_scoring_sql, show_segments,
pii_scan, publish).
"""

__all__ = [
    "algorithm_comparison",
    "clv",
    "explain",
    "fit_models",
    "fit_sample",
    "frames",
    "k_selection",
    "model_settings",
    "projection",
    "registry",
    "segmentation",
    "stability",
]
