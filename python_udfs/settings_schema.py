"""The settings (dbt vars) of the project, declared once: type, bounds, choices and the message naming the fix.

Two readers check a value against this schema, with the same rules and the same words:

- the on-run-start hooks (validate_settings, validate_history_settings, validate_monitoring_settings), through
  the macro settings_schema that `python -m python_udfs.settings_schema` writes from this module into
  macros/settings/settings_schema.sql (a test fails when that file is stale), and setting_value;
- the Python models and the package's functions, through check_setting below.

A value comes as YAML gives it (a Python model's config renders vars to the same types): whole numbers,
booleans and lists may also be written as text ("7", "true", "[3, 10]" or "3, 10"); other numbers may not.
A message is a template: `{name}` is the setting, `{value}` the value as given (text in double quotes), or
for a list whose items fail `pattern` or `choices`, the list of those items. RULES hold the messages of
checks that involve two settings or the data, for the checks both sides make.
"""

from __future__ import annotations

import datetime
import json
import numbers
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

COLUMN_NAME = "^[A-Za-z_][A-Za-z0-9_]*$"
GROUPS = ("settings", "history", "monitoring", "experiments")  # the hook that checks them: validate_<group>_settings


@dataclass(frozen=True)
class Setting:
    name: str
    type: str  # whole_number, number, boolean, date, text or list
    message: str
    group: str = "settings"
    minimum: float | None = None  # at least
    maximum: float | None = None  # at most
    above: float | None = None  # more than
    below: float | None = None  # less than
    bounds_message: str | None = None  # when a value of the right type lies out of bounds (default: message)
    keywords: tuple[str, ...] = ()  # words allowed instead of a value of the type (n_segments: auto)
    nullable: bool = False
    pattern: str | None = None  # a text, or each item of a list, matches it
    items: str | None = None  # the type of a list's items (whole_number), bounds then apply to each
    choices: tuple[str, ...] = ()  # the values a list's items may take
    length: int | None = None  # a list's exact length
    ascending: bool = False  # a list's items in non-decreasing order


def _whole(name: str, minimum: int, fix: str = "", group: str = "settings", **more) -> Setting:
    """A whole number of at least `minimum`; the message says what it counts and a usual value."""
    return Setting(name, "whole_number", f"{name} is {{value}}: {fix or f'set it to a whole number >= {minimum}.'}",
                   group=group, minimum=minimum, **more)


def _customers(name: str) -> Setting:
    return _whole(name, 1, f"set the {name} var to a whole number of customers >= 1.")


def _positive(name: str, fix: str = "set it to a number above 0.", **more) -> Setting:
    return Setting(name, "number", f"{name} is {{value}}: {fix}", above=0, **more)


def _boolean(name: str) -> Setting:
    return Setting(name, "boolean", f"{name} is {{value}}: set the {name} var to true or false.")


SETTINGS: tuple[Setting, ...] = (
    # the segmentation: features, K and its search range, the fit's seeds and samples
    Setting("segment_features", "list", pattern=COLUMN_NAME,
            message="segment_features contains {value}, which is not a column name (letters, digits and _ only): "
                    "list plain column names of customer_features in the segment_features var."),
    _whole("n_segments", 2, "set it to a whole number of segments (at least 2) or to auto.", keywords=("auto",),
           bounds_message="n_segments is {value}: segmenting needs at least 2 segments; set n_segments >= 2 or auto."),
    Setting("segment_k_range", "list", items="whole_number", length=2, minimum=2, ascending=True,
            message="segment_k_range is {value}: give two whole numbers [min, max] with 2 <= min <= max, "
                    "e.g. [3, 10]."),
    _whole("random_state", 0),
    _whole("kmeans_n_init", 1),
    _whole("silhouette_sample_size", 1),
    _whole("gap_reference_sets", 1, "the gap statistic needs at least 1 reference set; set it to a whole number "
                                    ">= 1 (10 is usual)."),
    _whole("gap_sample_size", 1),
    _whole("gap_n_init", 1),
    _whole("k_stability_bootstrap_samples", 2, "the stability vote needs at least 2 resamples; set it to a whole "
                                               "number >= 2 (10 is usual)."),
    _whole("stability_bootstrap_samples", 2, "a bootstrap needs at least 2 resamples; set it to a whole number >= 2 "
                                             "(20 is usual)."),
    _whole("stability_n_init", 1),
    _whole("stability_random_starts", 2, "the spread across random starts needs at least 2 starts; set it to a "
                                         "whole number >= 2 (10 is usual)."),
    _whole("comparison_sample_size", 2, "the sampled algorithms and the silhouette need at least 2 customers; set "
                                        "it to a whole number >= 2 (5000 is usual)."),
    _whole("rule_max_leaf_factor", 1, "a rule tree has at most factor x K leaves; set it to a whole number >= 1 "
                                      "(4 is usual)."),
    _positive("rule_fidelity_target", "set it to a share of customers above 0 and at most 1, e.g. 0.9.", maximum=1),
    _positive("rule_cost_ratio_target", "set it to a number above 0, e.g. 1.1 (the rules may cost at most 1.1 x "
                                        "the K-Means partition)."),
    _positive("segment_match_max_distance"),
    _customers("fit_sample_threshold"),
    _customers("fit_sample_size"),
    _customers("minibatch_threshold"),
    Setting("fit_sample_strata", "text", nullable=True, pattern=COLUMN_NAME,
            message="fit_sample_strata is {value}, which is not a column name: set it to a column of "
                    "customer_features with few values (e.g. rfm_label), or to null for a simple random sample."),
    # the data: dates and numbers written into SQL
    Setting("earliest_valid_date", "date",
            message="earliest_valid_date is {value}: set it to a date written YYYY-MM-DD, e.g. 1990-01-01."),
    Setting("as_of_date", "date", nullable=True,
            message="as_of_date is {value}: set it to a date written YYYY-MM-DD, or to null for the date of the "
                    "latest clean order line."),
    _positive("max_quantity_per_line"),
    _positive("max_unit_price"),
    _positive("money_cap_quantile", "set it to a number above 0 and at most 1, e.g. 0.99.", maximum=1),
    _positive("near_constant_feature_share", "set it to a number above 0 and at most 1, e.g. 0.95.", maximum=1),
    _positive("max_quarantined_share", "set it to the largest share of a source that may be quarantined before "
                                       "the build stops, above 0 and at most 1 (e.g. 0.5).", maximum=1),
    # the report marts
    _whole("projection_sample_size", 0, "set it to a whole number of customers >= 0 (e.g. 2000) in the "
                                        "projection_sample_size var."),
    _whole("distribution_bins", 1, "set the distribution_bins var to a whole number of histogram bins >= 1, e.g. 20."),
    # the registry and the publish gate
    Setting("model_version", "text", nullable=True, pattern="^[A-Za-z0-9_.-]+$",
            message="model_version is {value}, which is not a model version: copy one from "
                    "segment_models.model_version into the model_version var, or set it to null."),
    _boolean("retrain"),
    _boolean("retrain_on_drift"),
    _boolean("publish_gate_allow_feature_change"),
    _boolean("allow_unstable_segments"),
    Setting("publish_gate_min_segment_share", "number", minimum=0, below=1,
            message="publish_gate_min_segment_share is {value}: set it to a share of customers from 0 up to (not "
                    "including) 1, e.g. 0.01."),
    Setting("publish_gate_allowed_verdicts", "list", choices=("stable", "doubtful", "unstable"),
            message="publish_gate_allowed_verdicts names {value}: list verdicts of segment_stability (stable, "
                    "doubtful, unstable)."),
    # customer lifetime value (python_udfs.clv)
    _boolean("enable_clv"),
    _whole("clv_horizon_days", 1, "set it to a whole number of days >= 1, e.g. 365."),
    Setting("clv_annual_discount_rate", "number", minimum=0, below=1,
            message="clv_annual_discount_rate is {value}: set it to a yearly rate from 0 up to (not including) 1, "
                    "e.g. 0.1."),
    _customers("clv_min_repeat_customers"),
    # history and export
    _whole("export_min_segment_size", 1, "set it to a whole number of customers >= 1 (segments smaller than it "
                                         "are not named in segment_export).", group="history"),
    # drift monitoring and back-testing
    *(_positive(name, "set it to a number above 0 (defaults: drift_psi_warn 0.1, drift_psi_error 0.25, "
                      "drift_psi_epsilon 0.0001).", group="monitoring")
      for name in ("drift_psi_warn", "drift_psi_error", "drift_psi_epsilon")),
    _whole("drift_bins", 2, "set it to a whole number of quantile bins from 2 to 100, e.g. 10 (deciles).",
           group="monitoring", maximum=100),
    _whole("backtest_outcome_days", 1, "set it to a whole number of days >= 1, e.g. 90.", group="monitoring"),
    Setting("backtest_as_of_date", "date", nullable=True, group="monitoring",
            message="backtest_as_of_date is {value}: set it to a date written YYYY-MM-DD, or to null for the "
                    "as-of date minus backtest_outcome_days."),
    # holdout experiments: each item's fields are checked by check_experiments (RULES experiment_*)
    Setting("experiments", "list", group="experiments",
            message="experiments is {value}: set it to a list of experiments, each "
                    "{name: ..., holdout_share: ..., start_date: YYYY-MM-DD, end_date: YYYY-MM-DD}, or to []."),
    Setting("experiment_salt", "text", group="experiments", pattern="^[A-Za-z0-9_.:-]*$",
            message="experiment_salt is {value}: set it to text of letters, digits and _ . : - only (it is "
                    "written into SQL); changing it redraws the groups of experiments not yet assigned."),
    _whole("experiment_min_holdout_customers", 2, "set it to a whole number of holdout customers >= 2 (30 is "
                                                  "usual): smaller segments get no confidence interval.",
           group="experiments"),
)

SCHEMA: dict[str, Setting] = {setting.name: setting for setting in SETTINGS}

# checks that involve two settings or the data, made both by the hooks and by the Python models
RULES: dict[str, str] = {
    "segment_features_empty": "segment_features is empty: list at least one numeric column of customer_features "
                              "in the segment_features var (dbt_project.yml).",
    "segment_features_duplicated": "segment_features lists {features} more than once: keep each feature once in "
                                   "the segment_features var.",
    "segment_features_unknown": "segment_features names {features}, which customer_features does not have: choose "
                                "from {columns} in the segment_features var.",
    "fit_sample_size_above_threshold": "fit_sample_size is {size}, above fit_sample_threshold {threshold}: a sample "
                                       "cannot be larger than the population it is drawn from; set fit_sample_size "
                                       "<= fit_sample_threshold.",
    "fit_sample_strata_unknown": "fit_sample_strata names '{strata}', which customer_features does not have: choose "
                                 "one of {columns} (e.g. rfm_label) in the fit_sample_strata var, or null for a "
                                 "simple random sample.",
    "experiment_not_mapping": "experiments lists {value}, which is not an experiment: write each as "
                              "{name: ..., holdout_share: ..., start_date: YYYY-MM-DD, end_date: YYYY-MM-DD}.",
    "experiment_fields": "experiment {experiment} has fields {fields}: give exactly name, holdout_share, "
                         "start_date and end_date.",
    "experiment_name": "experiment name {value} is not a name: use lower-case letters, digits and _, starting "
                       "with a letter (e.g. winback_q4), at most 63 characters.",
    "experiment_names_duplicated": "experiments names {names} more than once: give every experiment its own name.",
    "experiment_holdout_share": "experiment {experiment} has holdout_share {value}: set it to a share above 0 "
                                "and below 1, e.g. 0.1.",
    "experiment_date": "experiment {experiment} has {field} {value}: set it to a date written YYYY-MM-DD.",
    "experiment_window": "experiment {experiment} starts {start_date}, after it ends ({end_date}): set "
                         "start_date on or before end_date.",
    "model_version_unregistered": "model_version is '{version}', which is not a registered model version "
                                  "(registered: {versions}): pin one of those in the model_version var, or set it "
                                  "to null to score with the published one.",
}


class SettingsError(ValueError):
    """A setting (a dbt var) that cannot work; the message names the var and the fix."""


def shown(value) -> str:
    """A value as a message shows it: text in double quotes, anything else as written (the macro shown)."""
    return f'"{value}"' if isinstance(value, str) else str(value)


def message(template: str, **values) -> str:
    """`template` with each {key} replaced by its value's text (the macro settings_message)."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", str(value))
    return template


def rule_message(rule: str, **values) -> str:
    return message(RULES[rule], **values)


def check_setting(name: str, value, error: type[Exception] = SettingsError):
    """The value of setting `name` as its type (int, float, bool, date, str, tuple; None when null, the keyword
    when one is given), or `error` with the schema's message (the macro setting_value, for the hooks)."""
    setting = SCHEMA[name]

    def fail(bound: bool = False, shown_value: str | None = None):
        template = (setting.bounds_message or setting.message) if bound else setting.message
        raise error(message(template, name=name, value=shown(value) if shown_value is None else shown_value))

    if value is None and setting.nullable:
        return None
    if value is None and setting.type != "list":
        fail()
    if isinstance(value, str) and value.strip().lower() in setting.keywords:
        return value.strip().lower()
    if setting.type == "list":
        items = list_value(value)
        if setting.items == "whole_number":
            parsed = [whole_number(item) for item in items]
            if None in parsed:
                fail()
            items = parsed
        bad = [item for item in items
               if (setting.pattern and not (isinstance(item, str) and re.match(setting.pattern, item)))
               or (setting.choices and item not in setting.choices)]
        if bad:
            fail(shown_value=str(bad))
        if ((setting.length is not None and len(items) != setting.length)
                or any(not _in_bounds(setting, item) for item in items)
                or (setting.ascending and items != sorted(items))):
            fail()
        return tuple(items)
    typed = _typed(setting, value)
    if typed is None:
        fail()
    if setting.type in ("whole_number", "number") and not _in_bounds(setting, typed):
        fail(bound=True)
    return typed


def _typed(setting: Setting, value):
    """The value as the setting's type, or None when it is not one."""
    if setting.type == "whole_number":
        return whole_number(value)
    if setting.type == "number":  # a number as YAML gives it: "0.5" is text, as in the hooks
        return float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else None
    if setting.type == "boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower() if isinstance(value, str) else None
        return {"true": True, "false": False}.get(text)
    if setting.type == "date":
        return _date(value)
    if setting.type == "text":
        return value if isinstance(value, str) and (not setting.pattern or re.match(setting.pattern, value)) else None
    raise ValueError(f"setting {setting.name} has unknown type {setting.type}")


def _in_bounds(setting: Setting, value) -> bool:
    return ((setting.minimum is None or value >= setting.minimum)
            and (setting.maximum is None or value <= setting.maximum)
            and (setting.above is None or value > setting.above)
            and (setting.below is None or value < setting.below))


def whole_number(value) -> int | None:
    """7, 7.0 and "7" are 7; anything else (a boolean, 2.5, "seven") is None (the macro whole_number)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return int(value) if float(value).is_integer() else None
    if isinstance(value, str) and re.match(r"^\s*-?[0-9]+\s*$", value):
        return int(value.strip())
    return None


def list_value(value) -> list:
    """A list, or the text of one ("[3, 10]"), or comma-separated text ("a, b"); one value (a mapping too) is a
    list of one (the macro list_var)."""
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = yaml.safe_load(text)
            except yaml.YAMLError:
                value = [text]
        else:
            value = [part.strip() for part in text.split(",") if part.strip()]
    if isinstance(value, (str, numbers.Number, dict)):
        return [value]
    return list(value)


EXPERIMENT_NAME = "^[a-z][a-z0-9_]{0,62}$"
EXPERIMENT_FIELDS = ("name", "holdout_share", "start_date", "end_date")


def check_experiments(value, error: type[Exception] = SettingsError) -> tuple[dict, ...]:
    """The experiments var as a tuple of {name, holdout_share (float), start_date, end_date (dates)}, or
    `error` with the RULES message naming the fix (the macro experiments, for the hooks and the models)."""
    items = check_setting("experiments", value, error)
    checked, names = [], []
    for item in items:
        if not isinstance(item, dict):
            raise error(rule_message("experiment_not_mapping", value=shown(item)))
        name = item.get("name")
        if not (isinstance(name, str) and re.match(EXPERIMENT_NAME, name)):
            raise error(rule_message("experiment_name", value=shown(name)))
        if sorted(item) != sorted(EXPERIMENT_FIELDS):
            raise error(rule_message("experiment_fields", experiment=name, fields=str(sorted(item))))
        share = item["holdout_share"]
        if isinstance(share, bool) or not isinstance(share, numbers.Real) or not 0 < share < 1:
            raise error(rule_message("experiment_holdout_share", experiment=name, value=shown(share)))
        dates = {}
        for field in ("start_date", "end_date"):
            dates[field] = _date(item[field])
            if dates[field] is None:
                raise error(rule_message("experiment_date", experiment=name, field=field, value=shown(item[field])))
        if dates["start_date"] > dates["end_date"]:
            raise error(rule_message("experiment_window", experiment=name, **dates))
        names.append(name)
        checked.append({"name": name, "holdout_share": float(share), **dates})
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise error(rule_message("experiment_names_duplicated", names=str(duplicated)))
    return tuple(checked)


def _date(value) -> datetime.date | None:
    """A real YYYY-MM-DD date, or None (the macro date_var)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", value.strip()):
        try:
            return datetime.datetime.strptime(value.strip(), "%Y-%m-%d").date()
        except ValueError:
            return None
    return None


# ------------------------------------------------------------------------------ the macro the hooks read

MACRO_PATH = Path(__file__).resolve().parent.parent / "macros" / "settings" / "settings_schema.sql"


def _jinja(value) -> str:
    """A Jinja literal of a schema value (none/true/false, numbers, strings, lists, dicts)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_jinja(item) for item in value) + "]"
    raise TypeError(f"no Jinja literal for {value!r}")


MACRO_LINE_LENGTH = 120


def _jinja_text(text: str, first_room: int, indent: str) -> str:
    """A Jinja string literal of text, cut at spaces into pieces joined by ~ on continuation lines at indent:
    the first piece fits first_room columns, every line MACRO_LINE_LENGTH, and the pieces join to the same text."""
    pieces, piece, room = [], "", first_room
    for word in re.split(r"(?<= )", text):
        if piece and len(_jinja(piece + word)) > room:
            pieces.append(piece)
            piece, room = "", MACRO_LINE_LENGTH - len(indent) - len("~ ,")
        piece += word
    pieces.append(piece)
    return f"\n{indent}~ ".join(_jinja(piece) for piece in pieces)


def _jinja_entry(key: str, value, indent: str) -> str:
    """One `key: value` line of a Jinja dict at indent, a long string value continued on further lines."""
    head = f"{indent}{_jinja(key)}: "
    if not isinstance(value, str) or len(head + _jinja(value)) < MACRO_LINE_LENGTH:
        return head + _jinja(value)
    return head + _jinja_text(value, MACRO_LINE_LENGTH - len(head) - len(","), indent + "    ")


def settings_macro() -> str:
    """The text of macros/settings/settings_schema.sql: SETTINGS and RULES as Jinja dicts, one setting
    field per line."""
    defaults = asdict(Setting("", "", ""))
    lines = []
    for setting in SETTINGS:
        fields = {key: value for key, value in asdict(setting).items()
                  if key in ("type", "group", "message") or value != defaults[key]}
        lines.append(f"        {_jinja(setting.name)}: {{\n"
                     + ",\n".join(_jinja_entry(key, value, " " * 12) for key, value in fields.items())
                     + "\n        }")
    rules = [_jinja_entry(rule, text, " " * 8) for rule, text in RULES.items()]
    return (
        "{#- Written by `python -m python_udfs.settings_schema` from python_udfs/settings_schema.py, where each\n"
        "    setting is declared (type, bounds, choices, message): edit that file and rerun it; a test fails when\n"
        "    this file is stale. settings_schema() is every setting by name, settings_rules() the messages of the\n"
        "    checks that involve two settings or the data. -#}\n"
        "{% macro settings_schema() %}\n"
        "    {{ return({\n" + ",\n".join(lines) + "\n    }) }}\n"
        "{% endmacro %}\n\n"
        "{% macro settings_rules() %}\n"
        "    {{ return({\n" + ",\n".join(rules) + "\n    }) }}\n"
        "{% endmacro %}\n"
    )


def write_settings_macro(path: Path = MACRO_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(settings_macro(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"wrote {write_settings_macro(Path(sys.argv[1]) if len(sys.argv) > 1 else MACRO_PATH)}")
