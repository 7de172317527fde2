"""The benchmark scripts stay runnable as the models change: each runs at a toy size and its own checks must
pass (SQL labels equal numpy's on every row; every customer scored; a refresh re-scores exactly the changed
customers; history records exactly the day's changes). Timings are not asserted: speed lives in the ratios
the scripts print (benchmarks/README.md).

A model change once broke scale_benchmark.py's fit step silently (the fit models started to read the
registry's retrain decision, which the step did not select); this catches that kind of drift."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = PROJECT_ROOT / "benchmarks"


def run_script(name: str, *args: str) -> str:
    result = subprocess.run([sys.executable, str(BENCHMARKS / name), *args], cwd=PROJECT_ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, f"{name} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result.stdout


def test_scale_benchmark_runs_every_step_on_a_sample(tmp_path):
    # thresholds lowered so 2,000 customers take the sampled, MiniBatchKMeans path the 1,000,000 run takes
    settings = {"fit_sample_threshold": 1500, "fit_sample_size": 1200, "minibatch_threshold": 1000}
    run_script("scale_benchmark.py", "--workdir", str(tmp_path), "--customers", "2000", "--chunk", "1000",
               "--workers", "1", "--orders-scale", "1.9", "--score-rows", "50000", "--repeats", "1",
               "--memory-limit", "2GB", "--vars", json.dumps(settings))
    report = json.loads((tmp_path / "scale_benchmark.json").read_text())
    check = report["check"]
    assert check["customers"] == check["scored"] and check["unscored"] == 0
    assert check["fit_rows"] == 1200  # the fit saw the sample, not everyone
    assert check["raw_transaction_lines"] > 40 * 2000  # --orders-scale 1.9: about 50 lines a customer
    assert report["scoring_10m"]["rows"] == 50000 and report["scoring_10m"]["mismatches"] == 0
    for step in ("seed", "features", "fit", "explain", "scoring"):
        assert report[step]["seconds"] > 0, step


def test_score_benchmark_compares_methods_with_equal_labels(tmp_path):
    output = run_script("score_benchmark.py", "--rows", "20000", "--repeats", "1", "--workdir", str(tmp_path))
    assert "SQL vs numpy mismatches = 0" in output
    assert "join form vs macro = 0" in output
    assert "bar >= 5" in output and "bar <= 4" in output  # both target ratios printed from one run


def test_incremental_benchmark_checks_its_refresh(tmp_path):
    # the script exits non-zero unless exactly the changed customers were re-scored, with a full rebuild's labels
    output = run_script("incremental_benchmark.py", "--customers", "1000", "--changed", "0.05", "--k", "4",
                        "--repeats", "1", "--workdir", str(tmp_path))
    assert "re-scored 50" in output  # 5 % of 1,000


def test_history_benchmark_records_exactly_the_changes(tmp_path):
    # 1,000 customers, 2 % each moved, left and arrived: 20 of each
    output = run_script("history_benchmark.py", "--customers", "1000", "--changed-share", "0.02")
    opened_on_day_two = 20 + 20  # a mover's new row, an arrival's row; leavers only close theirs
    assert (f"history changes recorded: day 1 1,000, day 2 60; history rows {1000 + opened_on_day_two:,}"
            in output), output[-1500:]


def test_clv_benchmark_fits_and_scores_simulated_customers():
    output = run_script("clv_benchmark.py", "--customers", "3000")
    assert "3,000 customers" in output and "fitted / true: r " in output
    assert output.strip().splitlines()[-1].startswith("customers=3000 fit_s=")
