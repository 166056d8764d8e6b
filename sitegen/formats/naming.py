"""Content-hashed file names: the same bytes always get the same name, so hosts can cache forever."""

from __future__ import annotations

import hashlib

HASH_LEN = 10


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:HASH_LEN]


def hashed_name(stem: str, suffix: str, data: bytes) -> str:
    """`points`, `.bin`, data -> `points.<hash>.bin`."""
    return f"{stem}.{content_hash(data)}{suffix}"
