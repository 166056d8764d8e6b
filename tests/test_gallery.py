"""The front page, the dataset's own nouns, the about page's method picture, og:image and link
contrast (issue 10: front page, defects 10 and 11), on tiny sites written by the real site writer."""

from __future__ import annotations

import html.parser
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from site_fixtures import XSS_IMG, tiny_result, viewer_bundle

from sitegen.site.viewer_config import nouns, plural
from sitegen.site.write import write_site
from sitegen.spec import EvaluateSpec

ROOT = Path(__file__).resolve().parents[1]
BOOKS = {"entity_noun": "book", "collection_noun": "reader's list"}


class Page(html.parser.HTMLParser):
    """Visible text (outside script, style, <details> and <code>), per-tag attributes, and the
    text of elements with a class."""

    HIDDEN = {"script", "style", "details", "code"}

    def __init__(self, text: str):
        super().__init__()
        self.visible: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.by_class: dict[str, list[str]] = {}
        self._hidden = 0
        self._open: list[tuple[str, list[str]]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        self._hidden += tag in self.HIDDEN
        if tag not in ("img", "meta", "link", "br", "input"):
            self._open.append((tag, (a.get("class") or "").split()))

    def handle_endtag(self, tag):
        self._hidden -= tag in self.HIDDEN
        while self._open:
            t, _ = self._open.pop()
            if t == tag:
                break

    def handle_data(self, data):
        if not self._hidden:
            self.visible.append(data)
        for _, classes in self._open:
            for c in classes:
                self.by_class.setdefault(c, []).append(data)

    def text(self) -> str:
        return " ".join(" ".join(self.visible).split())

    def cls(self, name: str) -> str:
        return " ".join(" ".join(self.by_class.get(name, [])).split())

    def attrs(self, tag: str, **match) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in match.items())]


def results():
    books = tiny_result("books", **BOOKS, summary=f"Books read together {XSS_IMG}")
    books.quality["umap"].update({"label@10": 0.6021, "label_chance": 0.08})
    books = replace(books, spec=books.spec.model_copy(update={"evaluate": EvaluateSpec(label="genre")}))
    shop = tiny_result("shop", n=25, seed=1, variants=("tsne", "umap"), theme="light", base_url="https://example.org/atlas",
                       entity_noun="product", collection_noun="basket")
    return [books, shop]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("gallery")
    return write_site(results(), root / "dist", viewer_dir=viewer_bundle(root / "bundle"), source_date_epoch=1_700_000_000)


def page(built: Path, rel: str) -> Page:
    return Page((built / rel).read_text(encoding="utf-8"))


def test_plurals():
    assert [plural(w) for w in ("book", "box", "story", "day", "reader's list", "match")] == \
        ["books", "boxes", "stories", "days", "reader's lists", "matches"]
    spec = tiny_result(entity_noun="mouse", entity_noun_plural="mice").spec
    assert nouns(spec.site) == {"entity": "mouse", "entities": "mice", "collection": "collection", "collections": "collections"}


def test_gallery_cards(built):
    p = page(built, "index.html")
    cards = p.attrs("li", **{"class": "card atlas-card"})
    assert len(cards) == 2
    imgs = [a for a in p.attrs("img") if a["src"].endswith(".png")]
    assert [a["src"].split("/")[0] for a in imgs] == ["books", "shop"]
    assert all(a["width"] == "600" and a["height"] == "315" and a["alt"] for a in imgs)
    text = p.text()
    # what it shows in one line: the spec's summary (escaped), else the description's first sentence
    assert f"Books read together {XSS_IMG}" in text and "A tiny atlas for tests." in text
    assert "&lt;img src=x" in (built / "index.html").read_text()
    assert "40 books · 123 reader's lists" in text and "25 products · 123 baskets" in text
    figures = p.cls("figures")
    assert "Label agreement@10 (chance) 0.602 (0.080)" in figures and "Neighbour recall@10 0.510" in figures
    hrefs = [a["href"] for a in p.attrs("a")]
    for h in ("books/index.html", "books/tsne/index.html", "books/about.html", "shop/index.html", "shop/umap/index.html"):
        assert h in hrefs, h
    assert "label_chance" not in text and "entities" not in text


def test_pages_use_the_datasets_nouns(built):
    for rel in ["books/index.html", "books/about.html", "books/compare.html", "books/e/index.html",
                "books/e/item-0-id0.html", "books/tsne/index.html"]:
        text = page(built, rel).text()
        assert not re.search(r"\b(entities|collections)\b", text, re.I), (rel, text)
        assert "label_chance" not in text and "null" not in text, rel
    entity = page(built, "books/e/item-0-id0.html").text()
    assert re.search(r"In reader's lists [\d,]+ ", entity) and re.search(r"both in \d+ reader's lists?\b", entity)
    assert "all 40 books" in page(built, "books/e/index.html").text()
    assert "Books" in [a for a in page(built, "books/about.html").visible if a.strip() == "Books"]  # the nav link
    raw = (built / "books" / "index.html").read_text()
    cfg = json.loads(re.search(r'id="atlas-config">(.*?)</script>', raw, re.S).group(1))
    assert cfg["nouns"] == {"entity": "book", "entities": "books", "collection": "reader's list",
                            "collections": "reader's lists"}


def test_about_page_explains_the_method(built):
    p = page(built, "books/about.html")
    steps = [" ".join(s.split()) for s in p.by_class.get("step-count", [])]
    # the fixture's stats: 123 lists and 40 books kept (no rows / pairs / links recorded: left blank)
    assert "123 reader's lists" in " ".join(steps) and "2 maps" in steps
    titles = p.cls("pipeline")
    assert titles.index("Read") < titles.index("Filter") < titles.index("Count pairs") < titles.index("Nearest neighbours") < titles.index("Layouts")
    layouts = p.attrs("li", **{"class": "layout"})
    assert len(layouts) == 2
    thumbs = [a["src"] for a in p.attrs("img")]
    assert len(thumbs) == 2 and all(t.startswith("data/thumb-") for t in thumbs)
    assert "Neighbour recall@10 0.510" in p.cls("figures") and "Label agreement@10 (chance) 0.602 (0.080)" in p.cls("figures")
    raw = (built / "books" / "about.html").read_text()
    settings = raw[raw.index("<summary>Settings</summary>"):]
    settings = settings[: settings.index("</details>")]
    assert "graph.n_neighbors" in settings and "variants[1].perplexity" in settings
    assert "null" not in settings and "collections.value" not in settings  # unset keys are left out
    assert XSS_IMG not in raw and "<script" not in raw.replace('<script defer src="', "")


def test_og_image_absolute_with_base_url(built):
    pages = sorted(p.relative_to(built).as_posix() for p in (built / "shop").rglob("*.html"))
    assert "shop/compare.html" in pages and len(pages) > 20
    for rel in pages:
        (og,) = page(built, rel).attrs("meta", property="og:image")
        assert og["content"].startswith("https://example.org/atlas/shop/data/thumb-"), (rel, og)
    for rel in ("books/index.html", "books/compare.html", "books/about.html", "books/e/index.html"):
        assert not page(built, rel).attrs("meta", property="og:image"), rel  # no base_url: no absolute URL to give


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_helper():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#3b6fd4", "#111318") < 4.5  # the default accent on the dark background: why links do not use it


def test_site_css_links_and_text_contrast_in_both_themes():
    css = (ROOT / "templates" / "site.css").read_text()
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)

    def variables(selector: str) -> dict[str, str]:
        body = re.search(re.escape(selector) + r"\{([^}]*)\}", css).group(1)
        return dict(re.findall(r"--([\w-]+):(#[0-9a-fA-F]{6})", body))

    dark = variables(":root")
    light = {**dark, **variables(".theme-light")}
    for theme in (dark, light):
        for fg in ("link", "fg", "muted"):
            for bg in ("bg", "panel"):
                assert contrast(theme[fg], theme[bg]) >= 4.5, (fg, bg, theme)
        assert contrast(theme["on-button"], theme["button"]) >= 4.5
    assert re.search(r"(^|\})\s*a\{color:var\(--link\)\}", css, re.M)
    # the spec's accent may be any colour: no text is drawn in it
    assert not re.search(r"(?<![-\w])color:var\(--accent\)", css)
