"""Local preview server for a built site (`atlasgen serve`): stdlib http.server, 127.0.0.1 by default.

Serves `<file>.br` / `<file>.gz` with `Content-Encoding` when the request's Accept-Encoding allows it
(brotli preferred), always with `Vary: Accept-Encoding` and the MIME type of the plain file.
"""

from __future__ import annotations

import functools
import http.server
import mimetypes
import os
import re
from pathlib import Path

MIME = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".bin": "application/octet-stream",
    ".msgpack": "application/vnd.msgpack",
    ".wasm": "application/wasm",
    ".map": "application/json",
}
ENCODINGS = ((".br", "br"), (".gz", "gzip"))


def accepted(header: str | None) -> set[str]:
    """Codings the client accepts (q > 0), lower-case; `*` accepts any."""
    out = set()
    for part in (header or "").split(","):
        m = re.match(r"\s*([\w*-]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?", part)
        if m and (m.group(2) is None or float(m.group(2) or 0) > 0):
            out.add(m.group(1).lower())
    return out


class Handler(http.server.SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler plus precompressed siblings and our MIME table."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME}

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the base class answers 301 to the slash URL
            path = path / "index.html"
        if not path.is_file():
            not_found = Path(self.directory) / "404.html"
            if not_found.is_file():
                return self._send_file(not_found, 404)
            return super().send_head()
        return self._send_file(path, 200)

    def _send_file(self, path: Path, status: int):
        ok = accepted(self.headers.get("Accept-Encoding"))
        chosen, encoding = path, None
        for ext, coding in ENCODINGS:
            sibling = path.with_name(path.name + ext)
            if (coding in ok or "*" in ok) and sibling.is_file():
                chosen, encoding = sibling, coding
                break
        f = open(chosen, "rb")
        try:
            size = os.fstat(f.fileno()).st_size
            self.send_response(status)
            self.send_header("Content-Type", MIME.get(path.suffix) or mimetypes.guess_type(path.name)[0]
                             or "application/octet-stream")
            if encoding:
                self.send_header("Content-Encoding", encoding)
            self.send_header("Vary", "Accept-Encoding")
            self.send_header("Content-Length", str(size))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            return f
        except BaseException:
            f.close()
            raise

    def log_message(self, format, *args):  # noqa: A002  (quiet unless asked)
        if self.server.verbose:
            super().log_message(format, *args)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    verbose = True


def make_server(directory: str | Path, port: int = 8000, host: str = "127.0.0.1", verbose: bool = True) -> Server:
    """A ready server (not yet serving); port 0 picks a free port (`server.server_address[1]`)."""
    handler = functools.partial(Handler, directory=str(Path(directory)))
    server = Server((host, port), handler)
    server.verbose = verbose
    return server


def serve(directory: str | Path = "dist", port: int = 8000, host: str = "127.0.0.1") -> None:
    """Serve `directory` until interrupted."""
    server = make_server(directory, port, host)
    print(f"Serving {directory} at http://{host}:{server.server_address[1]}/ (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
