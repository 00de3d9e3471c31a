"""`ties export html`: one page that holds the explorer, Cytoscape.js and the network (of the whole
store, or of the entities within DEPTH ties of one), with the sentences that state each tie. It
reads nothing from the network: sent by mail and opened from a file, it works as it is.

The data go in a ``<script type="application/json">`` block, written so that no text from a
document can end it: every ``<``, ``>`` and ``&`` is a JSON escape there, so a label holding
``</script>`` stays a label."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import networkx as nx

from graph.errors import ExportError
from graph.output.export import TYPE_COLOURS
from graph.output.network import network
from graph.query.catalogue import documents
from graph.query.lookups import find_entity
from graph.store import Store
from graph.vocab import META_GRAPH, RELATION_BY_IRI, RELATION_VALUES

__all__ = ["write_html", "page", "page_data", "DRAWN_WHOLE"]

_STATIC = Path(__file__).resolve().parent.parent / "serve" / "static"
# Up to this many entities the page opens on the whole network, laid out in the browser; beyond,
# on the most-tied entity's neighbourhood, the rest a search or a click away (laying out thousands
# of nodes takes longer than a reader waits).
DRAWN_WHOLE = 400


def write_html(store: Store, out: Path, around: str | None = None, depth: int = 1) -> Path:
    """Write the page for STORE (or for the entities within DEPTH ties of AROUND) to OUT."""
    text = page(store, around, depth)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"cannot write {out} ({exc.strerror or exc}); check the path and free space") from exc
    return out


def page(store: Store, around: str | None = None, depth: int = 1) -> str:
    data = page_data(store, around, depth)
    html = (_STATIC / "explorer.html").read_text(encoding="utf-8")
    css = (_STATIC / "explorer.css").read_text(encoding="utf-8")
    colours = {kind: "#{:02x}{:02x}{:02x}".format(*rgb) for kind, rgb in TYPE_COLOURS.items()}
    script = (_STATIC / "explorer.js").read_text(encoding="utf-8").replace("__COLOURS__", json.dumps(colours))
    library = (_STATIC / "vendor" / "cytoscape.min.js").read_text(encoding="utf-8")
    blocks = {
        '<link rel="stylesheet" href="explorer.css">': f"<style>\n{css}</style>",
        '<script src="vendor/cytoscape.min.js"></script>': f"<script>{_inline(library)}</script>",
        '<script src="explorer.js"></script>': (
            f'<script type="application/json" id="ties-data">{embedded_json(data)}</script>\n'
            f"<script>{_inline(script)}</script>"
        ),
    }
    for placeholder, block in blocks.items():
        if placeholder not in html:
            raise ExportError(f"the explorer page shipped with ties lacks {placeholder}; reinstall ties")
        html = html.replace(placeholder, block)
    return html


def embedded_json(value: object) -> str:
    """VALUE as JSON that an HTML parser reads through to the end of its script block."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def _inline(script: str) -> str:
    # A script of ours never holds these, but were one to, the page would end there.
    if "</script" in script.lower() or "<!--" in script:
        raise ExportError("a script shipped with ties cannot be inlined in a page; reinstall ties")
    return script


def page_data(store: Store, around: str | None = None, depth: int = 1) -> dict:
    """The network as the page reads it: nodes (with aliases, documents and their dates), edges
    (with their sentences), the entity it is around (AROUND, or for a network too big to draw
    whole, the most-tied one, whose neighbourhood the page opens on) and whether to draw it whole."""
    g = network(store)
    focus = None
    if around is not None:
        focus = find_entity(store, around)
        reach = nx.single_source_shortest_path_length(g.to_undirected(as_view=True), focus, cutoff=depth)
        g = g.subgraph(reach).copy()
    whole = len(g) <= DRAWN_WHOLE
    if not whole and focus is None:
        focus = max(g, key=lambda n: (g.degree(n), n))
    dates = {d.name: d.date for d in documents(store)}
    names = _aliases(store, set(g))
    docs_of = _node_documents(store, set(g))
    nodes = []
    for node, d in g.nodes(data=True):
        its_docs = sorted(docs_of.get(node, ()))
        item = {
            "id": node,
            "label": d["label"],
            "type": d["type"],
            "sources": d["sources"],
            "wikidata": d["wikidata"] or None,
            "aliases": sorted(names.get(node, set()) - {d["label"]}),
            "documents": its_docs,
            "dates": sorted({x for doc in its_docs if (x := dates.get(doc))}),
        }
        nodes.append(item)
    sentences = _evidence(store, set(g), dates)
    edges = []
    for s, o, key, d in g.edges(keys=True, data=True):
        evidence = sentences.get((s, d["predicate"], o), [])
        edges.append(
            {
                "id": f"{s} {d['predicate']} {o}",
                "source": s,
                "target": o,
                "relation": key,
                "label": d["relation"],
                "sources": d["weight"],
                "documents": d["documents"],
                "dates": sorted({x for doc in d["documents"] if (x := dates.get(doc))}),
                "evidence": evidence,
            }
        )
    title = f"Around {g.nodes[focus]['label']}" if around is not None and focus else "ties: the network"
    return {"title": title, "focus": focus, "whole": whole, "nodes": nodes, "edges": edges}


def _aliases(store: Store, nodes: set[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for r in store.select("SELECT DISTINCT ?e ?alias WHERE { GRAPH ?g { ?e skos:altLabel ?alias } }"):
        if r["e"] in nodes:
            out[r["e"]].add(r["alias"])
    return out


def _node_documents(store: Store, nodes: set[str]) -> dict[str, set[str]]:
    rows = store.select(
        "SELECT DISTINCT ?e ?name WHERE { GRAPH ?g { ?e rdfs:label ?l } "
        f"GRAPH <{META_GRAPH}> {{ ?g ties:fileName ?name }} }}"
    )
    out: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r["e"] in nodes:
            out[r["e"]].add(r["name"])
    return out


def _evidence(store: Store, nodes: set[str], dates: dict[str, str | None]) -> dict[tuple[str, str, str], list[dict]]:
    """(subject, predicate, object) -> the sentences that state it, as the explorer shows them."""
    rows = store.select(
        "SELECT ?s ?p ?o ?name ?sentence ?start ?end ?method ?confidence WHERE { "
        "GRAPH ?g { ?ev rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; ties:sentence ?sentence ; "
        "ties:start ?start ; ties:end ?end OPTIONAL { ?ev ties:method ?method } "
        "OPTIONAL { ?ev ties:confidence ?confidence } } "
        f"GRAPH <{META_GRAPH}> {{ ?g ties:fileName ?name }} VALUES ?p {{ {RELATION_VALUES} }} }}"
    )
    out: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for r in rows:
        if r["s"] in nodes and r["o"] in nodes and r["p"] in RELATION_BY_IRI:
            out[(r["s"], r["p"], r["o"])].append(
                {
                    "source": r["name"],
                    "date": dates.get(r["name"]),
                    "sentence": r["sentence"],
                    "start": r["start"],
                    "end": r["end"],
                    "method": r["method"],
                    "confidence": r["confidence"],
                }
            )
    for found in out.values():
        found.sort(key=lambda ev: (ev["source"], ev["start"]))
    return out
