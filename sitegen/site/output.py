"""Build into a temporary folder beside the target, verify, then swap it in.

A failed build (an exception in `build` or in `verify`) removes the temporary folder and leaves the
previous output exactly as it was. The swap is two renames on the same file system: the old folder
is moved aside, the new one moved in, then the old one deleted; if the second rename fails the old
folder is moved back.
"""

from __future__ import annotations

import os
import shutil
import tempfile
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
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-tmp-", dir=out.parent))
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
    return out
