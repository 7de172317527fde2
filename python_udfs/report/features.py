"""Feature names, units and axes as a reader knows them (feature_dictionary), and the features the
screening left out of the fit."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from python_udfs.report.warehouse import Warehouse


# a feature clustered as ln(1 + x) says so in its unit (feature_dictionary): its axes are labelled in x's units
LOG1P_UNIT = re.compile(r"^log\(1 \+ (?P<base>.+)\)$")


def feature_words(warehouse: Warehouse) -> pd.DataFrame:
    """display_name, unit, high_label, low_label per feature (the column name when the seed has none)."""
    if warehouse.has("feature_dictionary", "feature"):
        words = warehouse["feature_dictionary"].set_index("feature")
    else:
        words = pd.DataFrame(columns=["display_name", "unit", "high_label", "low_label"])
    return words


def display_name(words: pd.DataFrame, feature: str) -> str:
    if feature in words.index and pd.notna(words.loc[feature, "display_name"]):
        return str(words.loc[feature, "display_name"])
    return feature


def unit_of(words: pd.DataFrame, feature: str) -> str:
    if feature in words.index and pd.notna(words.loc[feature, "unit"]):
        return str(words.loc[feature, "unit"])
    return "feature units"


def log1p_base_unit(unit) -> str | None:
    """`currency` for a unit written `log(1 + currency)`; None for a feature on its own scale."""
    match = LOG1P_UNIT.match(str(unit or "").strip())
    return match.group("base") if match else None


def plain_name(name: str, unit) -> str:
    """"Monetary (log)" as "Monetary" when its axis is labelled in currency anyway."""
    return re.sub(r"\s*\(log\)$", "", str(name)) if log1p_base_unit(unit) else str(name)


def short_number(value: float) -> str:
    """1, 20, 500, 1k, 20k, 1M: tick labels that stay short."""
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def log1p_axis(unit, low: float, high: float) -> dict:
    """Axis settings for values clustered as ln(1 + x): ticks at round x (0, 1, 2, 5, 10, ...) labelled in x's
    units, title "<unit>, log scale". Values on the axis stay ln(1 + x), so 0 can be shown; {} for other units."""
    base = log1p_base_unit(unit)
    if base is None or not np.isfinite([low, high]).all():
        return {}
    top = float(np.expm1(max(high, 0.0)))
    decades = range(0, max(1, math.ceil(math.log10(top + 1))) + 1)
    steps = (1, 2, 5) if top < 1e3 else (1,)
    values = [0.0] + [step * 10.0 ** decade for decade in decades for step in steps]
    values = [value for value in values if np.log1p(value) <= high + 1e-9 and np.log1p(value) >= low - 1e-9] or [0.0]
    return {"tickmode": "array", "tickvals": [float(np.log1p(value)) for value in values],
            "ticktext": [short_number(value) for value in values], "title_text": f"{base}, log scale"}


def fitted_away(warehouse: Warehouse) -> pd.DataFrame:
    """The segment_features segment_feature_screening left out of the fit (feature, screening_reason, ...)."""
    if not warehouse.has("segment_feature_screening", "feature", "is_fitted"):
        return pd.DataFrame(columns=["feature", "screening_reason", "mode_value", "mode_share"])
    screening = warehouse["segment_feature_screening"]
    return screening[~screening["is_fitted"].astype(bool)].sort_values("requested_position")
