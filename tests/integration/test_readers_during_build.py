"""Readers during a rebuild, measured with real processes: a reader of the published file (see
python_udfs.cli.publish) sees the old or the new complete customer_segments, never a partial or empty one and
never an error; a reader of the file dbt is building gets DuckDB's lock error, never partial data; and a
reader holding that file open makes the build fail at once, leaving the previous marts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from python_udfs.cli.publish import publish
from conftest import CORPUS_VARS, PROJECT_ROOT, dbt_command, new_build

POLL_READER = str(Path(__file__).with_name("poll_reader.py"))


def start_reader(database: Path, stop_file: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, POLL_READER, str(database), str(stop_file)],
                            stdout=subprocess.PIPE, text=True)


def observations(reader: subprocess.Popen) -> list[dict]:
    out, _ = reader.communicate(timeout=60)
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def state(database: Path) -> dict:
    with duckdb.connect(str(database), read_only=True) as connection:
        rows, segments, versions = connection.sql(
            "select count(*), count(distinct segment_id), string_agg(distinct model_version, ',') "
            "from customer_segments").fetchall()[0]
    return {"rows": rows, "segments": segments, "version": versions}


def copy_of(corpus_build, tmp_path):
    """A private copy of the built corpus to rebuild, so the shared one stays as it was."""
    built, _, _ = corpus_build
    work = new_build(tmp_path / "work")
    work.raw_dir = built.raw_dir
    work.database.parent.mkdir(parents=True)
    shutil.copyfile(built.database, work.database)
    return work


def test_readers_see_old_or_new_complete_segments_never_partial(corpus_build, tmp_path):
    work = copy_of(corpus_build, tmp_path)
    published = publish(work.database, tmp_path / "published" / "segments.duckdb")
    old = state(published)
    assert old["rows"] == 12 and old["segments"] == 2

    # Only the published copy is polled here: a reader opening the file dbt is about to write at the
    # moment dbt opens it makes the build fail (the next test), so a BI tool must read the published copy.
    stop = tmp_path / "stop"
    published_reader = start_reader(published, stop)
    try:
        work.dbt("build", extra_vars={**CORPUS_VARS, "n_segments": 3})
        publish(work.database, published)
        new = state(published)
        assert new["segments"] == 3 and new["version"] != old["version"]
        time.sleep(0.5)  # let the reader open the new file a few times
    finally:
        stop.write_text("stop")
    seen_published = observations(published_reader)

    assert all("error" not in seen for seen in seen_published), [s for s in seen_published if "error" in s][:3]
    assert {json.dumps(seen) for seen in seen_published} <= {json.dumps(old), json.dumps(new)}
    assert seen_published[0] == old and seen_published[-1] == new


def test_a_reader_of_the_file_dbt_is_writing_gets_a_lock_error_never_partial_data(corpus_build, tmp_path):
    work = copy_of(corpus_build, tmp_path)
    command, env = dbt_command(work, "build", extra_vars={**CORPUS_VARS, "n_segments": 3})
    build = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, text=True)
    lines = []
    # once dbt runs its first node it holds the file until the end: open it then, as a BI tool would
    for line in build.stdout:
        lines.append(line)
        if " START " in line:
            break
    try:
        with duckdb.connect(str(work.database), read_only=True):
            opened = True
    except duckdb.IOException as error:
        opened, message = False, str(error)
    lines += build.stdout.readlines()
    assert build.wait(timeout=600) == 0, "".join(lines)[-4000:]
    assert not opened and "Could not set lock on file" in message


def test_a_reader_holding_the_build_file_fails_the_build_and_leaves_the_marts(corpus_build, tmp_path):
    work = copy_of(corpus_build, tmp_path)
    before = state(work.database)
    with duckdb.connect(str(work.database), read_only=True) as reader:
        result = work.dbt("build", check=False, extra_vars={**CORPUS_VARS, "n_segments": 3})
        assert result.returncode != 0 and "Could not set lock on file" in result.stdout + result.stderr
        assert reader.sql("select count(*) from customer_segments").fetchall()[0][0] == before["rows"]
    assert state(work.database) == before
