"""How long the lifetime-value fit and scoring take (python_udfs.clv: BG/NBD and Gamma-Gamma by MAP with
pymc-marketing), on customers simulated from known parameters, and how close the fit lands.

    .venv/bin/python benchmarks/clv_benchmark.py --customers 20000 1000000

For each size it prints the seconds of the fit (both models) and of scoring every customer (expected
purchases, P(alive), order value, discounted CLV over 365 days), the fitted against the true parameters, and
the process's peak memory. pytensor compiles its kernels on first use: the first size includes that (--warm
fits a small set first, so every size is timed warm). The last line: one `customers=... fit_s=... score_s=...`
pair per size."""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

from python_udfs.clv import fit_parameters, parameter_values, score_customers

TRUE = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5, "p": 6.0, "q": 4.0, "v": 15.0}


def simulate(customers: int, seed: int = 7) -> pd.DataFrame:
    """BG/NBD and Gamma-Gamma customers, all at once: step j draws every active customer's next purchase."""
    rng = np.random.default_rng(seed)
    tenure = rng.uniform(60, 720, customers)
    rate = rng.gamma(TRUE["r"], 1 / TRUE["alpha"], customers)
    dropout = rng.beta(TRUE["a"], TRUE["b"], customers)
    nu = rng.gamma(TRUE["q"], 1 / TRUE["v"], customers)
    day, frequency, recency = np.zeros(customers), np.zeros(customers, dtype=np.int64), np.zeros(customers)
    spend = np.zeros(customers)
    active = np.ones(customers, dtype=bool)
    while active.any():
        day[active] += rng.exponential(1 / rate[active])
        active &= day <= tenure
        frequency[active] += 1
        recency[active] = day[active]
        spend[active] += rng.gamma(TRUE["p"], 1 / nu[active])
        active &= rng.random(customers) >= dropout
    monetary = np.divide(spend, frequency, out=np.zeros(customers), where=frequency > 0)
    return pd.DataFrame({"customer_id": [f"c{i:07d}" for i in range(customers)], "frequency": frequency,
                         "recency": recency, "T": tenure, "monetary_value": monetary})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, nargs="+", default=[20_000, 1_000_000])
    parser.add_argument("--warm", action="store_true", help="fit 2,000 customers first, so compiling is not timed")
    args = parser.parse_args()
    if args.warm:
        fit_parameters(simulate(2_000), min_repeat_customers=50)
    results = []
    for customers in args.customers:
        data = simulate(customers)
        started = time.perf_counter()
        parameters = fit_parameters(data, min_repeat_customers=50)
        fitted = time.perf_counter()
        scores = score_customers(data, parameters, horizon_days=365, annual_discount_rate=0.1)
        scored = time.perf_counter()
        values = parameter_values(parameters)
        repeaters = (data["frequency"] > 0).sum()
        print(f"{customers:,} customers ({repeaters:,} repeat buyers): fit {fitted - started:.1f} s, "
              f"score {scored - fitted:.1f} s; mean CLV {scores['clv'].mean():.1f}")
        print("  fitted / true: " + ", ".join(f"{name} {values[name]:.3g}/{TRUE[name]:g}" for name in TRUE))
        results.append(f"customers={customers} fit_s={fitted - started:.1f} score_s={scored - fitted:.1f}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB")
    print(" ".join(results))


if __name__ == "__main__":
    main()
