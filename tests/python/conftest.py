"""Shared fixtures: the demo data and one full `dbt build` of it into a throw-away DuckDB file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from python_udfs.demo_data import generate

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).with_name("dbt"))


@dataclass
class Build:
    """A built project: where its data, DuckDB file and dbt artifacts are."""

    raw_dir: Path
    truth_dir: Path
    database: Path
    target_dir: Path
    result: subprocess.CompletedProcess | None = None  # the fixture's own build, for its log

    def dbt(self, *args: str, check: bool = True, extra_vars: dict | None = None) -> subprocess.CompletedProcess:
        return run_dbt(self, *args, check=check, extra_vars=extra_vars)

    def query(self, sql: str):
        with duckdb.connect(str(self.database), read_only=True) as connection:
            return connection.sql(sql).df()

    def run_results(self) -> list[dict]:
        return json.loads((self.target_dir / "run_results.json").read_text())["results"]


def dbt_command(build: Build, *args: str, extra_vars: dict | None = None) -> tuple[list[str], dict]:
    """The dbt command line and environment that run `args` against `build`'s DuckDB file and raw data."""
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_ROOT / "profiles"),
        "SEGMENTS_DUCKDB_PATH": str(build.database),
    }
    command = [DBT, *args, "--target-path", str(build.target_dir), "--log-path", str(build.target_dir / "logs"),
               "--vars", json.dumps({"raw_data_path": str(build.raw_dir), **(extra_vars or {})})]
    return command, env


def run_dbt(build: Build, *args: str, check: bool = True, extra_vars: dict | None = None) -> subprocess.CompletedProcess:
    command, env = dbt_command(build, *args, extra_vars=extra_vars)
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        pytest.fail(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}")
    return result


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> Build:
    """The default demo (20,000 customers, seed 42) built end to end, as the README's first command does."""
    root = tmp_path_factory.mktemp("demo")
    build = Build(raw_dir=root / "raw", truth_dir=root / "truth", database=root / "segments.duckdb",
                  target_dir=root / "target")
    generate(out_dir=str(build.raw_dir), truth_dir=str(build.truth_dir))
    build.dbt("build")
    return build


# issue 7: the bad-input corpus (tests/python/bad_input_corpus.py) built once, shared by the corpus,
# settings, determinism and reader tests
CORPUS_VARS = {
    # a dozen hand-made customers test cleaning and settings, not whether their segments are stable
    "allow_unstable_segments": True,
    "n_segments": 2,
    "segment_features": ["recency_days_log", "frequency_log", "monetary_log", "avg_order_value_log",
                         "discount_share", "return_rate", "category_diversity", "sessions_per_month_log",
                         "complaint_count"],
}


def new_build(root) -> Build:
    return Build(raw_dir=root / "raw", truth_dir=root / "truth", database=root / "segments.duckdb",
                 target_dir=root / "target")


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory):
    """The bad-input corpus built end to end: (build, its defect kinds, the dbt result)."""
    from bad_input_corpus import corpus, write

    rows, kinds = corpus()
    build = new_build(tmp_path_factory.mktemp("corpus"))
    write(rows, build.raw_dir)
    result = build.dbt("build", extra_vars=CORPUS_VARS)
    return build, kinds, result


@pytest.fixture(scope="session")
def retail_export_build(tmp_path_factory) -> Build:
    """Generated data shaped like a retailer's order-lines export (python_udfs.retail_export_data: 3,000
    customers, most buying once, no discounts, events or categories) built end to end."""
    from python_udfs.retail_export_data import generate as generate_retail_export

    build = new_build(tmp_path_factory.mktemp("retail_export"))
    generate_retail_export(out_dir=build.raw_dir, truth_dir=build.truth_dir)
    build.result = build.dbt("build")
    return build


@pytest.fixture(scope="session")
def online_retail_build(tmp_path_factory) -> Build:
    """UCI Online Retail II (the shared real-data file) written as the raw files by the test-only mapping in
    online_retail.py and built end to end; skipped when the shared data is absent."""
    from online_retail import shared_data_file, write_raw_files

    source = shared_data_file()
    if source is None:
        pytest.skip("the shared real data (../shared/data/online_retail_ii_2009_2010.parquet) is not here")
    build = new_build(tmp_path_factory.mktemp("online_retail"))
    write_raw_files(source, build.raw_dir)
    build.result = build.dbt("build")
    return build
