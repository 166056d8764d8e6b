"""Scale targets of issue 9: cold builds of the synthetic S100k / S1M datasets, wall time and peak RSS
per stage, label@10 on the planted groups.

    .venv/bin/python benchmarks/bench_scale.py --size S100k          # both variants, ~minutes on 2 cores
    .venv/bin/python benchmarks/bench_scale.py --size S1M            # the default variant only
    .venv/bin/python benchmarks/bench_scale.py --quick               # a 5k-entity smoke run
    .venv/bin/python benchmarks/bench_scale.py --size S1M --device cuda --viewer js/dist   # GPU machine

Sizes (seed 0, `python -m sitegen.synth`): S100k = 100,000 entities, 200,000 collections, median size 20,
100 groups; S1M = 1,000,000 / 2,000,000 / 20 / 1,000; quick = 5,000 / 10,000 / 20 / 10. The spec keeps
the library defaults and names the variants of the issue: `map` (t-SNE straight from the kNN graph, the
default) and, except on S1M, `umap` (`input = "embedding"`: PyMDE, then UMAP); the planted group is a
category field and `[evaluate] label`, so the build itself measures label@10.

The build runs `sitegen.commands.build.build` in a child process with a cold cache and stderr not a
terminal, so the pipeline writes its plain start/end line per stage; this process reads those lines
as they come and samples the child's resident memory (/proc, every 0.1 s), so each stage gets its wall
time and the peak RSS seen while it ran. The child's own VmHWM is the whole build's peak.
Targets (2-core machine): S100k both variants <= 10 min and <= 6 GB, label@10 >= 0.85 for `map`;
S1M default variant <= 60 min and <= 12 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = {  # entities, collections, median size, groups
    "quick": (5_000, 10_000, 20, 10),
    "S100k": (100_000, 200_000, 20, 100),
    "S1M": (1_000_000, 2_000_000, 20, 1_000),
}
SPEC = """
name = "{slug}"
title = "Synthetic {size}"
seed = 0
[collections]
path = "collections.csv"
collection = "collection"
entity = "entity"
[entities]
path = "entities.csv"
id = "entity"
label = "name"
[entities.fields]
group = {{ type = "category" }}
[graph]
device = "{device}"
[[variants]]
name = "map"
method = "tsne"
{umap}[evaluate]
label = "group"
k = 10
"""
UMAP = '[[variants]]\nname = "umap"\nmethod = "umap"\ninput = "embedding"\n'
LINE = re.compile(r"^\[(\d+):(\d\d):(\d\d)\] (.+?): (start|done in|cached in|failed in)")


def make_data(size: str, folder: Path) -> Path:
    """Write the dataset (once) and its spec; return the spec path."""
    n, c, median, groups = SIZES[size]
    data = folder / f"synth-{size}"
    if not (data / "collections.csv").exists():
        subprocess.run([sys.executable, "-m", "sitegen.synth", str(data), "--entities", str(n), "--collections",
                        str(c), "--median-size", str(median), "--groups", str(groups), "--seed", "0"],
                       check=True, cwd=ROOT, env=_env())
    return data


def write_spec(data: Path, size: str, device: str, with_umap: bool) -> Path:
    spec = data / "scale.toml"
    spec.write_text(SPEC.format(slug=size.lower(), size=size, device=device, umap=UMAP if with_umap else ""))
    return spec


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            "PYTHONUNBUFFERED": "1"}


def _rss_mib(pid: int, field: str = "VmRSS") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0.0


def run_build(spec: Path, out: Path, cache: Path, viewer: Path | None, threads: int) -> dict:
    """Cold build in a child process; per-stage wall and peak RSS from its plain progress lines."""
    shutil.rmtree(cache, ignore_errors=True)
    code = ("import json, sys, resource\n"
            "from pathlib import Path\n"
            "from sitegen.commands.build import build\n"
            f"viewer = {None if viewer is None else str(viewer)!r}\n"
            f"r = build([Path({str(spec)!r})], Path({str(out)!r}), Path({str(cache)!r}), force=True, "
            "viewer_dir=viewer and Path(viewer))\n"
            "print(json.dumps({'quality': r[0].quality, 'stats': r[0].stats, "
            "'vmhwm_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n")
    env = _env()
    if threads:
        env.update(NUMBA_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    stages: dict[str, dict] = {}
    current: list[str] = []
    peak = {"all": 0.0}
    done = threading.Event()

    def sample():
        while not done.is_set():
            rss = _rss_mib(proc.pid)
            peak["all"] = max(peak["all"], rss)
            for name in current:
                stages[name]["peak_rss_mib"] = max(stages[name]["peak_rss_mib"], rss)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    log = []
    for line in proc.stderr:
        log.append(line)
        sys.stderr.write(line)
        m = LINE.match(line)
        if not m:
            continue
        name, what = m.group(4), m.group(5)
        if what == "start":
            stages[name] = {"start_s": time.perf_counter() - t0, "peak_rss_mib": _rss_mib(proc.pid)}
            current.append(name)
        elif name in stages:
            stages[name]["wall_s"] = time.perf_counter() - t0 - stages[name]["start_s"]
            stages[name]["how"] = what.split()[0]
            if name in current:
                current.remove(name)
    stdout = proc.stdout.read()
    proc.wait()
    done.set()
    sampler.join()
    wall = time.perf_counter() - t0
    if proc.returncode:
        sys.exit("build failed:\n" + "".join(log[-30:]))
    res = json.loads(stdout.strip().splitlines()[-1])
    return {"wall_s": wall, "peak_rss_mib": max(peak["all"], res["vmhwm_mib"]), "stages": stages,
            "quality": res["quality"], "stats": {k: v for k, v in res["stats"].items() if k != "timings"}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", choices=list(SIZES), default="S100k")
    ap.add_argument("--quick", action="store_true", help="same as --size quick")
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    ap.add_argument("--variants", choices=["issue", "default", "both"], default="issue",
                    help="issue: map + umap (S1M: map only); default: map only; both: map + umap at any size")
    ap.add_argument("--work", default=str(ROOT / "benchmarks" / "out" / "scale"), help="data, cache and site folder")
    ap.add_argument("--viewer", help="viewer bundle folder (default: js/dist)")
    ap.add_argument("--threads", type=int, default=0, help="NUMBA/OMP threads for the build (0: their defaults)")
    ap.add_argument("--json", help="write the result here as well")
    args = ap.parse_args()
    size = "quick" if args.quick else args.size
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    data = make_data(size, work)
    gen_s = time.perf_counter() - t
    with_umap = args.variants == "both" or (args.variants == "issue" and size != "S1M")
    spec = write_spec(data, size, args.device, with_umap)
    res = run_build(spec, work / f"dist-{size}", work / f"cache-{size}", Path(args.viewer) if args.viewer else None,
                    args.threads)
    res.update(size=size, device=args.device, variants=["map", "umap"] if with_umap else ["map"], data_s=gen_s,
               cpus=os.cpu_count(), load_at_end=os.getloadavg()[0])
    print(f"\n{size} ({'+'.join(res['variants'])}, {args.device}, {os.cpu_count()} CPUs): cold build "
          f"{res['wall_s']:.1f} s wall, peak RSS {res['peak_rss_mib'] / 1024:.2f} GiB (data written in {gen_s:.1f} s)")
    print("| stage | how | wall s | peak RSS MiB |\n|---|---|---:|---:|")
    for name, st in res["stages"].items():
        print(f"| {name} | {st.get('how', '?')} | {st.get('wall_s', float('nan')):.1f} | {st['peak_rss_mib']:,.0f} |")
    for v, q in res["quality"].items():
        print(f"{v}: " + ", ".join(f"{k} {val:.3f}" for k, val in q.items() if isinstance(val, float)))
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
