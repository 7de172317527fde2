"""Customer lifetime value at the back-test's as-of date, the models fitted on the data up to that date
(python_udfs.clv), for segment_backtest to compare with what customers spent afterwards."""

from python_udfs.clv import backtest_table
from python_udfs.model_settings import model_settings


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    return backtest_table(dbt.ref("int_backtest_customer_clv_inputs"), dbt.ref("int_backtest_window"), settings)
