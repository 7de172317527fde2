"""Governance of the demo build, read from its manifest and DuckDB file (no build of its own).

- every model has a primary-key test: unique and not_null on one column, or unique_combination_of_columns;
- what BI and the CRM read (customer_segments, segment_profiles, segment_dictionary, segment_export, and the
  experiment marts customer_experiment_groups and segment_campaign_lift) is `access: public` with an enforced
  contract that gives every column a data type;
- every column of every built mart (a model under models/marts/) has a description, except the
  squared_distance_to_<k> columns of customer_segment_scores, one per segment of the fitted K.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb

PUBLIC_MARTS = ["customer_segments", "segment_profiles", "segment_dictionary", "segment_export",
                "customer_experiment_groups", "segment_campaign_lift"]
# customer_segment_scores has one squared_distance_to_<k> per segment: its yml describes them together
PER_SEGMENT_COLUMN = re.compile(r"^squared_distance_to_[0-9]+$")


def package_models(manifest: dict) -> dict[str, dict]:
    return {key: node for key, node in manifest["nodes"].items()
            if node["resource_type"] == "model" and node["package_name"] == "dbt_segments"}


def models_without_primary_key_test(manifest: dict) -> list[str]:
    models = package_models(manifest)
    column_tests: dict[tuple[str, str], set[str]] = {}
    keyed: set[str] = set()
    for node in manifest["nodes"].values():
        metadata = node.get("test_metadata") or {}
        model = node.get("attached_node")
        if node["resource_type"] != "test" or model not in models:
            continue
        if metadata.get("name") == "unique_combination_of_columns":
            keyed.add(model)
        elif metadata.get("name") in ("unique", "not_null"):
            column_tests.setdefault((model, metadata["kwargs"]["column_name"]), set()).add(metadata["name"])
    keyed |= {model for (model, _), names in column_tests.items() if names == {"unique", "not_null"}}
    return sorted(models[key]["name"] for key in models if key not in keyed)


def public_marts_without_enforced_contract(manifest: dict) -> dict[str, str]:
    by_name = {node["name"]: node for node in package_models(manifest).values()}
    problems = {}
    for name in PUBLIC_MARTS:
        node = by_name[name]
        untyped = [column for column, spec in node["columns"].items() if not spec.get("data_type")]
        if node["access"] != "public":
            problems[name] = f"access is {node['access']}"
        elif not node["config"]["contract"]["enforced"]:
            problems[name] = "contract not enforced"
        elif untyped:
            problems[name] = f"columns without data_type: {untyped}"
    return problems


def undescribed_mart_columns(manifest: dict, database: Path) -> dict[str, list[str]]:
    marts = [node for node in package_models(manifest).values()
             if node["original_file_path"].startswith("models/marts/")]
    missing = {}
    with duckdb.connect(str(database), read_only=True) as connection:
        for node in marts:
            built = [row[0] for row in connection.execute(
                "select column_name from information_schema.columns where table_name = ? order by ordinal_position",
                [node["alias"]]).fetchall()]
            described = {name.lower() for name, spec in node["columns"].items() if spec.get("description", "").strip()}
            undescribed = [column for column in built
                           if column.lower() not in described and not PER_SEGMENT_COLUMN.match(column)]
            if undescribed:
                missing[node["name"]] = undescribed
    return missing


def manifest_of(build) -> dict:
    return json.loads((build.target_dir / "manifest.json").read_text())


def test_every_model_has_a_primary_key_test(demo_build):
    assert models_without_primary_key_test(manifest_of(demo_build)) == []


def test_what_bi_and_the_crm_read_is_public_with_an_enforced_contract(demo_build):
    assert public_marts_without_enforced_contract(manifest_of(demo_build)) == {}


def test_every_column_of_every_mart_is_described(demo_build):
    manifest = manifest_of(demo_build)
    assert len([node for node in package_models(manifest).values()
                if node["original_file_path"].startswith("models/marts/")]) > 30
    assert undescribed_mart_columns(manifest, demo_build.database) == {}
