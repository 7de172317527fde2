"""The customers a fit model reads: all of them, or above a size threshold a stratified sample drawn in the warehouse.

Scoring runs on every customer in SQL (assign_segment), so a fit only needs enough customers to place the
centroids. Above `fit_sample_threshold` customers the fit models read `fit_sample_size` of them, and only those
rows cross from the warehouse into Python. The sample is

- stratified: each value of `fit_sample_strata` (default rfm_label, which also separates the non-buyers as
  'No purchase') gets its proportional share of the sample (largest remainder), so small but valuable groups
  such as Champions keep their weight;
- deterministic: within a stratum customers are taken in the order of md5('<random_state>:<customer_id>'),
  so the same data and seed give the same sample, hence the same model version, on every engine that has md5;
  and a customer's draw does not depend on which other customers exist.

The query is an ibis expression over an unbound table with the relation's columns, compiled to SQL and run
by the warehouse on the relation dbt hands the model, reading it under the name `fit_population`. Two
statements run: one counting customers per stratum (a few rows come back) and the sample itself. Today that
relation is DuckDB's (dbt-duckdb; a pandas frame, as in tests, is read by in-process DuckDB). The expression
uses only row_number, md5 and CASE, which ibis compiles for Snowflake, BigQuery, Spark and PostgreSQL too;
running it there (a temporary view and the session's sql()) is the part not wired up yet, as the Python models
of those warehouses need a hosted platform.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import ibis
import numpy as np
import pandas as pd
from ibis.backends.sql.datatypes import DuckDBType

from python_udfs.frames import to_pandas
from python_udfs.registry import fit_to_keep
from python_udfs.segmentation import SegmentationConfigError
from python_udfs.settings_schema import check_setting, rule_message

POPULATION = "fit_population"  # the name the compiled SQL reads the population by
NULL_STRATUM = "(null)"
MAX_STRATA = 1000  # a CASE per stratum is compiled into the SQL; more strata than this is not a stratification


@dataclass(frozen=True)
class SampleSettings:
    """The vars of the fit sample, checked against the settings schema (as validate_settings checks them
    before any model)."""

    threshold: int
    size: int
    strata: str | None
    random_state: int

    @classmethod
    def checked(cls, threshold, size, strata, random_state) -> SampleSettings:
        """From the vars' values, each checked against the settings schema, and the sample no larger than
        the population it is drawn from."""
        def check(name, value):
            return check_setting(name, value, SegmentationConfigError)

        threshold, size = check("fit_sample_threshold", threshold), check("fit_sample_size", size)
        if size > threshold:
            raise SegmentationConfigError(
                rule_message("fit_sample_size_above_threshold", size=size, threshold=threshold))
        strata = check("fit_sample_strata", strata)
        return cls(threshold=threshold, size=size, strata=None if strata is None else strata.lower(),
                   random_state=check("random_state", random_state))


@dataclass(frozen=True)
class FitCustomers:
    """What a fit model reads: the rows (sorted by customer id) and how they were chosen."""

    frame: pd.DataFrame
    population: int  # customers in the warehouse
    sampled: bool
    strata: pd.DataFrame | None  # stratum, customers, quota (when sampled)


def proportional_quotas(counts: pd.Series, size: int) -> pd.Series:
    """Per-stratum sample sizes summing to `size`, proportional to `counts` (largest remainder).

    Ties in the remainder go to the stratum first in `counts`' (sorted) order, so the quotas never depend
    on the order the warehouse returned the strata in.
    """
    counts = counts.sort_index()
    raw = counts.to_numpy(np.float64) * size / counts.sum()
    quotas = np.floor(raw).astype(np.int64)
    quotas[np.argsort(-(raw - quotas), kind="stable")[: size - quotas.sum()]] += 1
    return pd.Series(np.minimum(quotas, counts.to_numpy()), index=counts.index, name="quota")


def _as_relation(data):
    """A DuckDB relation as it is; a pandas frame (no warehouse, e.g. in tests) read by in-process DuckDB."""
    if isinstance(data, pd.DataFrame):
        return duckdb.from_df(data)
    if hasattr(data, "query") and hasattr(data, "types"):  # DuckDB relation
        return data
    raise TypeError(f"fit_customers: cannot sample a {type(data).__name__}; pass a DuckDB relation or pandas frame.")


def _population_table(relation) -> ibis.Table:
    """An unbound ibis table with the columns and types of `relation`: ibis compiles the query, the warehouse
    runs it."""
    return ibis.table({str(name): DuckDBType.from_string(str(dtype))
                       for name, dtype in zip(relation.columns, relation.types)},
                      name=POPULATION)


def _run(relation, expression: ibis.Table) -> pd.DataFrame:
    """Compile `expression` to the warehouse's SQL and run it there, reading `relation` as POPULATION."""
    return relation.query(POPULATION, str(ibis.to_sql(expression, dialect="duckdb"))).df()


def sample_query(table: ibis.Table, strata: str | None, quotas: dict[str, int], random_state: int,
                 order_by: str) -> ibis.Table:
    """The stratified, seeded sample as an ibis expression over `table`."""
    stratum = _stratum(table, strata)
    draw_key = (ibis.literal(f"{random_state}:") + table[order_by].cast("string")).hexdigest("md5")
    rank = ibis.row_number().over(group_by=stratum, order_by=[draw_key, table[order_by]])
    quota = stratum.substitute(quotas, else_=0)
    return (table.mutate(_fit_sample_rank=rank, _fit_sample_quota=quota)
            .filter(lambda row: row._fit_sample_rank < row._fit_sample_quota)
            .drop("_fit_sample_rank", "_fit_sample_quota")
            .order_by(order_by))


def _stratum(table: ibis.Table, strata: str | None):
    if strata is None:
        return ibis.literal("all")
    return table[strata].cast("string").fill_null(NULL_STRATUM)


def fit_customers(data, settings: SampleSettings, order_by: str = "customer_id") -> FitCustomers:
    """Every customer when there are at most `settings.threshold`, else the stratified sample of `settings.size`.

    At or below the threshold the rows are read exactly as before (`to_pandas`), so a small project's
    model and model version do not change.
    """
    relation = _as_relation(data)
    table = _population_table(relation)
    columns = {name.lower(): name for name in table.columns}
    if settings.strata is not None and settings.strata not in columns:
        raise SegmentationConfigError(rule_message("fit_sample_strata_unknown", strata=settings.strata,
                                                   columns=", ".join(sorted(columns))))
    strata = columns.get(settings.strata) if settings.strata else None
    stratum = _stratum(table, strata)
    counts = _run(relation, table.group_by(stratum.name("stratum")).aggregate(customers=table.count()))
    population = int(counts["customers"].sum())
    if population <= settings.threshold:
        return FitCustomers(frame=to_pandas(data, order_by=order_by), population=population, sampled=False,
                            strata=None)
    if len(counts) > MAX_STRATA:
        raise SegmentationConfigError(
            f"fit_sample_strata '{settings.strata}' has {len(counts)} distinct values: stratify by a column with "
            f"at most {MAX_STRATA} values (e.g. rfm_label) in the fit_sample_strata var."
        )
    quotas = proportional_quotas(counts.set_index("stratum")["customers"], settings.size)
    sample = sample_query(table, strata, {str(key): int(value) for key, value in quotas.items()},
                          settings.random_state, columns.get(order_by.lower(), order_by))
    frame = to_pandas(_run(relation, sample), order_by=order_by)
    strata_table = counts.set_index("stratum").join(quotas).reset_index()
    return FitCustomers(frame=frame, population=population, sampled=True, strata=strata_table)


@dataclass(frozen=True)
class FitInput:
    """What a fit model starts from: the customers to fit on, or on a score-only build its previous table."""

    customers: pd.DataFrame | None
    kept: pd.DataFrame | None  # the model's previous table, kept as it is; None when this build refits


def fit_input(settings, customer_features, retrain_decision=None, session=None, this=None) -> FitInput:
    """The start every fit model shares. Given `retrain_decision` (segment_retrain_decision), a score-only
    build (retrain false, no drift retrain) keeps the model's previous table (`this`, read through
    `session`); otherwise the customers of customer_features: all, or above fit_sample_threshold the
    seeded stratified sample (the same one in every fit model, so they fit the same customers)."""
    if retrain_decision is not None:
        kept = fit_to_keep(settings.retrain, retrain_decision, session, this)
        if kept is not None:
            return FitInput(customers=None, kept=kept)
    return FitInput(customers=fit_customers(customer_features, settings.sample).frame, kept=None)
