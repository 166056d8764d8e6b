"""Progress anywhere: without a terminal, each stage writes a plain start and end line with its size."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.pipeline.cache import ArtifactStore
from sitegen.pipeline.orchestrator import build_dataset
from sitegen.pipeline.progress import Reporter
from sitegen.spec import load_spec

LINE = re.compile(r"^\[\d+:\d\d:\d\d\] (?P<stage>.+?): (?P<what>start|done in|cached in|failed in)(?P<rest>.*)$")


PERCENT = re.compile(r"^\[\d+:\d\d:\d\d\] .+: \d+% \([\d,]+ of [\d,]+\)$")  # a long stage, every 30 s
NOTE = re.compile(r"^\[\d+:\d\d:\d\d\] tiny: dropped \d+ isolated entities")
LAYOUT = re.compile(r"^\[\d+:\d\d:\d\d\] tiny: (umap|tsne) '\w+' projected in \d+\.\ds \(\d of \d\)$")  # one per layout


def _lines(text: str) -> list[re.Match]:
    """The start / end lines; every other line must be a progress line or a note."""
    lines = text.splitlines()
    assert all(LINE.match(s) or PERCENT.match(s) or NOTE.match(s) or LAYOUT.match(s) for s in lines), text
    return [m for m in map(LINE.match, lines) if m]


def test_plain_lines_for_every_stage_with_sizes(tiny_spec_path, tmp_path):
    spec = load_spec(tiny_spec_path)
    buf = io.StringIO()  # not a terminal: plain lines
    with Reporter(stream=buf) as rep:
        result = build_dataset(spec, ArtifactStore(tmp_path / "cache"), rep)
    lines = _lines(buf.getvalue())
    stages = [m["stage"] for m in lines if m["what"] == "start"]
    assert stages == ["tiny: load", "tiny: co-occurrence + kNN", "tiny: PyMDE embedding",
                      "tiny: umap 'umap', tsne 'tsne'", "tiny: quality + clusters"]
    ends = {m["stage"]: m for m in lines if m["what"] != "start"}
    assert set(ends) == set(stages) and all(m["what"] == "done in" for m in ends.values())
    n = len(result.entities)
    st = result.stats
    assert f"({n:,} entities, {st['cooccurrence_pairs']:,} pairs, " in ends["tiny: co-occurrence + kNN"]["rest"]
    assert f"({st['mde_iterations']:,} iterations, " in ends["tiny: PyMDE embedding"]["rest"]
    start = next(m for m in lines if m["stage"] == "tiny: co-occurrence + kNN")
    assert f"{st['pair_incidences']:,} pair incidences" in start["rest"]
    assert re.match(r" \d+\.\ds \(", ends["tiny: load"]["rest"])  # elapsed time, then the size
    layouts = [LAYOUT.match(s) for s in buf.getvalue().splitlines() if LAYOUT.match(s)]
    assert [m.group(0).split("] ")[1].split(" projected")[0] for m in layouts] == ["tiny: umap 'umap'", "tiny: tsne 'tsne'"]

    # a warm rebuild says which stages came from the cache, still with their sizes
    buf = io.StringIO()
    with Reporter(stream=buf) as rep:
        build_dataset(spec, ArtifactStore(tmp_path / "cache"), rep)
    ends = {m["stage"]: m for m in _lines(buf.getvalue()) if m["what"] != "start"}
    assert all(m["what"] == "cached in" for m in ends.values()), buf.getvalue()
    assert f"({st['mde_iterations']:,} iterations, " in ends["tiny: PyMDE embedding"]["rest"]


def test_quiet_and_failed_stage():
    buf = io.StringIO()
    with Reporter(quiet=True, stream=buf) as rep, rep.stage("x", entities=3):
        pass
    assert buf.getvalue() == ""
    buf = io.StringIO()
    with pytest.raises(RuntimeError), Reporter(stream=buf) as rep, rep.stage("boom", entities=3) as tick:
        tick.computing()
        raise RuntimeError("x")
    starts, ends = _lines(buf.getvalue())
    assert starts["rest"] == " (3 entities)" and ends["what"] == "failed in"


def test_build_command_logs_stages_on_a_captured_stderr(tiny_spec_path, tmp_path):
    """`atlasgen build` with stderr redirected (CI, nohup): the log names each stage as it runs."""
    viewer = Path("js/dist")
    if not (viewer / "viewer.js").is_file():
        pytest.skip("js/dist is not built (make viewer): the site stage needs the viewer bundle")
    res = subprocess.run([sys.executable, "-m", "sitegen", "build", str(tiny_spec_path), "--out", str(tmp_path / "d"),
                          "--cache", str(tmp_path / "c")], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    ends = [m["stage"] for m in _lines(res.stderr) if m["what"] == "done in"]
    assert ends[0] == "tiny: load" and ends[-2:] == ["tiny: pack data files", "site"]
    assert "\x1b[" not in res.stderr  # no terminal control codes in a log
