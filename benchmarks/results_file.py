"""Shared by the benchmark scripts: replace one `## ...` section of RESULTS.md, leaving the others."""

from __future__ import annotations

from pathlib import Path


def write_section(path: Path, body: str, head: str) -> None:
    """Replace (or append) the section headed `head` (e.g. "## Co-occurrence") with `head` + `body`."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    start = text.find(head + "\n")
    section = f"{head}\n\n{body}\n"
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        nxt = text.find("\n## ", start + len(head))
        text = text[:start] + section + (text[nxt + 1:] if nxt >= 0 else "")
    path.write_text(text)
