"""The settings schema is declared once (python_udfs/settings_schema.py); the hooks read the macro written from it."""

import datetime

import jinja2
import pytest

from python_udfs.settings_schema import MACRO_PATH, RULES, SCHEMA, SettingsError, check_setting, settings_macro

pytestmark = pytest.mark.unit


def rendered_macros() -> dict:
    """settings_schema() and settings_rules() as Jinja evaluates the committed macro file."""
    environment = jinja2.Environment(extensions=["jinja2.ext.do"])
    returned = {}
    source = MACRO_PATH.read_text(encoding="utf-8").replace("{% macro ", "{% macro _").replace("return(", "_keep(")
    template = environment.from_string(source + "{{ _settings_schema() }}{{ _settings_rules() }}")
    template.render(_keep=lambda value: returned.setdefault(len(returned), value) and "")
    return returned


def test_the_committed_macro_is_written_from_the_schema():
    assert MACRO_PATH.read_text(encoding="utf-8") == settings_macro(), (
        "macros/settings/settings_schema.sql is stale: run .venv/bin/python -m python_udfs.settings_schema")


def test_jinja_reads_the_same_settings_and_messages():
    schema, rules = rendered_macros()[0], rendered_macros()[1]
    assert set(schema) == set(SCHEMA) and rules == RULES
    for name, setting in SCHEMA.items():
        assert schema[name]["message"] == setting.message and schema[name]["type"] == setting.type
        for bound in ("minimum", "maximum", "above", "below"):
            assert schema[name].get(bound) == getattr(setting, bound), (name, bound)
        assert tuple(schema[name].get("choices", ())) == setting.choices


@pytest.mark.parametrize("name, value, typed", [
    ("n_segments", "auto", "auto"), ("n_segments", "4", 4), ("n_segments", 4.0, 4),
    ("segment_k_range", "[3, 10]", (3, 10)), ("segment_k_range", "3, 10", (3, 10)),
    ("retrain", "False", False), ("retrain", True, True), ("model_version", None, None),
    ("publish_gate_allowed_verdicts", "stable, doubtful", ("stable", "doubtful")),
    ("as_of_date", "2025-06-01", datetime.date(2025, 6, 1)), ("drift_bins", 100, 100),
    ("publish_gate_min_segment_share", 0, 0.0),
])
def test_values_are_read_as_their_type(name, value, typed):
    assert check_setting(name, value) == typed


@pytest.mark.parametrize("name, value, message", [
    ("n_segments", 1, "n_segments is 1: segmenting needs at least 2 segments"),
    ("n_segments", "three", 'n_segments is "three": set it to a whole number'),
    ("segment_k_range", [5, 3], "segment_k_range is [5, 3]: give two whole numbers [min, max] with 2 <= min <= max"),
    ("retrain", "yes", 'retrain is "yes": set the retrain var to true or false.'),
    ("max_unit_price", "1; drop table customer_segments", 'max_unit_price is "1; drop table customer_segments"'),
    ("max_unit_price", "5", 'max_unit_price is "5": set it to a number above 0.'),
    ("publish_gate_allowed_verdicts", ["stable", "shaky"], "publish_gate_allowed_verdicts names ['shaky']"),
    ("segment_features", ["a", "b;--"], "segment_features contains ['b;--'], which is not a column name"),
    ("drift_bins", 101, "drift_bins is 101: set it to a whole number of quantile bins from 2 to 100"),
    ("as_of_date", "2025-13-01", 'as_of_date is "2025-13-01": set it to a date written YYYY-MM-DD'),
    ("earliest_valid_date", None, "earliest_valid_date is None: set it to a date"),
    ("publish_gate_min_segment_share", 1, "publish_gate_min_segment_share is 1: set it to a share of customers"),
])
def test_bad_values_stop_with_the_schema_message(name, value, message):
    with pytest.raises(SettingsError) as error:
        check_setting(name, value)
    assert message in str(error.value)


def test_every_declared_setting_is_a_var_of_the_project_and_its_default_passes():
    import yaml
    from pathlib import Path

    defaults = yaml.safe_load((Path(__file__).resolve().parents[2] / "dbt_project.yml").read_text())["vars"]
    assert set(SCHEMA) <= set(defaults)
    for name in SCHEMA:
        check_setting(name, defaults[name])
