"""Every reader of the model version in force agrees with segment_model_in_force.

A copy of the demo build gets a second registered version (the demo's centroids with their segment ids
rotated, so scores tell the two apart) and a rollback pins it. Then the one-row model, the scoring
macro's compiled choice, the scores themselves, the Python function and the three tools that read a
built file (the scoring-SQL export, the report, show_segments) must all name the pinned version; and a
pin that segment_models has not published stops scoring, naming the fix.
"""

from __future__ import annotations

import shutil

import duckdb
import pytest

from python_udfs.cli.export_scoring_sql import read_model
from python_udfs.registry import model_version_in_force
from python_udfs.report import Warehouse
from python_udfs.cli.show_segments import main as show_segments

PINNED = "km-000000000000"


@pytest.fixture(scope="module")
def pinned_build(demo_build, tmp_path_factory):
    """(the demo copy with PINNED registered and pinned, the demo's version, the number of segments, the
    demo's labels by customer, the rollback's dbt result)."""
    root = tmp_path_factory.mktemp("in_force")
    build = type(demo_build)(raw_dir=demo_build.raw_dir, truth_dir=demo_build.truth_dir,
                             database=root / "segments.duckdb", target_dir=root / "target")
    shutil.copyfile(demo_build.database, build.database)
    with duckdb.connect(str(build.database)) as connection:
        [(demo_version,)] = connection.sql(
            "select model_version from segment_models where status = 'published'").fetchall()
        [(segments,)] = connection.sql("select count(distinct segment_id) from segment_model_centroids").fetchall()
        before = dict(connection.sql("select customer_id, segment_id from customer_segments").fetchall())
        # an older version: the same scaler, the same centroids under rotated segment ids
        connection.execute(f"""
            insert into segment_models select * replace ('{PINNED}' as model_version, 'retired' as status,
                false as latest_fit, trained_at - interval 1 day as trained_at) from segment_models
            where model_version = '{demo_version}'""")
        connection.execute(f"""
            insert into segment_model_scalers select * replace ('{PINNED}' as model_version)
            from segment_model_scalers where model_version = '{demo_version}'""")
        connection.execute(f"""
            insert into segment_model_centroids select * replace ('{PINNED}' as model_version,
                (segment_id + 1) % {segments} as segment_id)
            from segment_model_centroids where model_version = '{demo_version}'""")
    result = build.dbt("run", "--select", "segment_models", "segment_model_in_force", "customer_segments",
                       extra_vars={"retrain": False, "model_version": PINNED})
    return build, demo_version, segments, before, result


def test_every_reader_names_the_pinned_version(pinned_build, capsys):
    build, demo_version, _, _, result = pinned_build
    in_force = build.query("select * from segment_model_in_force")
    assert in_force[["model_version", "in_force_because"]].values.tolist() == [[PINNED, "pinned"]]
    assert f"scoring model version: {PINNED} (pinned)" in result.stdout
    compiled = next((build.target_dir / "compiled").rglob("customer_segments.sql")).read_text()
    assert f"'{PINNED}' as model_version" in compiled and demo_version not in compiled
    assert build.query("select distinct model_version from customer_segments")["model_version"].tolist() == [PINNED]
    with duckdb.connect(str(build.database), read_only=True) as connection:
        assert model_version_in_force(connection) == PINNED
    assert read_model(build.database).model_version == PINNED
    assert set(Warehouse.load(build.database)["segment_centroids"]["model_version"]) == {PINNED}
    show_segments(str(build.database))
    assert f"model {PINNED}:" in capsys.readouterr().out


def test_the_pinned_version_scores_with_its_own_centroids(pinned_build):
    build, _, segments, before, _ = pinned_build
    after = dict(build.query("select customer_id, segment_id from customer_segments").values.tolist())
    assert after.keys() == before.keys()
    assert all(after[customer] == (segment + 1) % segments for customer, segment in before.items())


def test_a_pin_segment_models_has_not_published_stops_scoring_naming_the_fix(pinned_build):
    build, demo_version, _, _, _ = pinned_build
    result = build.dbt("run", "--select", "customer_segments", check=False, extra_vars={"model_version": demo_version})
    assert result.returncode != 0
    assert f"model_version is pinned to '{demo_version}', but" in result.stdout
    assert "segment_models publishes a pin, so build it with the pin first" in result.stdout
    assert build.query("select distinct model_version from customer_segments")["model_version"].tolist() == [PINNED]
