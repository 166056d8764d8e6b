"""Publishing a build: a killed build's hidden temporary folder is removed by the next one, a live
build's is not."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sitegen.site.output import publish, remove_stale

ROOT = Path(__file__).resolve().parents[1]

KILLED_BUILD = """
import sys, time
from pathlib import Path
from sitegen.site.output import publish

def build(tmp):
    (tmp / "index.html").write_text("half")
    print(tmp, flush=True)
    time.sleep(60)

publish(Path(sys.argv[1]), build)
"""


def test_a_build_killed_by_sigkill_leaves_a_folder_the_next_build_removes(tmp_path):
    out = tmp_path / "dist"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(out)], stdout=subprocess.PIPE, text=True, env=env)
    tmp = Path(proc.stdout.readline().strip())
    assert tmp.name.startswith(".dist-tmp-") and (tmp / "index.html").is_file()
    # while it runs, its folder is locked: a second build leaves it alone
    assert remove_stale(out) == [] and tmp.is_dir()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert tmp.is_dir()  # nothing could clean up
    publish(out, lambda d: (d / "index.html").write_text("whole"))
    assert not tmp.exists() and not tmp.with_name(tmp.name + ".lock").exists()
    assert (out / "index.html").read_text() == "whole"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_old_unlocked_leftovers_go_and_a_held_lock_keeps_its_folder(tmp_path):
    out = tmp_path / "dist"
    stale = tmp_path / ".dist-tmp-old1"  # from a version that made no lock file
    stale.mkdir()
    live = tmp_path / ".dist-tmp-live"
    live.mkdir()
    fd = os.open(tmp_path / ".dist-tmp-live.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    dangling = tmp_path / ".dist-tmp-gone.lock"
    dangling.write_text("")
    os.utime(dangling, (time.time() - 3600, time.time() - 3600))
    try:
        publish(out, lambda d: (d / "index.html").write_text("x"))
        assert not stale.exists() and not dangling.exists()
        assert live.is_dir()
    finally:
        os.close(fd)
    assert remove_stale(out) == [live]
