"""One page per entity (`<dataset>/e/<slug>.html`) and the A-Z index, from one compiled template."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from sitegen.datatypes import DatasetResult
from sitegen.formats.datafiles import membership
from sitegen.site.figures import field_text, format_number, map_views
from sitegen.site.nouns import count_of
from sitegen.site.templating import environment, render
from sitegen.site.viewer_config import nouns


def entity_pages(r: DatasetResult, ctx: dict, title: str, image: str | None) -> dict[str, bytes]:
    """`<dataset>/e/<slug>.html` for the entities in `packed.paged` (the most popular, `[site] entity_pages`)
    and the A-Z index `e/index.html` of those pages. A neighbour without a page links to the map
    (`../index.html#sel=<id>`), where every entity has its panel."""
    name, packed = r.spec.name, r.packed
    words = nouns(r.spec.site)
    ent = r.entities
    labels = [str(x) for x in ent.labels]
    slugs = packed.slugs
    tpl = environment().get_template("entity.html.j2")
    ip, idx, w = packed.neighbor_indptr, packed.neighbor_indices, packed.neighbor_weights
    in_cluster = cluster_links(r.clusters.get(r.spec.default_variant))
    # Raw co-occurrence counts read as "both in 30 baskets"; other weights (value/time closeness) are no count.
    together = (lambda wt: "both in " + count_of(int(wt), words["collection"], words["collections"])) if r.spec.cooccurrence.weight == "count" else \
        (lambda wt: f"weight {format_number(wt)}")
    hosts = set(r.spec.site.image_hosts)
    files = {}
    has_page = set(packed.paged)
    sel_href = lambda j: "../index.html#" + urlencode({"sel": str(ent.ids[j])})  # noqa: E731
    for i in packed.paged:
        e = {
            "label": labels[i], "id": str(ent.ids[i]), "count": f"{int(ent.counts[i]):,}",
            "map_href": sel_href(i),
            "cluster": in_cluster[i] if in_cluster else None,
            "fields": [(f.label, val) for f in packed.fields if f.type != "image" and (val := field_text(f, i))],
            "images": [src for f in packed.fields if f.type == "image" and (src := allowed_image(f.values[i], hosts))],
            "related": [{"href": f"{slugs[j]}.html" if j in has_page else sel_href(j), "label": labels[j], "together": together(wt)}
                        for j, wt in zip(idx[ip[i]:ip[i + 1]].tolist(), w[ip[i]:ip[i + 1]].tolist())],
        }
        page = {"title": f"{labels[i]} · {title}", "description": f"{labels[i]}: in {e['count']} {words['collections']} of {title}.",
                "image": image or "", "image_alt": f"Overview of {title}", "url": ""}
        files[f"{name}/e/{slugs[i]}.html"] = tpl.render(root="../../", page=page, e=e, **ctx).encode("utf-8")
    order = sorted(packed.paged, key=lambda i: (labels[i].casefold(), slugs[i]))
    everything = len(order) == len(ent)
    page = {"title": f"All {words['entities']} · {title}" if everything else f"Most popular {words['entities']} · {title}",
            "description": f"Every {words['entity']} of {title}." if everything else
            f"The {len(order):,} most popular of the {len(ent):,} {words['entities']} of {title}; the map finds every one.",
            "image": image or "", "image_alt": f"Overview of {title}", "url": ""}
    files[f"{name}/e/index.html"] = render(
        "entities.html.j2", root="../../", page=page, shown=f"{len(order):,}",
        entities=[{"href": f"{slugs[i]}.html", "label": labels[i], "note": f"{int(ent.counts[i]):,}"} for i in order],
        **ctx)
    return files


def cluster_links(c: dict | None) -> list[dict | None]:
    """Per entity: its cluster in the default layout, {"label", "href"} to the map centred on it, or None."""
    if not c:
        return []
    views = map_views(c)
    links = [{"label": label, "href": f"../index.html#{view}"} for label, view in zip(c["labels"], views)]
    return [links[k] if k >= 0 else None for k in membership(c).tolist()]


def allowed_image(url: str, hosts: set[str]) -> str:
    """`url` when it is an http(s) URL on one of `hosts` ([site] image_hosts, the CSP's img-src), else ""."""
    try:
        parts = urlsplit(url)
        return url if parts.scheme in ("http", "https") and parts.hostname in hosts else ""
    except ValueError:
        return ""
