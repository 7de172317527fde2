"""The semantic layer (models/marts/semantic) queried with MetricFlow's own `mf` command on a copy of the demo
build: `mf validate-configs` passes (the semantic manifest and every semantic model, dimension, measure and
metric against the DuckDB file), and every metric grouped by a segment dimension gives the numbers SQL on the
marts gives (counts exactly, money and shares to a relative 1e-9).

The demo has one recorded build, where every customer is new; for the movement metrics the test moves 250
customers to the next segment in customer_segments and records the history again, as a later build would.

`mf` reads `<project>/target/semantic_manifest.json` (not dbt's --target-path) and the profile from
DBT_PROFILES_DIR, whose DuckDB path comes from SEGMENTS_DUCKDB_PATH: the test points DBT_PROJECT_DIR at a folder
linking the project's files, with a target/ of its own holding the demo build's semantic manifest. Each `mf`
call costs about 2.5 s (imports, a `dbt debug`), the query itself 0.1 s: the metrics that share a group-by are
queried together, six calls in all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from conftest import PROJECT_ROOT, Build

MF = str(Path(sys.executable).with_name("mf"))
# what `mf` (its `dbt debug`) reads of the project; target/ and logs/ are the test's own
PROJECT_FILES = ["dbt_project.yml", "selectors.yml", "models", "macros", "seeds", "tests", "profiles"]
MOVED = 250
RELATIVE_TOLERANCE = 1e-9

SEGMENTED = """
    from customer_segments
    inner join customer_features on customer_segments.customer_id = customer_features.customer_id
"""


@dataclass(frozen=True)
class Check:
    """Metrics queried together with one group-by, and SQL on the marts giving the same columns."""

    metrics: tuple[str, ...]
    group_by: tuple[str, ...]
    sql: str


# Customer-grain metrics, checked on the demo build as it is. segment_profiles and segment_rfm_labels count the
# customers their own way; the semantic models read customer_features and customer_segments.
BEFORE_MOVES = [
    Check(("customers", "revenue", "revenue_per_customer", "segment_share", "population_customers"),
          ("customer__segment_name",),
          """select segment_name as customer__segment_name, customer_count as customers, revenue,
                    revenue / customer_count as revenue_per_customer, customer_share as segment_share,
                    sum(customer_count) over () as population_customers
             from segment_profiles"""),
    Check(("customers", "segment_share"),
          ("customer__rfm_label",),
          """select rfm_label as customer__rfm_label, sum(customers) as customers,
                    sum(customers) / sum(sum(customers)) over () as segment_share
             from segment_rfm_labels group by rfm_label"""),
    Check(("customers", "revenue"),
          ("customer__model_version", "metric_time__day"),
          f"""select customer_segments.model_version as customer__model_version,
                     cast(customer_features.as_of_date as timestamp) as metric_time__day,
                     count(*) as customers, sum(customer_features.monetary) as revenue
              {SEGMENTED} group by 1, 2"""),
    Check(("predicted_clv", "valued_customers", "predicted_clv_per_customer"),
          ("customer__segment_name",),
          """select segment_name as customer__segment_name, sum(clv) as predicted_clv,
                    count(*) as valued_customers, avg(clv) as predicted_clv_per_customer
             from customer_lifetime_value inner join customer_segments using (customer_id)
             group by segment_name"""),
    Check(("incremental_revenue", "revenue_lift_treated_customers", "holdout_revenue_lift"),
          ("campaign_lift__experiment_name", "campaign_lift__segment_id"),
          """select experiment_name as campaign_lift__experiment_name, segment_id as campaign_lift__segment_id,
                    absolute_lift * treatment_customers as incremental_revenue,
                    treatment_customers as revenue_lift_treated_customers, absolute_lift as holdout_revenue_lift
             from segment_campaign_lift where outcome = 'revenue_per_customer'"""),
]
# Movement metrics, checked after MOVED customers changed segment and the history was recorded again.
AFTER_MOVES = [
    Check(("moved_customers",),
          ("segment_transition__to_segment_name",),
          """select to_segment_name as segment_transition__to_segment_name, sum(customers) as moved_customers
             from segment_transitions where movement = 'moved' group by to_segment_name"""),
    Check(("segment_changes",),
          ("membership__segment_name",),
          """select segment_name as membership__segment_name,
                    count(case when change_reason = 'moved' then customer_id end) as segment_changes
             from segment_membership_history group by segment_name"""),
]
# A new metric gets a Check here; test_every_metric_is_checked asks for one.
CHECKS = BEFORE_MOVES + AFTER_MOVES


@dataclass
class SemanticBuild:
    """A copy of the demo build that `mf` reads, and what each Check gave by `mf` and by SQL."""

    project: Path
    database: Path
    demo: Build
    results: dict[Check, tuple[pd.DataFrame, pd.DataFrame]] = field(default_factory=dict)

    def mf(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        env = {**os.environ, "DBT_PROFILES_DIR": str(PROJECT_ROOT / "profiles"), "DBT_PROJECT_DIR": str(self.project),
               "SEGMENTS_DUCKDB_PATH": str(self.database)}
        result = subprocess.run([MF, *args], cwd=self.project, env=env, capture_output=True, text=True)
        if check and result.returncode != 0:
            pytest.fail(f"mf {' '.join(args)} failed:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}")
        return result

    def sql(self, sql: str) -> pd.DataFrame:
        with duckdb.connect(str(self.database), read_only=True) as connection:
            return connection.sql(sql).df()

    def run(self, check: Check) -> None:
        csv = self.project / "target" / f"check_{len(self.results)}.csv"
        self.mf("query", "--metrics", ",".join(check.metrics), "--group-by", ",".join(check.group_by),
                "--csv", str(csv), "--quiet")
        queried = pd.read_csv(csv, parse_dates=[name for name in check.group_by if name.startswith("metric_time")])
        self.results[check] = (ordered(queried, check), ordered(self.sql(check.sql), check))


def ordered(frame: pd.DataFrame, check: Check) -> pd.DataFrame:
    return frame[[*check.group_by, *check.metrics]].sort_values(list(check.group_by)).reset_index(drop=True)


def move_customers(build: SemanticBuild) -> None:
    """Move the first MOVED customers (by id) to the next segment, as a rescoring would, and record the history
    (the run's start is later than the demo build's)."""
    with duckdb.connect(str(build.database)) as connection:
        connection.execute(f"""
            update customer_segments set segment_id = moved.segment_id, segment_name = moved.segment_name
            from (
                select customer_segments.customer_id, segment_dictionary.segment_id, segment_dictionary.segment_name
                from customer_segments
                inner join segment_dictionary
                    on segment_dictionary.segment_id = (customer_segments.segment_id + 1)
                        % (select count(*) from segment_dictionary)
                order by customer_segments.customer_id
                limit {MOVED}
            ) as moved
            where customer_segments.customer_id = moved.customer_id""")
    recorder = Build(raw_dir=build.demo.raw_dir, truth_dir=build.demo.truth_dir, database=build.database,
                     target_dir=build.project / "target" / "dbt")
    recorder.dbt("run", "--select", "segment_membership_history", "segment_membership_runs", "segment_transitions")


@pytest.fixture(scope="module")
def semantic_build(demo_build, tmp_path_factory) -> SemanticBuild:
    root = tmp_path_factory.mktemp("semantic_layer")
    project = root / "project"
    (project / "target").mkdir(parents=True)
    for name in PROJECT_FILES:
        (project / name).symlink_to(PROJECT_ROOT / name)
    shutil.copyfile(demo_build.target_dir / "semantic_manifest.json", project / "target" / "semantic_manifest.json")
    build = SemanticBuild(project=project, database=root / "segments.duckdb", demo=demo_build)
    shutil.copyfile(demo_build.database, build.database)
    for check in BEFORE_MOVES:
        build.run(check)
    move_customers(build)
    for check in AFTER_MOVES:
        build.run(check)
    return build


def test_mf_validate_configs_passes(semantic_build):
    result = semantic_build.mf("validate-configs")  # exit code 1 on any error
    assert "Breaking issues" not in result.stdout
    assert "Successfully validated metrics against data warehouse" in result.stdout


def test_every_metric_is_checked(semantic_build):
    manifest = json.loads((semantic_build.project / "target" / "semantic_manifest.json").read_text())
    defined = {metric["name"] for metric in manifest["metrics"]}
    checked = {metric for check in CHECKS for metric in check.metrics}
    assert defined == checked, f"metrics without a check: {sorted(defined - checked)}"


@pytest.mark.parametrize("metric", sorted({metric for check in CHECKS for metric in check.metrics}))
def test_metric_gives_what_sql_on_the_marts_gives(semantic_build, metric):
    for check in CHECKS:
        if metric not in check.metrics:
            continue
        queried, expected = semantic_build.results[check]
        by = ", ".join(check.group_by)
        assert not expected.empty, f"{metric} by {by}: the marts have no rows to compare"
        pd.testing.assert_frame_equal(queried[list(check.group_by)], expected[list(check.group_by)],
                                      check_dtype=False, obj=f"{metric} by {by}: groups")
        np.testing.assert_allclose(queried[metric].to_numpy(np.float64), expected[metric].to_numpy(np.float64),
                                   rtol=RELATIVE_TOLERANCE, atol=0, err_msg=f"{metric} by {by}")


def test_movement_metrics_count_the_customers_moved(semantic_build):
    for check in AFTER_MOVES:
        queried, _ = semantic_build.results[check]
        assert queried[check.metrics[0]].sum() == MOVED, check.metrics[0]
