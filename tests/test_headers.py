"""The `_headers` file: pattern rules that cover every file of a built site correctly, a bounded number of them."""

from __future__ import annotations

import re
from pathlib import Path

from site_fixtures import tiny_result, viewer_bundle

from sitegen.site.headers import CONTENT_TYPES, IMMUTABLE, header_rules, headers_file
from sitegen.site.write import write_site

CLOUDFLARE_MAX_RULES = 100
CLOUDFLARE_MAX_LINE = 2000


def parse(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """A `_headers` file as Netlify / Cloudflare Pages read it: blocks of a path line and indented headers."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith(" "):
            name, _, value = line.strip().partition(": ")
            rules[-1][1].append((name, value))
        else:
            rules.append((line, []))
    return rules


def matching(rules, url: str) -> dict[str, list[str]]:
    """Every header a request for `url` gets: a splat matches any characters, slashes included."""
    got: dict[str, list[str]] = {}
    for pattern, headers in rules:
        if re.fullmatch(re.escape(pattern).replace(r"\*", ".*"), url):
            for k, v in headers:
                got.setdefault(k, []).append(v)
    return got


def test_every_file_gets_exactly_the_right_headers(tmp_path):
    results = [tiny_result(), tiny_result("other", n=25, seed=1, variants=("tsne",),
                                          base_url="https://example.org/atlas")]
    out = write_site(results, tmp_path / "dist", viewer_dir=viewer_bundle(tmp_path / "bundle"))
    text = (out / "_headers").read_text()
    rules = parse(text)
    assert len(rules) == 2 + 2 + 2  # security, assets, each dataset's data/, .bin and .msgpack
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert any(f.endswith(".bin.br") for f in files) and any(f.endswith(".msgpack.gz") for f in files)
    for rel in files:
        got = matching(rules, "/atlas/" + rel)
        assert len(got.pop("Content-Security-Policy")) == 1, rel
        assert got.pop("X-Content-Type-Options") == ["nosniff"], rel
        assert got.pop("Referrer-Policy") == ["strict-origin-when-cross-origin"], rel
        hashed = rel.startswith("assets/") or rel.split("/")[1:2] == ["data"]
        assert got.pop("Cache-Control", []) == ([IMMUTABLE] if hashed else []), rel
        # the siblings (x.bin.br) get none: hosts that read _headers compress by themselves
        ext = Path(rel).suffix
        assert got.pop("Content-Type", []) == ([CONTENT_TYPES[ext]] if ext in CONTENT_TYPES else []), rel
        assert got == {}, rel
    assert matching(rules, "/elsewhere/tiny/data/x.bin") == {}  # rules live under the base URL's path


def test_rule_count_does_not_grow_with_the_atlas():
    def site(n_files: int) -> dict[str, bytes]:
        files = {"index.html": b"", "assets/viewer.0123456789.js": b""}
        for k in range(n_files):
            files |= {f"big/data/shard-{k}.0123456789.msgpack": b"", f"big/data/points-{k}.0123456789.bin": b"",
                      f"big/e/entity-{k}.html": b""}
        return files

    small, large = (headers_file(site(n), "", False) for n in (3, 50_000))
    assert small == large
    rules = parse(large)
    assert len(rules) == 5 <= CLOUDFLARE_MAX_RULES
    assert all(pattern.count("*") == 1 for pattern, _ in rules)  # Cloudflare: one splat per path
    assert max(map(len, large.splitlines())) <= CLOUDFLARE_MAX_LINE


def test_content_type_rules_only_for_types_the_site_has():
    rules = header_rules({"index.html": b"", "a/data/points-0.1.bin": b""}, "", True)
    assert [p for p, _ in rules] == ["/*", "/assets/*", "/a/data/*", "/*.bin"]
    assert "'unsafe-eval'" in dict(rules[0][1])["Content-Security-Policy"]


def test_image_hosts_join_the_one_policy():
    text = headers_file({"index.html": b""}, "", False, ["covers.example.org"])
    assert "img-src 'self' data: blob: covers.example.org;" in text
    assert text.count("Content-Security-Policy") == 1
