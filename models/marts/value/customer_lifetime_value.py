"""Score every customer's lifetime value with the stored parameters of clv_model_parameters
(python_udfs.clv): expected purchases over clv_horizon_days, P(alive), expected order value, discounted CLV."""

from python_udfs.clv import scores_table
from python_udfs.model_settings import model_settings


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    return scores_table(dbt.ref("int_customer_clv_inputs"), dbt.ref("clv_model_parameters"),
                        dbt.ref("int_feature_window"), settings)
