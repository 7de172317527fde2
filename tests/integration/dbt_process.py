"""The integration tests' dbt invocations, run in one long-lived Python process per pytest worker.

Each invocation is a real `dbt <args>`: dbt's programmatic runner (dbtRunner) invokes the same click command
the `dbt` executable does, here with the test's own working folder and environment, and gives back what the
executable would: its console output and exit code (0 green, 1 a node or test failed, 2 dbt stopped with an
error). Starting `dbt` costs about 3.5 s a time (imports, and the caches the first parse fills); one process
per worker pays it once. Builds that a test kills or reads during (test_fault_scenario, test_readers_during_build),
the demo build of the README's first command and the Spark builds (a JVM per build) still run the executable.

Run as a script, this file is that process: it reads one JSON request a line on stdin and writes one JSON
answer a line on the file descriptor it is given (stdout is left to dbt and whatever else prints).
"""

from __future__ import annotations

import atexit
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

_process: subprocess.Popen | None = None
_answers = None
_errors = None


def dbt(args: list[str], cwd: Path | str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`dbt *args` in `cwd` with environment `env`, as subprocess.run(capture_output=True, text=True) returns it."""
    global _process, _answers, _errors
    if _process is None or _process.poll() is not None:
        read_end, write_end = os.pipe()
        _errors = tempfile.TemporaryFile(mode="w+")
        _process = subprocess.Popen([sys.executable, __file__, str(write_end)], stdin=subprocess.PIPE,
                                    stdout=_errors, stderr=_errors, pass_fds=[write_end], text=True)
        os.close(write_end)
        _answers = os.fdopen(read_end)
        atexit.register(_process.terminate)
    _process.stdin.write(json.dumps({"args": list(args), "cwd": str(cwd), "env": dict(env)}) + "\n")
    _process.stdin.flush()
    answer = _answers.readline()
    if not answer:
        _process.wait()
        _errors.seek(0)
        raise RuntimeError(f"the dbt process ended (exit code {_process.returncode}) during dbt {' '.join(args)}:\n"
                           f"{_errors.read()[-4000:]}")
    answer = json.loads(answer)
    return subprocess.CompletedProcess(["dbt", *args], answer["returncode"], answer["stdout"], answer["stderr"])


def _release_duckdb_file() -> None:
    """Close the DuckDB file dbt-duckdb keeps for the process, so the test (another process) can open it."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def _serve(answer_fd: int) -> None:
    from dbt.cli.main import dbtRunner

    answers = os.fdopen(answer_fd, "w")
    for line in sys.stdin:
        request = json.loads(line)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        stdout, stderr = io.StringIO(), io.StringIO()
        # dbt's console logger writes to the sys.stdout of the moment it is set up, once per invocation
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            result = dbtRunner().invoke(request["args"])
        _release_duckdb_file()
        if result.success:
            returncode = 0
        elif result.exception is not None:  # dbt logged the error already, but not a usage error
            returncode = 2
            stderr.write(f"{result.exception}\n")
        else:
            returncode = 1
        answers.write(json.dumps({"returncode": returncode, "stdout": stdout.getvalue(),
                                  "stderr": stderr.getvalue()}) + "\n")
        answers.flush()


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
