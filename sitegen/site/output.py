"""Build into a temporary folder beside the target, verify, then swap it in.

A failed build (an exception in `build` or in `verify`) removes the temporary folder and leaves the
previous output exactly as it was. The swap is two renames on the same file system: the old folder
is moved aside, the new one moved in, then the old one deleted; if the second rename fails the old
folder is moved back.

A build killed outright (SIGKILL, power loss) cannot remove its temporary folder, so each build
first removes the stale ones: every `.<out>-tmp-*` folder whose lock file no live build holds. The
lock (`.<out>-tmp-XXXX.lock`, flock'ed for the whole build) is created before its folder, so a folder
without one is never a build in progress.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sitegen.errors import BuildError


def write_bytes(root: Path, rel: str, data: bytes) -> Path:
    """Write `data` to `root/rel`, creating folders; `rel` must stay inside `root`."""
    path = (root / rel).resolve()
    if not path.is_relative_to(root.resolve()):
        raise BuildError(f"refusing to write outside the build folder: {rel!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _fix_tree(root: Path, epoch: int | None) -> None:
    """Readable permissions (mkdtemp makes 0700) and, with SOURCE_DATE_EPOCH, fixed mtimes."""
    for p in sorted(root.rglob("*")):
        p.chmod(0o755 if p.is_dir() else 0o644)
        if epoch is not None:
            os.utime(p, (epoch, epoch))
    root.chmod(0o755)
    if epoch is not None:
        os.utime(root, (epoch, epoch))


def publish(out: Path, build: Callable[[Path], None], verify: Callable[[Path], None] | None = None,
            source_date_epoch: int | None = None) -> Path:
    """Run `build(tmp)`, then `verify(tmp)`, then replace `out` with `tmp`. Returns `out`."""
    out = Path(out).absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(out)
    fd, lock_name = tempfile.mkstemp(prefix=f".{out.name}-tmp-", suffix=".lock", dir=out.parent)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a fresh file: no one else holds it
    lock = Path(lock_name)
    tmp = lock.with_suffix("")
    try:
        tmp.mkdir(mode=0o700)
        _publish_locked(out, tmp, build, verify, source_date_epoch)
    finally:
        lock.unlink(missing_ok=True)
        os.close(fd)
    return out


def remove_stale(out: Path) -> list[Path]:
    """Remove `.<out>-tmp-*` folders left by killed builds (no live build holds their lock). Returns them."""
    removed = []
    for tmp in sorted(out.parent.glob(f".{out.name}-tmp-*")):
        if not tmp.is_dir() or tmp.is_symlink():
            continue
        lock = tmp.with_name(tmp.name + ".lock")
        if lock.exists() and _held(lock):
            continue  # a build in progress
        shutil.rmtree(tmp, ignore_errors=True)
        lock.unlink(missing_ok=True)
        removed.append(tmp)
    for lock in out.parent.glob(f".{out.name}-tmp-*.lock"):
        # a lock whose build died before making its folder; a minute old, so never one just created
        # and not yet flock'ed by a build starting now
        if not lock.with_suffix("").exists() and time.time() - lock.stat().st_mtime > 60 and not _held(lock):
            lock.unlink(missing_ok=True)
    return removed


def _held(lock: Path) -> bool:
    """Whether another open file description holds an flock on `lock` (a live build)."""
    try:
        fd = os.open(lock, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases a lock taken here
    return False


def _publish_locked(out: Path, tmp: Path, build: Callable[[Path], None], verify: Callable[[Path], None] | None,
                    source_date_epoch: int | None) -> None:
    try:
        build(tmp)
        if verify is not None:
            verify(tmp)
        _fix_tree(tmp, source_date_epoch)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
        os.rename(out, old / "previous")
    try:
        os.rename(tmp, out)
    except BaseException:
        if old is not None:
            os.rename(old / "previous", out)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
