"""`[site]`: how one dataset is presented (titles, colours, nouns, entity pages, image hosts)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from sitegen.errors import excerpt
from sitegen.spec.base import StrictModel

# A DNS host name (or a dotted IPv4 address): labels of letters, digits and inner hyphens.
HOST_NAME = re.compile(r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")


class SiteSpec(StrictModel):
    """Per-dataset presentation (used by the site stage)."""

    title: str | None = None
    accent: str = Field(default="#3b6fd4", pattern=r"^#[0-9a-fA-F]{6}$")
    # auto: the pages follow the reader's system setting (prefers-color-scheme); light / dark pin
    # them. The viewer's own toggle (System / Light / Dark) starts from this.
    theme: Literal["auto", "light", "dark"] = "auto"
    base_url: str = ""
    default_variant: str | None = None
    color_by: str | None = None
    # what the data's things are called on the site ("book", "reader's list"); plurals add s / es / ies
    entity_noun: str = Field(default="entity", min_length=1, max_length=40)
    collection_noun: str = Field(default="collection", min_length=1, max_length=40)
    # where adding s / es / ies is wrong ("mouse" -> "mice")
    entity_noun_plural: str | None = Field(default=None, min_length=1, max_length=40)
    collection_noun_plural: str | None = Field(default=None, min_length=1, max_length=40)
    summary: str | None = Field(default=None, max_length=200)  # one line on the front page's card
    # Static pages (e/<slug>.html) for the N most popular entities; every entity still has its panel
    # and a `#sel=<id>` URL in the viewer. 2,000 pages are 6,000 files with their .br/.gz siblings:
    # a 1M-entity atlas stays under the 20,000 files static hosts accept, with room for its ~3,000
    # data files and a few more datasets, and the entities people search for and share are covered.
    entity_pages: int = Field(default=2000, ge=0, le=1_000_000)
    # Hosts that `image` fields may load pictures from ("images.gr-assets.com"): they go into the
    # pages' Content-Security-Policy (img-src), and the viewer requests no image from any other host.
    image_hosts: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("image_hosts")
    @classmethod
    def _host_names(cls, v: list[str]) -> list[str]:
        for h in v:
            if not HOST_NAME.fullmatch(h):
                raise ValueError(f"must hold host names only (like \"images.example.org\": no scheme, "
                                 f"port, path or wildcard), got {excerpt(h)}")
        return sorted(set(h.lower() for h in v))
