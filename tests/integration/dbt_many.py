"""Run several dbt invocations in one Python process (dbt's programmatic runner), so a test that checks
many failing settings pays dbt's import time once. Reads a JSON list of argument lists on stdin; writes a
JSON list of {"success": bool, "log": text} on stdout."""

import json
import sys

from dbt.cli.main import dbtRunner


def main() -> None:
    outcomes = []
    for args in json.load(sys.stdin):
        lines: list[str] = []
        result = dbtRunner(callbacks=[lambda event: lines.append(event.info.msg)]).invoke(args)
        if result.exception is not None:
            lines.append(str(result.exception))
        outcomes.append({"success": bool(result.success), "log": "\n".join(lines)})
    sys.stdout.write("\n@@OUTCOMES@@" + json.dumps(outcomes))


if __name__ == "__main__":
    main()
