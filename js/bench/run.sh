#!/bin/sh
# Viewer vs bare regl in the same run, with the viewer-bench harness (see benchmarks/RESULTS.md).
#   js/bench/run.sh BENCH_DIR OUT_DIR [N...]     (BENCH_DIR: a built copy of shared/tools/viewer-bench)
# Writes synthetic sites with make_site.py (once; VARIANTS=1 for the default layout only), alternates raw-regl / viewer runs (REPS each, default 3),
# then prints medians with summarize.mjs.
set -e
bench=$(cd "$1" && pwd); out=$(mkdir -p "$2" && cd "$2" && pwd); shift 2
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
reps=${REPS:-3}
for n in "${@:-100000 1000000}"; do
  [ -d "$out/site-$n/synth" ] || "$repo/.venv/bin/python" "$here/make_site.py" "$out/site-$n" --n "$n" --variants "${VARIANTS:-2}" >/dev/null
  for r in $(seq "$reps"); do
    (cd "$bench" && node bench.mjs --quiet --root pages --path "/raw-regl/index.html?n=$n" --seconds 5 --out "$out/raw-$n-$r.json" >/dev/null)
    (cd "$bench" && node bench.mjs --quiet --root "$out/site-$n" --path /synth/index.html --seconds 5 --settle 3000 --out "$out/viewer-$n-$r.json" >/dev/null)
  done
done
node "$here/summarize.mjs" "$out"
