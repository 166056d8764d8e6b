"""Domain errors. Every message is one line that names the file, and where known the row and field.

The CLI turns any `AtlasgenError` into its message on stderr and exit status 1; anything else is a bug
and keeps its traceback.
"""

from __future__ import annotations


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
