"""The `_headers` file Netlify and Cloudflare Pages read: a few pattern rules, whatever the atlas's size.

Cloudflare Pages takes at most 100 rules and one splat (`*`) per path, and a header set by two matching
rules is sent with both values joined, so every rule is a path pattern and no file matches two rules
that set the same header:

    <base>*                  Content-Security-Policy and two other security headers, every response
    <base>assets/*           immutable caching (content-hashed names)
    <base><dataset>/data/*   immutable caching, one rule per dataset (content-hashed names)
    <base>*.bin, *.msgpack   the two content types hosts do not know (only where the site has such files)

The `.br` / `.gz` siblings get no content-type or encoding rule: these hosts compress responses
themselves and never answer a request for `x.bin` with `x.bin.br` (the siblings are for nginx's
`brotli_static` and `atlasgen serve`, which send the plain file's type with `Content-Encoding`).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import urlparse

CONTENT_TYPES = {".bin": "application/octet-stream", ".msgpack": "application/vnd.msgpack"}
IMMUTABLE = "public, max-age=31536000, immutable"


def csp(needs_eval: bool, image_hosts=()) -> str:
    """One policy for the whole site (two matching rules would send two policies, and a browser enforces
    both). image_hosts: validated host names pictures may come from."""
    script = "'self' 'unsafe-eval'" if needs_eval else "'self'"
    img = " ".join(["'self'", "data:", "blob:", *image_hosts])
    return (f"default-src 'self'; script-src {script}; style-src 'self'; img-src {img}; "
            "connect-src 'self'; font-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'")


def header_rules(files, base: str, needs_eval: bool, image_hosts=()) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(path pattern, [(header, value)])] for a site whose files (paths under dist/) are `files`."""
    prefix = urlparse(base).path if base else "/"
    prefix = prefix if prefix.endswith("/") else prefix + "/"
    rules = [(f"{prefix}*", [("Content-Security-Policy", csp(needs_eval, image_hosts)), ("X-Content-Type-Options", "nosniff"),
                             ("Referrer-Policy", "strict-origin-when-cross-origin")]),
             (f"{prefix}assets/*", [("Cache-Control", IMMUTABLE)])]
    datasets = sorted({rel.split("/")[0] for rel in files if rel.split("/")[1:2] == ["data"]})
    rules += [(f"{prefix}{d}/data/*", [("Cache-Control", IMMUTABLE)]) for d in datasets]
    present = {PurePosixPath(rel).suffix for rel in files}
    rules += [(f"{prefix}*{ext}", [("Content-Type", CONTENT_TYPES[ext])]) for ext in sorted(CONTENT_TYPES) if ext in present]
    return rules


def headers_file(files, base: str, needs_eval: bool, image_hosts=()) -> str:
    """The `_headers` text for `header_rules(files, base, needs_eval, image_hosts)`."""
    rules = header_rules(files, base, needs_eval, image_hosts)
    blocks = [pattern + "".join(f"\n  {k}: {v}" for k, v in headers) for pattern, headers in rules]
    return "\n\n".join(blocks) + "\n"
