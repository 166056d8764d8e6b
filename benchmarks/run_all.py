"""Run every benchmark in this folder, each in a fresh process, and print their summaries (`make bench`).

    .venv/bin/python benchmarks/run_all.py [--only NAME ...] [--quick]

Each script prints its figures as ratios against a baseline measured in the same run; copy them into
benchmarks/RESULTS.md with the command shown. `--quick` passes the smaller sizes where a script has them.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUICK_ARGS = {"bench_load.py": ["--rows", "1000000"], "bench_scale.py": ["--quick"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="script names (bench_cooccur, ...) to run; default all")
    ap.add_argument("--quick", action="store_true", help="smaller inputs where a script supports them")
    args = ap.parse_args()
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        wanted = {n if n.endswith(".py") else f"{n}.py" for n in args.only}
        scripts = [s for s in scripts if s.name in wanted]
    failed = []
    for script in scripts:
        extra = QUICK_ARGS.get(script.name, []) if args.quick else []
        print(f"== {script.name} {' '.join(extra)}", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(script), *extra], cwd=HERE.parent)
        print(f"== {script.name}: exit {rc} after {time.perf_counter() - t0:.0f} s", flush=True)
        if rc:
            failed.append(script.name)
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
