"""Template rendering shared by every page module: one jinja2 Environment (autoescape on,
StrictUndefined), a safe Markdown subset, and JSON for <script type="application/json"> islands."""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache

import jinja2
from markupsafe import Markup

from sitegen.site.assets import TEMPLATES
from sitegen.site.nouns import upper_first

METHOD_LABELS = {"umap": "UMAP", "tsne": "t-SNE"}


# Bidirectional embedding/override/isolate controls: an unmatched RLO in a label would reverse the
# rest of its line (and can disguise text). Every {{ expression }} is written without them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def without_bidi_controls(value):
    """`value` with bidirectional control characters removed (Markup stays Markup); non-text unchanged."""
    if isinstance(value, str):
        cleaned = BIDI_CONTROLS.sub("", value)
        return Markup(cleaned) if isinstance(value, Markup) else cleaned
    return value


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             trim_blocks=False, lstrip_blocks=False, finalize=without_bidi_controls)
    env.filters["upper_first"] = upper_first
    return env


def render_markdown(text: str) -> Markup:
    """A safe subset of Markdown: paragraphs, [text](http(s) links), **strong**, *em*, `code`.

    The text is HTML-escaped first; only the fixed tags below are added afterwards.
    """
    out = []
    for para in re.split(r"\n\s*\n", text.strip()):
        h = html.escape(" ".join(para.split()), quote=True)
        h = re.sub(r"`([^`]+)`", r"<code>\1</code>", h)
        h = re.sub(r"\*\*(\S(?:.*?\S)?)\*\*", r"<strong>\1</strong>", h)
        h = re.sub(r"(?<![\w*])\*(\S(?:.*?\S)?)\*(?![\w*])", r"<em>\1</em>", h)
        h = re.sub(r"\[([^\[\]<>]+)\]\((https?://[^\s()<>]+)\)", r'<a href="\2" rel="nofollow noopener">\1</a>', h)
        if h:
            out.append(f"<p>{h}</p>")
    return Markup("\n".join(out))


def plain_text(text: str, limit: int = 300) -> str:
    """The first paragraph of a Markdown description as plain text, for meta descriptions."""
    first = re.split(r"\n\s*\n", text.strip())[0] if text.strip() else ""
    first = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", " ".join(first.split()))
    first = re.sub(r"[*`]", "", first)
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def json_island(obj) -> Markup:
    """JSON for <script type="application/json">: <, >, &, U+2028, U+2029 escaped so it cannot end the tag."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return Markup(text)


def render(name: str, **ctx) -> bytes:
    """A template rendered to UTF-8 bytes."""
    return environment().get_template(name).render(**ctx).encode("utf-8")


def variant_label(v) -> str:
    """How a layout is named in pages: its `label`, else UMAP / t-SNE for a variant named after its method."""
    if v.label:
        return v.label
    return METHOD_LABELS.get(v.name, v.name) if v.name == v.method else v.name
