"""Shared fixtures. Tests run the real stages on small inputs; nothing internal is mocked."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
SHARED_DATA = ROOT.parent / "shared" / "data"

os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture
def tiny_spec_path() -> Path:
    return TESTS / "data" / "tiny.toml"


@pytest.fixture
def write_spec(tmp_path):
    """Write a spec (TOML text) plus optional data files into tmp_path; return the spec path."""

    def _write(toml: str, files: dict[str, bytes | str] | None = None, name: str = "spec.toml") -> Path:
        for rel, content in (files or {}).items():
            p = tmp_path / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(content if isinstance(content, bytes) else content.encode())
        path = tmp_path / name
        path.write_text(textwrap.dedent(toml))
        return path

    return _write


def shared_data(*parts: str) -> Path:
    p = SHARED_DATA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} is absent: the shared datasets are only present in the development/CI checkout")
    return p
