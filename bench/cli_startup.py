"""Start-up time of the ``pdms`` command: help screens and --version, beside the floor.

Each command runs as an operator runs it (the installed console script, a fresh process,
its output discarded), ``--repeat`` times; the best and the median wall time are printed
beside the floor: a bare ``python -c pass`` and ``python -c "import click"`` (the least a
click program can cost). Settings come from the environment as usual; every installed
module is enabled unless PDMS_PLUGINS says otherwise.

    .venv/bin/python bench/cli_startup.py [--repeat 10]

Target: <= 0.5 s wall for each help screen and --version (issue 24).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from importlib.metadata import entry_points
from pathlib import Path

from pdms_core.cli import CORE_COMMANDS

TARGET_SECONDS = 0.5
PDMS = str(Path(sys.executable).parent / "pdms")


def wall(command: list[str], repeat: int) -> list[float]:
    """Wall seconds of ``repeat`` runs of ``command`` (after one untimed warm-up)."""
    subprocess.run(command, capture_output=True, check=True)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return times


def commands() -> list[list[str]]:
    plugins = sorted(ep.name for ep in entry_points(group="pdms"))
    return [
        ["--help"],
        ["--version"],
        *([name, "--help"] for name in [*CORE_COMMANDS, *plugins]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    floors = {
        "python -c pass": wall([sys.executable, "-c", "pass"], args.repeat),
        'python -c "import click"': wall([sys.executable, "-c", "import click"], args.repeat),
    }
    print(f"{'command':34} {'best':>7} {'median':>7}  target <= {TARGET_SECONDS} s")
    for name, times in floors.items():
        print(f"{'floor: ' + name:34} {min(times):7.3f} {statistics.median(times):7.3f}")
    over = 0
    for argv in commands():
        times = wall([PDMS, *argv], args.repeat)
        verdict = "ok" if statistics.median(times) <= TARGET_SECONDS else "OVER TARGET"
        over += verdict != "ok"
        label = "pdms " + " ".join(argv)
        print(f"{label:34} {min(times):7.3f} {statistics.median(times):7.3f}  {verdict}")
    print(f"{over} command(s) over target")


if __name__ == "__main__":
    main()
