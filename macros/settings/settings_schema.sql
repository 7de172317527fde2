{#- Written by `python -m python_udfs.settings_schema` from python_udfs/settings_schema.py, where each
    setting is declared (type, bounds, choices, message): edit that file and rerun it; a test fails when
    this file is stale. settings_schema() is every setting by name, settings_rules() the messages of the
    checks that involve two settings or the data. -#}
{% macro settings_schema() %}
    {{ return({
        "segment_features": {
            "name": "segment_features",
            "type": "list",
            "message": "segment_features contains {value}, which is not a column name (letters, digits and _ only): "
                ~ "list plain column names of customer_features in the segment_features var.",
            "group": "settings",
            "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"
        },
        "n_segments": {
            "name": "n_segments",
            "type": "whole_number",
            "message": "n_segments is {value}: set it to a whole number of segments (at least 2) or to auto.",
            "group": "settings",
            "minimum": 2,
            "bounds_message": "n_segments is {value}: segmenting needs at least 2 segments; set n_segments >= 2 or "
                ~ "auto.",
            "keywords": ["auto"]
        },
        "segment_k_range": {
            "name": "segment_k_range",
            "type": "list",
            "message": "segment_k_range is {value}: give two whole numbers [min, max] with 2 <= min <= max, e.g. [3, "
                ~ "10].",
            "group": "settings",
            "minimum": 2,
            "items": "whole_number",
            "length": 2,
            "ascending": true
        },
        "random_state": {
            "name": "random_state",
            "type": "whole_number",
            "message": "random_state is {value}: set it to a whole number >= 0.",
            "group": "settings",
            "minimum": 0
        },
        "kmeans_n_init": {
            "name": "kmeans_n_init",
            "type": "whole_number",
            "message": "kmeans_n_init is {value}: set it to a whole number >= 1.",
            "group": "settings",
            "minimum": 1
        },
        "silhouette_sample_size": {
            "name": "silhouette_sample_size",
            "type": "whole_number",
            "message": "silhouette_sample_size is {value}: set it to a whole number >= 1.",
            "group": "settings",
            "minimum": 1
        },
        "gap_reference_sets": {
            "name": "gap_reference_sets",
            "type": "whole_number",
            "message": "gap_reference_sets is {value}: the gap statistic needs at least 1 reference set; set it to a "
                ~ "whole number >= 1 (10 is usual).",
            "group": "settings",
            "minimum": 1
        },
        "gap_sample_size": {
            "name": "gap_sample_size",
            "type": "whole_number",
            "message": "gap_sample_size is {value}: set it to a whole number >= 1.",
            "group": "settings",
            "minimum": 1
        },
        "gap_n_init": {
            "name": "gap_n_init",
            "type": "whole_number",
            "message": "gap_n_init is {value}: set it to a whole number >= 1.",
            "group": "settings",
            "minimum": 1
        },
        "k_stability_bootstrap_samples": {
            "name": "k_stability_bootstrap_samples",
            "type": "whole_number",
            "message": "k_stability_bootstrap_samples is {value}: the stability vote needs at least 2 resamples; set "
                ~ "it to a whole number >= 2 (10 is usual).",
            "group": "settings",
            "minimum": 2
        },
        "stability_bootstrap_samples": {
            "name": "stability_bootstrap_samples",
            "type": "whole_number",
            "message": "stability_bootstrap_samples is {value}: a bootstrap needs at least 2 resamples; set it to a "
                ~ "whole number >= 2 (20 is usual).",
            "group": "settings",
            "minimum": 2
        },
        "stability_n_init": {
            "name": "stability_n_init",
            "type": "whole_number",
            "message": "stability_n_init is {value}: set it to a whole number >= 1.",
            "group": "settings",
            "minimum": 1
        },
        "stability_random_starts": {
            "name": "stability_random_starts",
            "type": "whole_number",
            "message": "stability_random_starts is {value}: the spread across random starts needs at least 2 starts; "
                ~ "set it to a whole number >= 2 (10 is usual).",
            "group": "settings",
            "minimum": 2
        },
        "comparison_sample_size": {
            "name": "comparison_sample_size",
            "type": "whole_number",
            "message": "comparison_sample_size is {value}: the sampled algorithms and the silhouette need at least 2 "
                ~ "customers; set it to a whole number >= 2 (5000 is usual).",
            "group": "settings",
            "minimum": 2
        },
        "rule_max_leaf_factor": {
            "name": "rule_max_leaf_factor",
            "type": "whole_number",
            "message": "rule_max_leaf_factor is {value}: a rule tree has at most factor x K leaves; set it to a whole "
                ~ "number >= 1 (4 is usual).",
            "group": "settings",
            "minimum": 1
        },
        "rule_fidelity_target": {
            "name": "rule_fidelity_target",
            "type": "number",
            "message": "rule_fidelity_target is {value}: set it to a share of customers above 0 and at most 1, e.g. "
                ~ "0.9.",
            "group": "settings",
            "maximum": 1,
            "above": 0
        },
        "rule_cost_ratio_target": {
            "name": "rule_cost_ratio_target",
            "type": "number",
            "message": "rule_cost_ratio_target is {value}: set it to a number above 0, e.g. 1.1 (the rules may cost "
                ~ "at most 1.1 x the K-Means partition).",
            "group": "settings",
            "above": 0
        },
        "segment_match_max_distance": {
            "name": "segment_match_max_distance",
            "type": "number",
            "message": "segment_match_max_distance is {value}: set it to a number above 0.",
            "group": "settings",
            "above": 0
        },
        "fit_sample_threshold": {
            "name": "fit_sample_threshold",
            "type": "whole_number",
            "message": "fit_sample_threshold is {value}: set the fit_sample_threshold var to a whole number of "
                ~ "customers >= 1.",
            "group": "settings",
            "minimum": 1
        },
        "fit_sample_size": {
            "name": "fit_sample_size",
            "type": "whole_number",
            "message": "fit_sample_size is {value}: set the fit_sample_size var to a whole number of customers >= 1.",
            "group": "settings",
            "minimum": 1
        },
        "minibatch_threshold": {
            "name": "minibatch_threshold",
            "type": "whole_number",
            "message": "minibatch_threshold is {value}: set the minibatch_threshold var to a whole number of "
                ~ "customers >= 1.",
            "group": "settings",
            "minimum": 1
        },
        "fit_sample_strata": {
            "name": "fit_sample_strata",
            "type": "text",
            "message": "fit_sample_strata is {value}, which is not a column name: set it to a column of "
                ~ "customer_features with few values (e.g. rfm_label), or to null for a simple random sample.",
            "group": "settings",
            "nullable": true,
            "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"
        },
        "earliest_valid_date": {
            "name": "earliest_valid_date",
            "type": "date",
            "message": "earliest_valid_date is {value}: set it to a date written YYYY-MM-DD, e.g. 1990-01-01.",
            "group": "settings"
        },
        "as_of_date": {
            "name": "as_of_date",
            "type": "date",
            "message": "as_of_date is {value}: set it to a date written YYYY-MM-DD, or to null for the date of the "
                ~ "latest clean order line.",
            "group": "settings",
            "nullable": true
        },
        "max_quantity_per_line": {
            "name": "max_quantity_per_line",
            "type": "number",
            "message": "max_quantity_per_line is {value}: set it to a number above 0.",
            "group": "settings",
            "above": 0
        },
        "max_unit_price": {
            "name": "max_unit_price",
            "type": "number",
            "message": "max_unit_price is {value}: set it to a number above 0.",
            "group": "settings",
            "above": 0
        },
        "money_cap_quantile": {
            "name": "money_cap_quantile",
            "type": "number",
            "message": "money_cap_quantile is {value}: set it to a number above 0 and at most 1, e.g. 0.99.",
            "group": "settings",
            "maximum": 1,
            "above": 0
        },
        "near_constant_feature_share": {
            "name": "near_constant_feature_share",
            "type": "number",
            "message": "near_constant_feature_share is {value}: set it to a number above 0 and at most 1, e.g. 0.95.",
            "group": "settings",
            "maximum": 1,
            "above": 0
        },
        "max_quarantined_share": {
            "name": "max_quarantined_share",
            "type": "number",
            "message": "max_quarantined_share is {value}: set it to the largest share of a source that may be "
                ~ "quarantined before the build stops, above 0 and at most 1 (e.g. 0.5).",
            "group": "settings",
            "maximum": 1,
            "above": 0
        },
        "projection_sample_size": {
            "name": "projection_sample_size",
            "type": "whole_number",
            "message": "projection_sample_size is {value}: set it to a whole number of customers >= 0 (e.g. 2000) in "
                ~ "the projection_sample_size var.",
            "group": "settings",
            "minimum": 0
        },
        "distribution_bins": {
            "name": "distribution_bins",
            "type": "whole_number",
            "message": "distribution_bins is {value}: set the distribution_bins var to a whole number of histogram "
                ~ "bins >= 1, e.g. 20.",
            "group": "settings",
            "minimum": 1
        },
        "model_version": {
            "name": "model_version",
            "type": "text",
            "message": "model_version is {value}, which is not a model version: copy one from "
                ~ "segment_models.model_version into the model_version var, or set it to null.",
            "group": "settings",
            "nullable": true,
            "pattern": "^[A-Za-z0-9_.-]+$"
        },
        "retrain": {
            "name": "retrain",
            "type": "boolean",
            "message": "retrain is {value}: set the retrain var to true or false.",
            "group": "settings"
        },
        "retrain_on_drift": {
            "name": "retrain_on_drift",
            "type": "boolean",
            "message": "retrain_on_drift is {value}: set the retrain_on_drift var to true or false.",
            "group": "settings"
        },
        "publish_gate_allow_feature_change": {
            "name": "publish_gate_allow_feature_change",
            "type": "boolean",
            "message": "publish_gate_allow_feature_change is {value}: set the publish_gate_allow_feature_change var "
                ~ "to true or false.",
            "group": "settings"
        },
        "allow_unstable_segments": {
            "name": "allow_unstable_segments",
            "type": "boolean",
            "message": "allow_unstable_segments is {value}: set the allow_unstable_segments var to true or false.",
            "group": "settings"
        },
        "publish_gate_min_segment_share": {
            "name": "publish_gate_min_segment_share",
            "type": "number",
            "message": "publish_gate_min_segment_share is {value}: set it to a share of customers from 0 up to (not "
                ~ "including) 1, e.g. 0.01.",
            "group": "settings",
            "minimum": 0,
            "below": 1
        },
        "publish_gate_allowed_verdicts": {
            "name": "publish_gate_allowed_verdicts",
            "type": "list",
            "message": "publish_gate_allowed_verdicts names {value}: list verdicts of segment_stability (stable, "
                ~ "doubtful, unstable).",
            "group": "settings",
            "choices": ["stable", "doubtful", "unstable"]
        },
        "enable_clv": {
            "name": "enable_clv",
            "type": "boolean",
            "message": "enable_clv is {value}: set the enable_clv var to true or false.",
            "group": "settings"
        },
        "clv_horizon_days": {
            "name": "clv_horizon_days",
            "type": "whole_number",
            "message": "clv_horizon_days is {value}: set it to a whole number of days >= 1, e.g. 365.",
            "group": "settings",
            "minimum": 1
        },
        "clv_annual_discount_rate": {
            "name": "clv_annual_discount_rate",
            "type": "number",
            "message": "clv_annual_discount_rate is {value}: set it to a yearly rate from 0 up to (not including) 1, "
                ~ "e.g. 0.1.",
            "group": "settings",
            "minimum": 0,
            "below": 1
        },
        "clv_min_repeat_customers": {
            "name": "clv_min_repeat_customers",
            "type": "whole_number",
            "message": "clv_min_repeat_customers is {value}: set the clv_min_repeat_customers var to a whole number "
                ~ "of customers >= 1.",
            "group": "settings",
            "minimum": 1
        },
        "export_min_segment_size": {
            "name": "export_min_segment_size",
            "type": "whole_number",
            "message": "export_min_segment_size is {value}: set it to a whole number of customers >= 1 (segments "
                ~ "smaller than it are not named in segment_export).",
            "group": "history",
            "minimum": 1
        },
        "drift_psi_warn": {
            "name": "drift_psi_warn",
            "type": "number",
            "message": "drift_psi_warn is {value}: set it to a number above 0 (defaults: drift_psi_warn 0.1, "
                ~ "drift_psi_error 0.25, drift_psi_epsilon 0.0001).",
            "group": "monitoring",
            "above": 0
        },
        "drift_psi_error": {
            "name": "drift_psi_error",
            "type": "number",
            "message": "drift_psi_error is {value}: set it to a number above 0 (defaults: drift_psi_warn 0.1, "
                ~ "drift_psi_error 0.25, drift_psi_epsilon 0.0001).",
            "group": "monitoring",
            "above": 0
        },
        "drift_psi_epsilon": {
            "name": "drift_psi_epsilon",
            "type": "number",
            "message": "drift_psi_epsilon is {value}: set it to a number above 0 (defaults: drift_psi_warn 0.1, "
                ~ "drift_psi_error 0.25, drift_psi_epsilon 0.0001).",
            "group": "monitoring",
            "above": 0
        },
        "drift_bins": {
            "name": "drift_bins",
            "type": "whole_number",
            "message": "drift_bins is {value}: set it to a whole number of quantile bins from 2 to 100, e.g. 10 "
                ~ "(deciles).",
            "group": "monitoring",
            "minimum": 2,
            "maximum": 100
        },
        "backtest_outcome_days": {
            "name": "backtest_outcome_days",
            "type": "whole_number",
            "message": "backtest_outcome_days is {value}: set it to a whole number of days >= 1, e.g. 90.",
            "group": "monitoring",
            "minimum": 1
        },
        "backtest_as_of_date": {
            "name": "backtest_as_of_date",
            "type": "date",
            "message": "backtest_as_of_date is {value}: set it to a date written YYYY-MM-DD, or to null for the as-of "
                ~ "date minus backtest_outcome_days.",
            "group": "monitoring",
            "nullable": true
        },
        "experiments": {
            "name": "experiments",
            "type": "list",
            "message": "experiments is {value}: set it to a list of experiments, each {name: ..., holdout_share: ..., "
                ~ "start_date: YYYY-MM-DD, end_date: YYYY-MM-DD}, or to [].",
            "group": "experiments"
        },
        "experiment_salt": {
            "name": "experiment_salt",
            "type": "text",
            "message": "experiment_salt is {value}: set it to text of letters, digits and _ . : - only (it is written "
                ~ "into SQL); changing it redraws the groups of experiments not yet assigned.",
            "group": "experiments",
            "pattern": "^[A-Za-z0-9_.:-]*$"
        },
        "experiment_min_holdout_customers": {
            "name": "experiment_min_holdout_customers",
            "type": "whole_number",
            "message": "experiment_min_holdout_customers is {value}: set it to a whole number of holdout customers >= "
                ~ "2 (30 is usual): smaller segments get no confidence interval.",
            "group": "experiments",
            "minimum": 2
        }
    }) }}
{% endmacro %}

{% macro settings_rules() %}
    {{ return({
        "segment_features_empty": "segment_features is empty: list at least one numeric column of customer_features "
            ~ "in the segment_features var (dbt_project.yml).",
        "segment_features_duplicated": "segment_features lists {features} more than once: keep each feature once in "
            ~ "the segment_features var.",
        "segment_features_unknown": "segment_features names {features}, which customer_features does not have: choose "
            ~ "from {columns} in the segment_features var.",
        "fit_sample_size_above_threshold": "fit_sample_size is {size}, above fit_sample_threshold {threshold}: a "
            ~ "sample cannot be larger than the population it is drawn from; set fit_sample_size <= "
            ~ "fit_sample_threshold.",
        "fit_sample_strata_unknown": "fit_sample_strata names '{strata}', which customer_features does not have: "
            ~ "choose one of {columns} (e.g. rfm_label) in the fit_sample_strata var, or null for a simple random "
            ~ "sample.",
        "experiment_not_mapping": "experiments lists {value}, which is not an experiment: write each as {name: ..., "
            ~ "holdout_share: ..., start_date: YYYY-MM-DD, end_date: YYYY-MM-DD}.",
        "experiment_fields": "experiment {experiment} has fields {fields}: give exactly name, holdout_share, "
            ~ "start_date and end_date.",
        "experiment_name": "experiment name {value} is not a name: use lower-case letters, digits and _, starting "
            ~ "with a letter (e.g. winback_q4), at most 63 characters.",
        "experiment_names_duplicated": "experiments names {names} more than once: give every experiment its own name.",
        "experiment_holdout_share": "experiment {experiment} has holdout_share {value}: set it to a share above 0 and "
            ~ "below 1, e.g. 0.1.",
        "experiment_date": "experiment {experiment} has {field} {value}: set it to a date written YYYY-MM-DD.",
        "experiment_window": "experiment {experiment} starts {start_date}, after it ends ({end_date}): set start_date "
            ~ "on or before end_date.",
        "model_version_unregistered": "model_version is '{version}', which is not a registered model version "
            ~ "(registered: {versions}): pin one of those in the model_version var, or set it to null to score with "
            ~ "the published one."
    }) }}
{% endmacro %}
