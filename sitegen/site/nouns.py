"""Writing a dataset's own words into sentences. The words themselves (`[site] entity_noun`,
`collection_noun` and their plurals) come from `sitegen.site.viewer_config.nouns`."""

from __future__ import annotations


def upper_first(text: str) -> str:
    """The text with its first letter capitalised (the rest untouched, unlike str.capitalize)."""
    return text[:1].upper() + text[1:]


def count_of(n: int, singular: str, plural: str) -> str:
    """"1 book", "1,671 books"."""
    return f"{n:,} {singular if n == 1 else plural}"
