"""The preview server: content negotiation for .br/.gz siblings, MIME types, 404 page, loopback default."""

from __future__ import annotations

import gzip
import http.client
import inspect
import threading

import brotli
import pytest

from sitegen.commands.serve import accepted, make_server, serve
from sitegen.site.compress import compress_tree

PAGE = b"<!doctype html><title>hi</title>" + b"<p>hello</p>" * 200
BIN = bytes(range(256)) * 64


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("served")
    (root / "index.html").write_bytes(PAGE)
    (root / "404.html").write_bytes(b"<!doctype html><title>Not found</title>" * 10)
    (root / "ds" / "data").mkdir(parents=True)
    (root / "ds" / "index.html").write_bytes(PAGE)
    (root / "ds" / "data" / "points.abc.bin").write_bytes(BIN)
    (root / "ds" / "data" / "meta.abc.msgpack").write_bytes(BIN[:300])
    (root / "ds" / "data" / "x.wasm").write_bytes(b"\0asm\1\0\0\0")
    (root / "plain.png").write_bytes(b"\x89PNG fake")
    compress_tree(root)
    srv = make_server(root, port=0, verbose=False)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()


def get(port: int, path: str, accept: str | None = None, method: str = "GET"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Accept-Encoding": accept} if accept is not None else {}
    conn.request(method, path, headers=headers)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp, body


def test_brotli_when_accepted(server):
    resp, body = get(server, "/", "gzip, deflate, br")
    assert resp.status == 200
    assert resp.getheader("Content-Encoding") == "br"
    assert resp.getheader("Content-Type") == "text/html; charset=utf-8"
    assert "Accept-Encoding" in resp.getheader("Vary")
    assert brotli.decompress(body) == PAGE


def test_plain_when_not_accepted(server):
    for accept in (None, "identity", "br;q=0"):
        resp, body = get(server, "/index.html", accept)
        assert resp.status == 200 and resp.getheader("Content-Encoding") is None, accept
        assert body == PAGE
        assert resp.getheader("Vary") == "Accept-Encoding"


def test_gzip_when_only_gzip_accepted(server):
    resp, body = get(server, "/ds/", "gzip")
    assert resp.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == PAGE


@pytest.mark.parametrize("path, mime", [
    ("/ds/data/points.abc.bin", "application/octet-stream"),
    ("/ds/data/meta.abc.msgpack", "application/vnd.msgpack"),
    ("/ds/data/x.wasm", "application/wasm"),
    ("/plain.png", "image/png"),
])
def test_mime_types(server, path, mime):
    resp, body = get(server, path, "br")
    assert resp.getheader("Content-Type") == mime
    if path.endswith(".png"):
        assert resp.getheader("Content-Encoding") is None  # never precompressed
    else:
        assert resp.getheader("Content-Encoding") == "br"


def test_head_and_missing_and_redirect(server):
    resp, body = get(server, "/ds/data/points.abc.bin", None, method="HEAD")
    assert resp.status == 200 and body == b"" and resp.getheader("Content-Length") == str(len(BIN))
    resp, body = get(server, "/nope/", "br")
    assert resp.status == 404 and b"Not found" in brotli.decompress(body)
    resp, _ = get(server, "/ds")
    assert resp.status == 301 and resp.getheader("Location").endswith("/ds/")


def test_accept_encoding_parsing():
    assert accepted("gzip, br;q=0.5, deflate;q=0") == {"gzip", "br"}
    assert accepted(None) == set()
    assert accepted("*") == {"*"}


def test_binds_to_loopback_by_default():
    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"
    assert inspect.signature(make_server).parameters["host"].default == "127.0.0.1"
