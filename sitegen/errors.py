"""Domain errors. Every message is one line that names the file, and where known the row and field.

The CLI turns any `AtlasgenError` into its message on stderr and exit status 1; anything else is a bug
and keeps its traceback.
"""

from __future__ import annotations


def excerpt(text: object, limit: int = 40) -> str:
    """A short, quoted, escaped excerpt of user data for an error message: at most `limit` characters,
    with control and bidirectional-override characters escaped (repr escapes every non-printable one),
    so an error never prints a whole line of someone's file or reorders the terminal's text."""
    s = str(text)
    return repr(s[:limit]) + ("..." if len(s) > limit else "")


class AtlasgenError(Exception):
    """Base class: a problem with the user's input or environment, reported as one line."""


class SpecError(AtlasgenError):
    """A dataset spec (datasets/*.toml) is malformed or breaks a rule."""


class DataError(AtlasgenError):
    """A data file is missing, unreadable, or has a bad row/field; or filtering left nothing."""


class FormatError(AtlasgenError):
    """A binary point file (or other atlasgen artifact) is truncated, corrupt or of an unknown version."""


class BuildError(AtlasgenError):
    """The site could not be assembled (e.g. the viewer bundle is missing)."""
