"""Exports: the network for Gephi (GraphML, GEXF), nodes and edges as CSV, the
quads themselves as TriG, N-Quads, Turtle or JSON-LD, and the explorer as one
page (graph.output.html).

GraphML is written here rather than by networkx so that Gephi reads it
cleanly: named key ids, typed attributes, a ``label`` on every node, unique
edge ids, and lists joined into strings."""

from __future__ import annotations

import csv
from enum import Enum
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import networkx as nx
import pyoxigraph as ox

from graph.errors import ExportError
from graph.output.network import network
from graph.output.safe import csv_cell, xml_text
from graph.query.timeline import gexf_times, relation_times
from graph.store import Store

__all__ = ["ExportFormat", "export", "write_graphml", "write_gexf", "write_csv"]


class ExportFormat(str, Enum):
    graphml = "graphml"
    gexf = "gexf"
    csv = "csv"
    trig = "trig"
    nquads = "nquads"
    turtle = "turtle"
    jsonld = "jsonld"
    html = "html"


def export(store: Store, fmt: ExportFormat, out: Path) -> list[Path]:
    """Write the store in FORMAT to OUT; returns the files written."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if fmt is ExportFormat.html:  # the explorer as one page; graph.output.html takes --around too
            from graph.output.html import write_html

            return [write_html(store, out)]
        if fmt in (ExportFormat.graphml, ExportFormat.gexf, ExportFormat.csv):
            g = network(store)
            if fmt is ExportFormat.graphml:
                write_graphml(g, out)
                return [out]
            if fmt is ExportFormat.gexf:
                write_gexf(_timed(_flat(g), store), out)
                return [out]
            return write_csv(g, out)
        return [_rdf(store, fmt, out)]
    except OSError as exc:
        raise ExportError(f"cannot write {out} ({exc.strerror or exc}); check the path and free space") from exc


def _rdf(store: Store, fmt: ExportFormat, out: Path) -> Path:
    with out.open("wb") as fh:
        if fmt in (ExportFormat.trig, ExportFormat.nquads):
            store.dump(fh, fmt.value)
        else:
            # Turtle and JSON-LD here hold triples: the union of all documents' graphs.
            triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads()}
            ox.serialize(
                sorted(triples, key=str),
                fh,
                ox.RdfFormat.TURTLE if fmt is ExportFormat.turtle else ox.RdfFormat.JSON_LD,
            )
    return out


def _timed(g: nx.MultiDiGraph, store: Store) -> nx.MultiDiGraph:
    """Start and end dates on nodes (events, agreements, projects) and on the
    ties between countries since relations were established, for Gephi's timeline."""
    g.graph["mode"] = "dynamic"
    for node, (start, end) in gexf_times(store).items():
        if node in g:
            g.nodes[node].update({k: v for k, v in (("start", start), ("end", end)) if v})
    since = relation_times(store)
    for s, o, data in g.edges(data=True):
        start = since.get(tuple(sorted((s, o))), (None,))[0]
        if start:
            data["start"] = start
    return g


def write_gexf(g: nx.MultiDiGraph, out: Path) -> None:
    """G as GEXF; G is changed (its texts made XML-safe), so pass a copy."""
    nx.write_gexf(_xml_safe(g), out)


def _xml_safe(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """G, changed in place, with every text XML-safe: names come from
    documents and may hold characters (controls, lone surrogates) that no XML
    parser reads back."""
    for data in (g.graph, *(d for _, d in g.nodes(data=True)), *(d for _, _, d in g.edges(data=True))):
        data.update({k: xml_text(v) for k, v in data.items() if isinstance(v, str)})
    renamed = {n: xml_text(n) for n in g if isinstance(n, str) and xml_text(n) != n}
    return nx.relabel_nodes(g, renamed, copy=False) if renamed else g


# One colour a type, told apart at a glance in Gephi (a qualitative palette, twelve hues).
TYPE_COLOURS: dict[str, tuple[int, int, int]] = {
    "Country": (31, 119, 180),
    "Firm": (255, 127, 14),
    "GovernmentBody": (44, 160, 44),
    "InternationalOrganization": (214, 39, 40),
    "ResearchOrganization": (148, 103, 189),
    "Organization": (140, 86, 75),
    "Person": (227, 119, 194),
    "Project": (127, 127, 127),
    "Agreement": (188, 189, 34),
    "Event": (23, 190, 207),
    "Product": (255, 187, 120),
    "Place": (152, 223, 138),
}


def _flat(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """G for GEXF: lists joined, each edge labelled with its relation, each node coloured by its type."""
    h = g.copy()
    for _, _, data in h.edges(data=True):
        data["documents"] = "; ".join(data["documents"])
        data["label"] = data["relation"]
    for _, data in h.nodes(data=True):
        r, g_, b = TYPE_COLOURS.get(data.get("type", ""), (200, 200, 200))
        data["viz"] = {"color": {"r": r, "g": g_, "b": b, "a": 1.0}}
    return h


_NODE_KEYS = [("label", "string"), ("type", "string"), ("sources", "int"), ("wikidata", "string")]
_EDGE_KEYS = [("relation", "string"), ("predicate", "string"), ("weight", "double"), ("documents", "string")]


def write_graphml(g: nx.MultiDiGraph, out: Path) -> None:
    with out.open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
        for name, kind in _NODE_KEYS:
            fh.write(f'  <key id="{name}" for="node" attr.name="{name}" attr.type="{kind}"/>\n')
        for name, kind in _EDGE_KEYS:
            fh.write(f'  <key id="{name}" for="edge" attr.name="{name}" attr.type="{kind}"/>\n')
        fh.write('  <graph id="ties" edgedefault="directed">\n')
        for node, data in g.nodes(data=True):
            cells = "".join(f'<data key="{k}">{escape(str(data.get(k, "")))}</data>' for k, _ in _NODE_KEYS)
            fh.write(_xml_line(f"    <node id={quoteattr(node)}>{cells}</node>\n"))
        for i, (s, o, data) in enumerate(g.edges(data=True)):
            values = {**data, "documents": "; ".join(data["documents"])}
            cells = "".join(f'<data key="{k}">{escape(str(values[k]))}</data>' for k, _ in _EDGE_KEYS)
            fh.write(_xml_line(f'    <edge id="e{i}" source={quoteattr(s)} target={quoteattr(o)}>{cells}</edge>\n'))
        fh.write("  </graph>\n</graphml>\n")


def _xml_line(line: str) -> str:
    """One element, its values escaped, made XML-safe: names come from documents
    and may hold characters no XML parser reads back. A carriage return inside
    is written as a reference, as a parser reads a literal one as a newline."""
    return xml_text(line[:-1]).replace("\r", "&#13;") + "\n"


def write_csv(g: nx.MultiDiGraph, out: Path) -> list[Path]:
    stem = out.with_suffix("") if out.suffix == ".csv" else out
    nodes, edges = Path(f"{stem}.nodes.csv"), Path(f"{stem}.edges.csv")
    with nodes.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "label", "type", "sources", "wikidata"])
        for node, d in g.nodes(data=True):
            w.writerow([csv_cell(v) for v in (node, d["label"], d["type"], d["sources"], d["wikidata"])])
    with edges.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "target", "source_label", "target_label", "relation", "predicate", "weight", "documents"])
        for s, o, d in g.edges(data=True):
            labels = (g.nodes[s]["label"], g.nodes[o]["label"])
            row = (s, o, *labels, d["relation"], d["predicate"], d["weight"], "; ".join(d["documents"]))
            w.writerow([csv_cell(v) for v in row])
    return [nodes, edges]
