"""The settings (dbt vars) a dbt Python model reads, checked and typed once.

A Python model cannot call var(): its yml config hands it the vars it reads as one dict,

    config:
      settings:
        random_state: "{{ var('random_state') }}"

and the model reads them once, `settings = model_settings(dbt.config.get("settings"))`. Each value is
checked against the settings schema (python_udfs.settings_schema, the same rules and messages as the
on-run-start hooks) and typed; a setting the model's config does not pass stops the model naming the fix.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from python_udfs.fit_sample import SampleSettings
from python_udfs.registry import GateSettings
from python_udfs.settings_schema import SettingsError, check_setting

_NOT_PASSED = object()


@dataclass(frozen=True, repr=False)
class ModelSettings:
    """The vars of the Python models, typed. A field its model's config does not pass cannot be read."""

    retrain: bool = _NOT_PASSED
    model_version: str | None = _NOT_PASSED  # a pinned version, None for the published one
    segment_features: tuple[str, ...] = _NOT_PASSED
    n_segments: int | str = _NOT_PASSED  # a K, or "auto"
    segment_k_range: tuple[int, int] = _NOT_PASSED
    random_state: int = _NOT_PASSED
    kmeans_n_init: int = _NOT_PASSED
    minibatch_threshold: int = _NOT_PASSED
    fit_sample_threshold: int = _NOT_PASSED
    fit_sample_size: int = _NOT_PASSED
    fit_sample_strata: str | None = _NOT_PASSED
    segment_match_max_distance: float = _NOT_PASSED
    silhouette_sample_size: int = _NOT_PASSED
    gap_reference_sets: int = _NOT_PASSED
    gap_sample_size: int = _NOT_PASSED
    gap_n_init: int = _NOT_PASSED
    k_stability_bootstrap_samples: int = _NOT_PASSED
    stability_bootstrap_samples: int = _NOT_PASSED
    stability_n_init: int = _NOT_PASSED
    stability_random_starts: int = _NOT_PASSED
    comparison_sample_size: int = _NOT_PASSED
    rule_max_leaf_factor: int = _NOT_PASSED
    rule_fidelity_target: float = _NOT_PASSED
    rule_cost_ratio_target: float = _NOT_PASSED
    projection_sample_size: int = _NOT_PASSED
    publish_gate_min_segment_share: float = _NOT_PASSED
    publish_gate_allowed_verdicts: tuple[str, ...] = _NOT_PASSED
    publish_gate_allow_feature_change: bool = _NOT_PASSED
    allow_unstable_segments: bool = _NOT_PASSED
    enable_clv: bool = _NOT_PASSED
    clv_horizon_days: int = _NOT_PASSED
    clv_annual_discount_rate: float = _NOT_PASSED
    clv_min_repeat_customers: int = _NOT_PASSED

    def __getattribute__(self, name):
        value = object.__getattribute__(self, name)
        if value is _NOT_PASSED:
            raise SettingsError(
                f"this model reads the {name} var, but its config does not pass it: add "
                f"{name}: \"{{{{ var('{name}') }}}}\" under settings: in the model's yml config."
            )
        return value

    def __repr__(self):
        passed = {field.name: object.__getattribute__(self, field.name) for field in fields(self)}
        return "ModelSettings(" + ", ".join(f"{name}={value!r}" for name, value in passed.items()
                                            if value is not _NOT_PASSED) + ")"

    @property
    def fixed_k(self) -> int | None:
        """n_segments as a number of segments, None for auto."""
        return None if self.n_segments == "auto" else self.n_segments

    @property
    def sample(self):
        """The fit sample's settings (python_udfs.fit_sample)."""
        return SampleSettings.checked(self.fit_sample_threshold, self.fit_sample_size, self.fit_sample_strata,
                                      self.random_state)

    @property
    def gate(self):
        """The publish gate's bars (python_udfs.registry)."""
        return GateSettings.from_config(self.publish_gate_min_segment_share, self.publish_gate_allowed_verdicts,
                                        self.publish_gate_allow_feature_change, self.allow_unstable_segments)


FIELDS = {field.name for field in fields(ModelSettings)}


def model_settings(config: dict | None) -> ModelSettings:
    """The vars a model's config passes under `settings`, each checked against the settings schema."""
    config = dict(config or {})
    unknown = sorted(set(config) - FIELDS)
    if unknown:
        raise SettingsError(f"the model's settings config names {unknown}, which no Python model reads: remove "
                            f"them, or add them to python_udfs.model_settings.ModelSettings.")
    return ModelSettings(**{name: check_setting(name, value) for name, value in config.items()})
