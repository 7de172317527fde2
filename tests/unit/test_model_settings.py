"""A Python model reads its vars once, typed by the settings schema, and starts its fit through fit_input."""

import duckdb
import pandas as pd
import pytest

from python_udfs.fit_sample import fit_input
from python_udfs.model_settings import model_settings
from python_udfs.registry import RegistryError
from python_udfs.settings_schema import SettingsError

pytestmark = pytest.mark.unit

# what dbt hands segment_centroids' code as dbt.config.get("settings") on the demo's defaults
CONFIG = {"retrain": True, "model_version": None, "n_segments": "auto", "segment_k_range": [3, 10],
          "random_state": 42, "kmeans_n_init": 10, "segment_match_max_distance": 1.0,
          "fit_sample_threshold": 250000, "fit_sample_size": 200000, "fit_sample_strata": "rfm_label",
          "minibatch_threshold": 100000}


def test_settings_are_typed_once():
    settings = model_settings({**CONFIG, "n_segments": "5", "segment_k_range": "[3, 6]", "retrain": "false"})
    assert (settings.fixed_k, settings.segment_k_range, settings.retrain) == (5, (3, 6), False)
    assert model_settings(CONFIG).fixed_k is None
    assert settings.sample.size == 200000 and settings.sample.strata == "rfm_label"


def test_a_bad_value_stops_with_the_hooks_message():
    with pytest.raises(SettingsError, match="n_segments is 1: segmenting needs at least 2 segments"):
        model_settings({**CONFIG, "n_segments": 1})
    with pytest.raises(SettingsError, match="fit_sample_size is 300000, above fit_sample_threshold 250000"):
        _ = model_settings({**CONFIG, "fit_sample_size": 300000}).sample


def test_a_setting_the_config_does_not_pass_names_the_fix():
    settings = model_settings({"random_state": 42})
    with pytest.raises(SettingsError, match="add gap_n_init: \"{{ var\\('gap_n_init'\\) }}\" under settings:"):
        _ = settings.gap_n_init
    with pytest.raises(SettingsError, match="no Python model reads"):
        model_settings({"random_stat": 42})


def customers(n=30) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [f"C{i:03d}" for i in range(n)][::-1], "rfm_label": "Loyal",
                         "spend": range(n)})


def test_fit_input_reads_every_customer_sorted_below_the_threshold():
    fit = fit_input(model_settings(CONFIG), customers())
    assert fit.kept is None and fit.customers["customer_id"].is_monotonic_increasing and len(fit.customers) == 30


def test_a_score_only_build_keeps_the_previous_table():
    settings = model_settings({**CONFIG, "retrain": False})
    decision = pd.DataFrame({"retrain": [False]})
    with duckdb.connect() as connection:
        connection.sql("create table segment_scaler as select 'spend' as feature")
        fit = fit_input(settings, customers(), decision, connection, "segment_scaler")
        assert fit.customers is None and fit.kept["feature"].tolist() == ["spend"]
        with pytest.raises(RegistryError, match="no model has been fitted"):
            fit_input(settings, customers(), decision, connection, "segment_centroids")
    # a retrain the decision asks for (retrain_on_drift) refits
    assert fit_input(settings, customers(), pd.DataFrame({"retrain": [True]}), None, None).kept is None
