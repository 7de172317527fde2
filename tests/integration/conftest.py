"""Shared fixtures of the integration tests: the demo and the other data sets, each built once with a real
`dbt build` into a throw-away DuckDB file, and how the suite spreads over two pytest-xdist workers."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from dbt_process import dbt
from python_udfs.demo.data import generate

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).with_name("dbt"))


# The suite runs on two pytest-xdist workers, one per core (scripts/test.sh: a dbt build runs mostly on
# one core). Tests that read one shared build are one group, so it is built on one worker only; the
# PostgreSQL and Spark tests are one group (the Spark leg runs in the background beside the PostgreSQL
# tests, test_cross_warehouse.spark_leg); the tests of INDEPENDENT_TESTS share nothing and go where a
# worker is free; every other test file is a group of its own, so its module fixtures are built once and
# its tests run in their order. The demo build is made once and copied to each worker
# (build_once_for_all_workers): some tests rebuild it in place, which a reader on the other worker would block.
SHARED_BUILD_GROUPS = {
    "corpus_build": "corpus",
    "retail_export_build": "retail_export",
    "customer_table_build": "customer_table",
    "minimal_customer_table_build": "customer_table",
    "campaign_build": "campaign",
    "online_retail_build": "online_retail",
}
WAREHOUSE_FILES = {"test_cross_warehouse.py", "test_sha256_across_engines.py"}
INDEPENDENT_TESTS = {"test_benchmarks_run.py"}  # each runs a benchmark script in a folder of its own
# files that take minutes start first, so the short ones fill in at the end instead of waiting for them;
# the benchmark tests, one group each, come last of all
LONGEST_FIRST = ["test_fault_scenario.py", "test_cross_warehouse.py", "test_sha256_across_engines.py",
                 "test_drift_scenario.py", "test_bad_input.py", "test_pipeline.py", "test_registry_scenario.py",
                 "test_assign_segment.py", "test_customer_table.py", "test_readers_during_build.py",
                 "test_raw_data_as_it_comes.py", "test_segment_identity.py", "test_history_scenario.py",
                 "test_experiments.py"]
LAST = ["test_benchmarks_run.py"]


def xdist_group(item) -> str:
    file_name = item.path.name
    if file_name in WAREHOUSE_FILES:
        return "warehouses"
    shared = [name for fixture, name in SHARED_BUILD_GROUPS.items() if fixture in item.fixturenames]
    if shared:
        return shared[0]
    return item.nodeid if file_name in INDEPENDENT_TESTS else file_name


# before pytest-xdist's own hook, which turns the xdist_group marks into the groups it schedules
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        if "integration" in item.path.parts and item.path.parent.name == "integration":
            item.add_marker(pytest.mark.integration)
    rank = {name: position for position, name in enumerate(LONGEST_FIRST)}
    rank.update({name: len(rank) + 1 for name in LAST})
    items.sort(key=lambda item: rank.get(item.path.name, len(LONGEST_FIRST)))  # stable: files keep their order
    for item in items:
        item.add_marker(pytest.mark.xdist_group(xdist_group(item)))


# dbt's unit tests check model logic on fixed inputs, whatever the data: the demo build (as the README's
# first command runs it) and the PostgreSQL build run them, other builds leave them out (4 s a build)
WITHOUT_UNIT_TESTS = ("--exclude-resource-type", "unit_test")


@dataclass
class Build:
    """A built project: where its data, DuckDB file and dbt artifacts are; `unit_tests`: whether its
    `dbt build`s run dbt's unit tests."""

    raw_dir: Path
    truth_dir: Path
    database: Path
    target_dir: Path
    result: subprocess.CompletedProcess | None = None  # the fixture's own build, for its log
    unit_tests: bool = False

    def dbt(self, *args: str, check: bool = True, extra_vars: dict | None = None,
            executable: bool = False) -> subprocess.CompletedProcess:
        return run_dbt(self, *args, check=check, extra_vars=extra_vars, executable=executable)

    def query(self, sql: str):
        with duckdb.connect(str(self.database), read_only=True) as connection:
            return connection.sql(sql).df()

    def run_results(self, name: str = "run_results.json") -> list[dict]:
        return json.loads((self.target_dir / name).read_text())["results"]


def dbt_command(build: Build, *args: str, extra_vars: dict | None = None) -> tuple[list[str], dict]:
    """The dbt command line and environment that run `args` against `build`'s DuckDB file and raw data."""
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_ROOT / "profiles"),
        "SEGMENTS_DUCKDB_PATH": str(build.database),
    }
    if args[:1] == ("build",) and not build.unit_tests:
        args = (*args, *WITHOUT_UNIT_TESTS)
    command = [DBT, *args, "--target-path", str(build.target_dir), "--log-path", str(build.target_dir / "logs"),
               "--vars", json.dumps({"raw_data_path": str(build.raw_dir), **(extra_vars or {})})]
    return command, env


def run_dbt(build: Build, *args: str, check: bool = True, extra_vars: dict | None = None,
            executable: bool = False) -> subprocess.CompletedProcess:
    """`dbt *args` on `build`, in the worker's dbt process (dbt_process.py), or with `executable` by the
    `dbt` executable itself."""
    command, env = dbt_command(build, *args, extra_vars=extra_vars)
    if executable:
        result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    else:
        result = dbt(command[1:], PROJECT_ROOT, env)
    if check and result.returncode != 0:
        pytest.fail(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}")
    return result


def build_once_for_all_workers(tmp_path_factory, name: str, make) -> Path:
    """The folder `make(folder)` fills, made once per test run: the first pytest-xdist worker to ask makes
    it while the others wait, then each worker gets its own copy (a test may rebuild its copy in place)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent / name if os.environ.get("PYTEST_XDIST_WORKER") else base / f"{name}_shared"
    done, lock = shared.with_name(shared.name + ".done"), shared.with_name(shared.name + ".lock")
    try:
        os.close(os.open(lock, os.O_CREAT | os.O_EXCL))
        make(shared)
        done.write_text("ok")
    except FileExistsError:
        while not done.exists():
            if lock.with_name(lock.name + ".failed").exists():
                pytest.fail(f"the shared {name} build failed on another worker")
            time.sleep(1)
    except BaseException:
        lock.with_name(lock.name + ".failed").write_text("failed")
        raise
    copy = tmp_path_factory.mktemp(name)
    shutil.copytree(shared, copy, dirs_exist_ok=True)
    return copy


DEMO_BUILD_RESULTS = "demo_build_run_results.json"  # the run results of demo_build's own `dbt build`


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> Build:
    """The default demo (20,000 customers, seed 42) built end to end by the `dbt` executable, as the README's
    first command does."""

    def make(root: Path) -> None:
        build = dataclasses.replace(new_build(root), unit_tests=True)
        generate(out_dir=str(build.raw_dir), truth_dir=str(build.truth_dir))
        build.dbt("build", executable=True)
        # every later dbt command on a copy (a compile too) rewrites run_results.json
        shutil.copy(build.target_dir / "run_results.json", build.target_dir / DEMO_BUILD_RESULTS)

    return new_build(build_once_for_all_workers(tmp_path_factory, "demo", make))


# the bad-input corpus (tests/integration/bad_input_corpus.py) built once, shared by the corpus,
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
    """Generated data shaped like a retailer's order-lines export (python_udfs.demo.retail_export: 3,000
    customers, most buying once, no discounts, events or categories) built end to end."""
    from python_udfs.demo.retail_export import generate as generate_retail_export

    build = new_build(tmp_path_factory.mktemp("retail_export"))
    generate_retail_export(out_dir=build.raw_dir, truth_dir=build.truth_dir)
    build.result = build.dbt("build")
    return build


# --------------------------------------------------------------- a customer table instead of order lines
# tests/integration/customer_table_data.py: a CRM export with planted defects, built once per mapping
@pytest.fixture(scope="session")
def customer_table_build(tmp_path_factory):
    """The full mapping (RFM columns, signup date, e-mail, derived features) built end to end:
    (build, the export as written, the clean customers with their planted group, planted defects)."""
    from customer_table_data import FULL_VARS, customer_table, write

    export, customers, planted = customer_table()
    build = new_build(tmp_path_factory.mktemp("customer_table"))
    write(export, build.raw_dir)
    build.dbt("build", extra_vars=FULL_VARS)
    return build, export, customers, planted


@pytest.fixture(scope="session")
def minimal_customer_table_build(tmp_path_factory):
    """The same export with the least mapping: an id, numeric columns and an as-of date."""
    from customer_table_data import MINIMAL_VARS, customer_table, write

    export, customers, _ = customer_table()
    build = new_build(tmp_path_factory.mktemp("customer_table_minimal"))
    write(export, build.raw_dir)
    build.dbt("build", extra_vars=MINIMAL_VARS)
    return build, customers


# ------------------------------------------------------------------ real data (../shared/data), optional
# Public data sets nobody here wrote (see <repo>/../shared/data/README.md). Tests that use them skip when
# the folder is absent; SEGMENTS_SHARED_DATA points elsewhere.
def shared_data_file(name: str) -> Path | None:
    """The shared data file `name`, from $SEGMENTS_SHARED_DATA, <repo>/../shared/data or /work/shared/data."""
    folders = [os.environ.get("SEGMENTS_SHARED_DATA"), PROJECT_ROOT.parent / "shared" / "data", "/work/shared/data"]
    for folder in folders:
        if folder and (Path(folder) / name).is_file():
            return Path(folder) / name
    return None


EXAMPLES = PROJECT_ROOT / "examples"
ONLINE_RETAIL_FILE = "online_retail_ii_2009_2010.parquet"
ONLINE_RETAIL_PROJECT = EXAMPLES / "online_retail_ii"


@dataclass
class ExampleBuild:
    """An examples/<name> project (installing the package with local: ../..) built into a temp folder:
    its folder, DuckDB file and dbt output, the raw file it read and the last build's log."""

    project_dir: Path
    database: Path
    target_dir: Path
    raw_file: Path | None = None
    stdout: str = ""

    def dbt(self, *args: str, extra_vars: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
        env = {**os.environ, "DBT_PROFILES_DIR": str(self.project_dir), "SEGMENTS_DUCKDB_PATH": str(self.database)}
        paths = [] if args[0] == "deps" else ["--target-path", str(self.target_dir)]
        arguments = [*args, *paths, "--log-path", str(self.target_dir / "logs"),
                     *(["--vars", json.dumps(extra_vars)] if extra_vars else [])]
        result = dbt(arguments, self.project_dir, env)
        if check and result.returncode != 0:
            pytest.fail(f"dbt {' '.join(args)} in examples/{self.project_dir.name} failed:\n"
                        f"{result.stdout[-6000:]}\n{result.stderr[-2000:]}")
        self.stdout = result.stdout
        return result

    def query(self, sql: str):
        with duckdb.connect(str(self.database), read_only=True) as connection:
            return connection.sql(sql).df()


@pytest.fixture(scope="session")
def campaign_build(tmp_path_factory):
    """examples/customer_table built from the real campaign file: (build, the file); skipped without it."""
    path = shared_data_file("marketing_campaign.tsv")
    if path is None:
        pytest.skip("marketing_campaign.tsv is not in ../shared/data or /work/shared/data (set SEGMENTS_SHARED_DATA)")
    root = tmp_path_factory.mktemp("campaign")
    build = ExampleBuild(project_dir=EXAMPLES / "customer_table", database=root / "campaign.duckdb",
                         target_dir=root / "target", raw_file=path)
    build.dbt("deps")
    build.dbt("build", extra_vars={"customer_table_path": str(path)})
    return build, path


def build_online_retail_example(root: Path, *args: str, extra_vars: dict | None = None,
                                check: bool = True) -> ExampleBuild | subprocess.CompletedProcess:
    """`dbt build` (or `args`) of examples/online_retail_ii on the shared Online Retail II file, exactly as a
    user runs it (dbt deps, then the build with online_retail_path); skips when the file is absent."""
    raw_file = shared_data_file(ONLINE_RETAIL_FILE)
    if raw_file is None:
        pytest.skip(f"{ONLINE_RETAIL_FILE} is not in ../shared/data (nor SEGMENTS_SHARED_DATA)")
    build = ExampleBuild(project_dir=ONLINE_RETAIL_PROJECT, database=root / "online_retail_ii.duckdb",
                         target_dir=root / "target", raw_file=raw_file)
    build.dbt("deps")
    result = build.dbt(*(args or ("build",)), extra_vars={"online_retail_path": str(raw_file), **(extra_vars or {})},
                       check=check)
    return build if check else result


@pytest.fixture(scope="session")
def online_retail_build(tmp_path_factory) -> ExampleBuild:
    """examples/online_retail_ii built end to end on the real Online Retail II file (skipped without it):
    one build shared by every test that needs segments of real order lines."""
    return build_online_retail_example(tmp_path_factory.mktemp("online_retail_ii"))
