"""Customer lifetime value: a BG/NBD model of how often customers buy and when they stop, and a Gamma-Gamma
model of what a purchase is worth, both from pymc-marketing, fitted by MAP (maximum a posteriori).

The input is one row per customer (int_customer_clv_inputs), in days, as the models define it:
- frequency: repeat purchase days (days with a completed order, minus the first);
- recency: days from the first to the last purchase day;
- T: days from the first purchase day to the as-of date;
- monetary_value: mean value of the repeat purchase days (0 without repeats).

`fit_parameters` returns the fitted parameters as a table (one row per parameter, keyed by a content hash of
the parameters, the CLV model version), or a single row saying why the fit was skipped; `score_customers`
scores every customer from that table alone, so a build that keeps the fit scores with the same numbers.
pymc-marketing is imported only here, and only when a model is fitted or scored: the segmentation does
not pay for it.
"""

from __future__ import annotations

import hashlib
import json
import warnings

import numpy as np
import pandas as pd

from python_udfs.frames import to_pandas

PURCHASE_PARAMETERS = ("r", "alpha", "a", "b")  # BG/NBD
SPEND_PARAMETERS = ("p", "q", "v")  # Gamma-Gamma
INPUT_COLUMNS = ("customer_id", "frequency", "recency", "T", "monetary_value")
# int_customer_clv_inputs' columns under the names the models give them
INPUT_NAMES = {"repeat_purchase_days": "frequency", "purchase_span_days": "recency", "tenure_days": "T",
               "repeat_purchase_value": "monetary_value"}
PARAMETER_COLUMNS = ("clv_model_version", "model", "parameter", "value", "fitted_customers", "skipped_reason")
# a month of the discounting schedule: future value is discounted month by month
DAYS_PER_STEP = 30


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    """Text columns typed as text even when all null, so the warehouse table keeps its columns' types."""
    return table.astype({"clv_model_version": "string", "model": "string", "parameter": "string",
                         "value": "float64", "fitted_customers": "int64", "skipped_reason": "string"})


def skipped(reason: str) -> pd.DataFrame:
    """The parameter table of a fit that did not run: one row, the reason in skipped_reason."""
    return _typed(pd.DataFrame([{"clv_model_version": None, "model": None, "parameter": None, "value": np.nan,
                                 "fitted_customers": 0, "skipped_reason": reason}], columns=list(PARAMETER_COLUMNS)))


def _model_inputs(inputs: pd.DataFrame) -> pd.DataFrame:
    inputs = inputs.rename(columns=INPUT_NAMES)
    missing = [column for column in INPUT_COLUMNS if column not in inputs.columns]
    if missing:
        raise ValueError(f"the CLV inputs lack the columns {missing}: they come from int_customer_clv_inputs")
    frame = inputs.loc[:, list(INPUT_COLUMNS)].copy()
    for column in INPUT_COLUMNS[1:]:
        frame[column] = frame[column].astype("float64")
    frame["customer_id"] = frame["customer_id"].astype(str)
    return frame.sort_values("customer_id", kind="stable").reset_index(drop=True)


def fit_parameters(inputs: pd.DataFrame, min_repeat_customers: int, enabled: bool = True) -> pd.DataFrame:
    """Fit BG/NBD on every customer of `inputs` and Gamma-Gamma on those with repeat purchases of positive
    value; skip (with the reason) when CLV is disabled or fewer than `min_repeat_customers` customers bought
    on two days or more."""
    if not enabled:
        return skipped("enable_clv is false")
    frame = _model_inputs(inputs)
    repeaters = frame[(frame["frequency"] > 0) & (frame["monetary_value"] > 0)]
    if len(repeaters) < min_repeat_customers:
        return skipped(f"{len(repeaters)} customers bought on two days or more, fewer than clv_min_repeat_customers "
                       f"({min_repeat_customers}): the purchase model cannot tell who is still active; lower "
                       "clv_min_repeat_customers or load a longer order history")
    # pytensor warns that a pip install links no BLAS and arviz announces its next API: neither is actionable
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pymc_marketing.clv import BetaGeoModel, GammaGammaModel

        purchases = BetaGeoModel()
        purchases.build_model(frame[["customer_id", "frequency", "recency", "T"]])
        purchase_fit = purchases.fit(method="map", progressbar=False).posterior
        spend = GammaGammaModel()
        spend.build_model(repeaters[["customer_id", "frequency", "monetary_value"]])
        spend_fit = spend.fit(method="map", progressbar=False).posterior
    rows = [("bg_nbd", name, float(purchase_fit[name].values.ravel()[0]), len(frame)) for name in PURCHASE_PARAMETERS]
    rows += [("gamma_gamma", name, float(spend_fit[name].values.ravel()[0]), len(repeaters))
             for name in SPEND_PARAMETERS]
    table = pd.DataFrame(rows, columns=["model", "parameter", "value", "fitted_customers"])
    table.insert(0, "clv_model_version", parameters_version(table))
    table["skipped_reason"] = None
    return _typed(table.loc[:, list(PARAMETER_COLUMNS)])


def parameters_version(table: pd.DataFrame) -> str:
    """clv-<12 hex>: a hash of the models' parameters (rounded to 12 significant digits), so the same fit
    gives the same version and any change of a parameter a new one."""
    content = json.dumps(sorted((row.model, row.parameter, float(f"{row.value:.12g}")) for row in table.itertuples()))
    return "clv-" + hashlib.sha256(content.encode()).hexdigest()[:12]


def parameter_values(parameters: pd.DataFrame) -> dict[str, float] | None:
    """{parameter: value} of a fitted parameter table, or None when the fit was skipped."""
    fitted = parameters[parameters["skipped_reason"].isna() & parameters["parameter"].notna()]
    if fitted.empty:
        return None
    return {row.parameter: float(row.value) for row in fitted.itertuples()}


def _with_parameters(model_class, data: pd.DataFrame, values: dict[str, float], names):
    import arviz as az
    import xarray as xr

    model = model_class()
    model.build_model(data)
    model.idata = az.InferenceData(posterior=xr.Dataset(
        {name: (("chain", "draw"), [[values[name]]]) for name in names}))
    return model


def score_customers(inputs: pd.DataFrame, parameters: pd.DataFrame, horizon_days: int,
                    annual_discount_rate: float) -> pd.DataFrame:
    """Per customer: expected purchases in the next `horizon_days`, P(alive), expected value of a purchase
    (Gamma-Gamma: the customer's mean shrunk towards the population's; the population mean for customers
    without repeats) and CLV, the value of the expected purchases of each month discounted at
    `annual_discount_rate` a year. No rows when the fit was skipped."""
    columns = ["customer_id", "expected_purchases", "p_alive", "expected_order_value", "clv", "clv_model_version"]
    values = parameter_values(parameters)
    if values is None:  # typed, so the warehouse table has its columns' types even when empty
        return pd.DataFrame({"customer_id": pd.Series(dtype="string"),
                             **{name: pd.Series(dtype="float64") for name in columns[1:5]},
                             "clv_model_version": pd.Series(dtype="string")})
    frame = _model_inputs(inputs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pymc_marketing.clv import BetaGeoModel, GammaGammaModel

        purchase_data = frame[["customer_id", "frequency", "recency", "T"]]
        purchases = _with_parameters(BetaGeoModel, purchase_data, values, PURCHASE_PARAMETERS)
        spend_data = frame[["customer_id", "frequency", "monetary_value"]].copy()
        # without a repeat purchase of positive value the customer's own mean says nothing: weight 0
        no_history = (spend_data["frequency"] <= 0) | (spend_data["monetary_value"] <= 0)
        spend_data.loc[no_history, ["frequency", "monetary_value"]] = 0.0
        spend = _with_parameters(GammaGammaModel, spend_data, values, SPEND_PARAMETERS)

        def expected(days: float) -> np.ndarray:
            return purchases.expected_purchases(purchase_data, future_t=days).values.reshape(-1)

        order_value = spend.expected_customer_spend(spend_data).values.reshape(-1)
        p_alive = purchases.expected_probability_alive(purchase_data).values.reshape(-1)
        ends = list(range(DAYS_PER_STEP, horizon_days, DAYS_PER_STEP)) + [horizon_days]
        clv, before = np.zeros(len(frame)), np.zeros(len(frame))
        for end in ends:
            cumulative = expected(end)
            clv += order_value * (cumulative - before) / (1.0 + annual_discount_rate) ** (end / 365.0)
            before = cumulative
    return pd.DataFrame({
        "customer_id": frame["customer_id"],
        "expected_purchases": before,
        "p_alive": p_alive,
        "expected_order_value": order_value,
        "clv": clv,
        "clv_model_version": parameters.loc[parameters["skipped_reason"].isna(), "clv_model_version"].iloc[0],
    }, columns=columns)


def parameters_table(fit_customers: pd.DataFrame, clv_inputs, settings) -> pd.DataFrame:
    """clv_model_parameters: the fit on the customers the segmentation fits on (the fit sample above
    fit_sample_threshold), or the reason it was skipped."""
    inputs = to_pandas(clv_inputs, order_by="customer_id")
    inputs = inputs[inputs["customer_id"].astype(str).isin(set(fit_customers["customer_id"].astype(str)))]
    return fit_parameters(inputs, settings.clv_min_repeat_customers, enabled=settings.enable_clv)


def scores_table(clv_inputs, parameters, feature_window, settings) -> pd.DataFrame:
    """customer_lifetime_value: every customer of `clv_inputs` scored with the stored parameters, at the
    as-of date of `feature_window`."""
    scores = score_customers(to_pandas(clv_inputs, order_by="customer_id"), to_pandas(parameters),
                             settings.clv_horizon_days, settings.clv_annual_discount_rate)
    scores["as_of_date"] = to_pandas(feature_window)["as_of_date"].iloc[0]
    return scores


def backtest_table(backtest_inputs, backtest_window, settings) -> pd.DataFrame:
    """int_backtest_customer_lifetime_value: the models fitted on the data up to the back-test's as-of date
    (all its customers) and every customer scored there, so the back-test ranks customers by what was known
    then, not by a fit that saw their future."""
    inputs = to_pandas(backtest_inputs, order_by="customer_id")
    parameters = fit_parameters(inputs, settings.clv_min_repeat_customers, enabled=settings.enable_clv)
    return scores_table(inputs, parameters, backtest_window, settings)
