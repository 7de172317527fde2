"""python_udfs.clv on customers simulated from known BG/NBD and Gamma-Gamma parameters: the MAP fit recovers
them, the same data gives the same fit and version, and scoring from the stored table agrees with
pymc-marketing's own predictions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from python_udfs.clv import fit_parameters, parameter_values, score_customers

TRUE = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5, "p": 6.0, "q": 4.0, "v": 15.0}
CUSTOMERS = 8000


def simulate(customers: int = CUSTOMERS, seed: int = 7) -> pd.DataFrame:
    """BG/NBD: purchase rate lambda ~ Gamma(r, scale 1/alpha), after each purchase the customer drops out with
    probability p ~ Beta(a, b); Gamma-Gamma: each purchase is worth Gamma(p, rate nu), nu ~ Gamma(q, rate v)."""
    rng = np.random.default_rng(seed)
    tenure = rng.uniform(60, 720, customers)
    rate = rng.gamma(TRUE["r"], 1 / TRUE["alpha"], customers)
    dropout = rng.beta(TRUE["a"], TRUE["b"], customers)
    nu = rng.gamma(TRUE["q"], 1 / TRUE["v"], customers)
    rows = []
    for customer in range(customers):
        day, purchases, last = 0.0, 0, 0.0
        while True:
            day += rng.exponential(1 / rate[customer])
            if day > tenure[customer]:
                break
            purchases, last = purchases + 1, day
            if rng.random() < dropout[customer]:
                break
        spend = rng.gamma(TRUE["p"], 1 / nu[customer], purchases).mean() if purchases else 0.0
        rows.append((f"c{customer:05d}", purchases, last, tenure[customer], spend))
    return pd.DataFrame(rows, columns=["customer_id", "frequency", "recency", "T", "monetary_value"])


@pytest.fixture(scope="module")
def simulated():
    customers = simulate()
    return customers, fit_parameters(customers, min_repeat_customers=50)


def test_map_fit_recovers_the_simulated_parameters(simulated):
    _, parameters = simulated
    fitted = parameter_values(parameters)
    # 8,000 customers: the purchase parameters within 15 %, the dropout and spend parameters within 30 %
    for name, tolerance in {"r": 0.15, "alpha": 0.15, "a": 0.3, "b": 0.3, "p": 0.3, "q": 0.3, "v": 0.3}.items():
        assert fitted[name] == pytest.approx(TRUE[name], rel=tolerance), (name, fitted[name])
    assert parameters["clv_model_version"].nunique() == 1
    assert parameters["clv_model_version"].iloc[0].startswith("clv-")


def test_the_same_customers_in_another_order_give_the_same_fit(simulated):
    customers, parameters = simulated
    again = fit_parameters(customers.sample(frac=1, random_state=3), min_repeat_customers=50)
    pd.testing.assert_frame_equal(again, parameters)


def test_scores_agree_with_pymc_marketing_and_discounting_lowers_them(simulated):
    from pymc_marketing.clv import BetaGeoModel

    customers, parameters = simulated
    undiscounted = score_customers(customers, parameters, horizon_days=365, annual_discount_rate=0.0)
    discounted = score_customers(customers, parameters, horizon_days=365, annual_discount_rate=0.1)
    model = BetaGeoModel()
    data = customers[["customer_id", "frequency", "recency", "T"]].sort_values("customer_id")
    model.build_model(data)
    model.fit(method="map", progressbar=False)
    expected = model.expected_purchases(data, future_t=365).values.reshape(-1)
    np.testing.assert_allclose(undiscounted["expected_purchases"], expected, rtol=1e-6)
    np.testing.assert_allclose(undiscounted["clv"],
                               undiscounted["expected_purchases"] * undiscounted["expected_order_value"], rtol=1e-9)
    assert ((discounted["clv"] < undiscounted["clv"]) | (undiscounted["clv"] == 0)).all()
    assert undiscounted["p_alive"].between(0, 1).all()
    one_timers = customers.sort_values("customer_id")["frequency"].to_numpy() == 0
    assert (undiscounted.loc[one_timers, "p_alive"] == 1).all()  # BG/NBD: no repeat, no chance yet to drop out


def test_too_few_repeat_buyers_skip_the_fit_with_the_reason():
    customers = simulate(customers=300)
    customers["frequency"] = 0
    parameters = fit_parameters(customers, min_repeat_customers=50)
    assert len(parameters) == 1 and "fewer than clv_min_repeat_customers (50)" in parameters["skipped_reason"][0]
    assert score_customers(customers, parameters, 365, 0.1).empty
    assert fit_parameters(customers, 50, enabled=False)["skipped_reason"][0] == "enable_clv is false"
