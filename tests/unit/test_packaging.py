"""pyproject.toml declares what `pip install` of this repository needs to run the dbt Python models and
the report: every third-party module python_udfs imports comes from a declared dependency (the report's
plotly from the `report` extra), and the pins scripts/setup.sh installs (requirements.txt) lie inside the
declared ranges (the semantic layer's dbt-metricflow: the `semantic` extra), so the tested set is an installable
set. Every subpackage ships, and the dbt Python models import only the modules python_udfs declares public (its
__all__), never the tooling."""

from __future__ import annotations

import ast
import importlib
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.unit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PYPROJECT_TOML = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
PYPROJECT = PYPROJECT_TOML["project"]
# modules only the report needs: installed with the `report` (and `demo`) extra
REPORT_ONLY = {"plotly"}


def declared(requirements: list[str]) -> dict[str, Requirement]:
    return {canonicalize_name(Requirement(text).name): Requirement(text) for text in requirements}


def imported_modules() -> set[str]:
    """Top-level modules python_udfs imports, other than the standard library and itself."""
    modules = set()
    for path in (PROJECT_ROOT / "python_udfs").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return {module for module in modules
            if module not in sys.stdlib_module_names and module not in ("python_udfs", "__future__")}


def test_every_imported_module_is_a_declared_dependency():
    runtime = declared(PYPROJECT["dependencies"])
    report = declared(PYPROJECT["optional-dependencies"]["report"])
    distributions = packages_distributions()
    for module in sorted(imported_modules()):
        names = {canonicalize_name(name) for name in distributions.get(module, [module])}
        wanted = report if module in REPORT_ONLY else runtime
        assert names & set(wanted), f"python_udfs imports {module} ({names}), which pyproject.toml does not declare"
    assert declared(PYPROJECT["optional-dependencies"]["demo"]).keys() >= report.keys()


def test_the_pins_setup_installs_satisfy_the_declared_ranges():
    ranges = {**declared(PYPROJECT["dependencies"]), **declared(PYPROJECT["optional-dependencies"]["report"]),
              **declared(PYPROJECT["optional-dependencies"]["semantic"])}
    pins = {}
    for line in (PROJECT_ROOT / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            pins[canonicalize_name(requirement.name)] = next(iter(requirement.specifier)).version
    assert pins.keys() == ranges.keys(), "requirements.txt pins exactly the declared dependencies"
    for name, version in pins.items():
        assert ranges[name].specifier.contains(version), f"{name}=={version} is outside pyproject's {ranges[name]}"


def test_every_subpackage_of_python_udfs_ships():
    packages = {".".join(path.parent.relative_to(PROJECT_ROOT).parts)
                for path in (PROJECT_ROOT / "python_udfs").rglob("__init__.py")}
    assert set(PYPROJECT_TOML["tool"]["setuptools"]["packages"]) == packages


def test_the_dbt_python_models_import_only_the_public_modules():
    import python_udfs

    imported = set()
    for path in (PROJECT_ROOT / "models").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("python_udfs."):
                imported.add(node.module.removeprefix("python_udfs."))
    assert imported and imported <= set(python_udfs.__all__), (
        f"models import {sorted(imported - set(python_udfs.__all__))}")
    for name in python_udfs.__all__:
        importlib.import_module(f"python_udfs.{name}")
