"""Content-addressed artifact store under `.atlasgen-cache/`.

A stage's key is sha256 over (stage name, the stage's CODE_VERSION, the canonical JSON of its own
parameters, the keys of its upstream artifacts, digests of any input files). Changing a later
stage's parameters therefore recomputes only from that stage on. Artifacts are folders written to a
temporary sibling and renamed into place, so a crash never leaves a half-written artifact that a
later run would trust.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def file_digest(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def stage_key(stage: str, version: int, params: dict, upstream: list[str] = (), files: list[Path] = ()) -> str:
    payload = {
        "stage": stage,
        "version": version,
        "params": params,
        "upstream": list(upstream),
        "files": [file_digest(p) for p in files],
    }
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:32]


class ArtifactStore:
    """Folder-per-artifact cache. `force=True` recomputes (and overwrites) every artifact asked for."""

    def __init__(self, root: Path, force: bool = False):
        self.root = Path(root)
        self.force = force
        self.hits: list[str] = []
        self.misses: list[str] = []

    def folder(self, stage: str, key: str) -> Path:
        return self.root / stage / key

    def has(self, stage: str, key: str) -> bool:
        """True when a complete artifact exists and `force` is off."""
        return not self.force and (self.folder(stage, key) / ".complete").is_file()

    def get(self, stage: str, key: str, compute: Callable[[], T], save: Callable[[T, Path], None],
            load: Callable[[Path], T]) -> T:
        """Load the artifact if present (and not forced); else compute, save atomically, return it."""
        if self.has(stage, key):
            self.hits.append(stage)
            return load(self.folder(stage, key))
        self.misses.append(stage)
        value = compute()
        self.put(stage, key, value, save)
        return value

    def put(self, stage: str, key: str, value: T, save: Callable[[T, Path], None]) -> None:
        """Write an artifact atomically (temporary sibling folder, then rename)."""
        final = self.folder(stage, key)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=final.parent))
        try:
            save(value, tmp)
            (tmp / ".complete").write_text(key)
            if final.exists():
                shutil.rmtree(final)
            os.replace(tmp, final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
