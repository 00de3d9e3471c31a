"""Records into quads: IRIs, the document's named graph, its metadata, and
evidence for every tie.

- An entity's IRI comes from its type and canonical label, case and accents
  kept: ``ent:Firm/Hyundai_Rotem``. Names that are only a kind ("the
  memorandum of understanding") get an IRI of their own in each document.
- Everything a document asserts lives in the graph named by the document's
  IRI; its metadata (file name, hash, title, ...) in the metadata graph.
- Every tie has an Evidence node: the sentence, its offsets into the stored
  text, the method, a confidence, and the document it came from."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

import pyoxigraph as ox

from graph.model import Document, Extraction, Tie
from graph.names import iri_slug
from graph.rdf.observations import dating_quads, observation_quads
from graph.rdf.provenance import provenance_quads
from graph.rdf.terms import Term, iri, literal
from graph.vocab import DCTERMS, DOCUMENT, ENTITY, META_GRAPH, OWL, PROV, RDF, RDFS, SKOS, TIES, WIKIDATA, EntityType

__all__ = ["Canonical", "entity_iri", "document_iri", "document_quads", "identity_quads", "format_quad", "STORE_FORMAT"]

_A = iri(RDF + "type")
_LABEL = iri(RDFS + "label")
_ALT = iri(SKOS + "altLabel")
_SAME = iri(OWL + "sameAs")
_KEY = iri(TIES + "matchKey")
_META = iri(META_GRAPH)


def _t(local: str) -> ox.NamedNode:
    return iri(TIES + local)


@dataclass
class Canonical:
    """What an extracted entity is in the whole store."""

    iri: str
    type: EntityType
    label: str
    aliases: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)
    wikidata: str | None = None


def entity_iri(kind: EntityType, label: str, scope: str | None = None) -> str:
    base = f"{ENTITY}{kind.value}/{iri_slug(label)}"
    return f"{base}--{iri_slug(scope)}" if scope else base


def document_iri(file_name: str, sha256: str | None = None) -> str:
    """The IRI of a document: DOCUMENT + quoted file name for the first document stored under a
    name, and name + "--" + a prefix of its hash (SHA256) for another document of that name.
    What a document is, is decided by its hash and paths in the metadata, never by its IRI; the
    name form is kept because stores written before, and the scorers in ../shared/eval
    (docred/score.py), map a graph to its file by it."""
    base = DOCUMENT + quote(file_name, safe="")
    return f"{base}--{sha256[:12]}" if sha256 else base


def document_quads(
    doc: Document,
    extraction: Extraction,
    canon: dict[str, Canonical],
    ingested_at: datetime,
    extractor: str,
    graph_iri: str | None = None,
) -> list[ox.Quad]:
    doc_iri = iri(graph_iri or document_iri(doc.meta.file_name))
    quads = _metadata(doc, doc_iri, ingested_at, extractor)
    quads.append(ox.Quad(doc_iri, _t("text"), literal(doc.text), doc_iri))
    for entity in {c.iri: c for c in canon.values()}.values():
        quads.extend(_entity(entity, doc_iri))
    iri_of = {k: c.iri for k, c in canon.items()}
    quads += dating_quads(doc_iri.value, extraction.datings, iri_of)
    quads += observation_quads(doc_iri.value, extraction.observations, iri_of)
    seen: set[str] = set()
    lit = functools.lru_cache(maxsize=None, typed=True)(literal)  # per document: sentences, offsets (1 is not 1.0)
    for tie in extraction.ties:
        subject, obj = canon[tie.subject].iri, canon[tie.object].iri
        if subject == obj:
            continue
        ev = _evidence_iri(doc_iri, subject, tie, obj)
        if ev.value in seen:
            continue
        seen.add(ev.value)
        quads.extend(_tie(tie, iri(subject), iri(obj), ev, doc_iri, lit))
    return quads


def _metadata(doc: Document, doc_iri: ox.NamedNode, ingested_at: datetime, extractor: str) -> list[ox.Quad]:
    m = doc.meta
    facts: list[tuple[ox.NamedNode, Term]] = [
        (_A, _t("Document")),
        (_A, iri(PROV + "Entity")),
        (_t("fileName"), literal(m.file_name)),
        (_t("sha256"), literal(m.sha256)),
        (_t("mediaType"), literal(m.media_type)),
        (_t("characters"), literal(m.characters)),
        (_t("extractorVersion"), literal(extractor)),
        (iri(PROV + "generatedAtTime"), literal(ingested_at)),
    ]
    optional = [
        (DCTERMS + "title", m.title),
        (DCTERMS + "creator", m.author),
        (DCTERMS + "date", m.date),
        (TIES + "dateOrigin", m.date_origin),
        (DCTERMS + "publisher", m.publisher),
    ]
    facts += [(iri(p), literal(v)) for p, v in optional if v]
    if m.source_url:
        facts.append((iri(DCTERMS + "source"), literal(m.source_url, uri=True)))
    facts += [(iri(DCTERMS + "references"), _cited(url)) for url in m.references]
    return [ox.Quad(doc_iri, p, o, _META) for p, o in facts]


STORE_FORMAT = 2  # 1: documents known by file name alone; 2: by hash and paths, near-duplicates recorded


def format_quad(doc_iri: str) -> ox.Quad:
    """The format the document's metadata is written in: on the document, so that it comes and goes
    with the document (a write rolled back, a document removed) and the store's format is its
    documents' (graph.query.catalogue.store_format)."""
    return ox.Quad(iri(doc_iri), _t("formatVersion"), literal(STORE_FORMAT), _META)


def identity_quads(
    doc_iri: str, paths: list[str], cluster: str, signature: str | None, same_as: str | None
) -> list[ox.Quad]:
    """What makes the document itself, in the metadata graph: every path (or URL) its content was
    ingested from, the source cluster it counts as (its own IRI, or its near-duplicates'), its
    MinHash signature (graph.ingest.near) and the first document of that cluster, which it was
    found to nearly duplicate."""
    node = iri(doc_iri)
    quads = [ox.Quad(node, _t("path"), literal(p), _META) for p in paths]
    quads.append(ox.Quad(node, _t("sourceCluster"), iri(cluster), _META))
    if signature:
        quads.append(ox.Quad(node, _t("minhash"), literal(signature), _META))
    if same_as:
        quads.append(ox.Quad(node, _t("sameSourceAs"), iri(same_as), _META))
    return quads


def _cited(url: str) -> Term:
    """A cited address as the IRI it names; one that is not a valid IRI (a space, a stray
    bracket in the citation) as an xsd:anyURI literal, so that it is kept all the same."""
    try:
        return ox.NamedNode(url)
    except ValueError:
        return literal(url, uri=True)


def _entity(c: Canonical, graph: ox.NamedNode) -> list[ox.Quad]:
    node = iri(c.iri)
    quads = [ox.Quad(node, _A, iri(c.type.iri), graph), ox.Quad(node, _LABEL, literal(c.label), graph)]
    quads += [ox.Quad(node, _ALT, literal(a), graph) for a in sorted(c.aliases - {c.label})]
    quads += [ox.Quad(node, _KEY, literal(k), graph) for k in sorted(c.keys) if k]
    if c.wikidata:
        quads.append(ox.Quad(node, _SAME, iri(WIKIDATA + c.wikidata), graph))
    return quads


def _evidence_iri(doc_iri: ox.NamedNode, subject: str, tie: Tie, obj: str) -> ox.NamedNode:
    digest = hashlib.sha1(f"{subject}|{tie.predicate.value}|{obj}|{tie.evidence.start}".encode()).hexdigest()[:16]
    return iri(f"{doc_iri.value}#evidence-{digest}")


_EVIDENCE = _t("Evidence")
_SUBJECT, _PREDICATE, _OBJECT = iri(RDF + "subject"), iri(RDF + "predicate"), iri(RDF + "object")
_INFERRED, _REASON = _t("inferred"), _t("reason")
_TRUE = literal(True)


def _tie(
    tie: Tie,
    subject: ox.NamedNode,
    obj: ox.NamedNode,
    ev: ox.NamedNode,
    graph: ox.NamedNode,
    lit: Callable[[object], ox.Literal],
) -> list[ox.Quad]:
    """The tie and its evidence node. LIT makes literals, remembering the
    ones a document repeats (a sentence states several ties)."""
    e = tie.evidence
    pred = iri(tie.predicate.iri)
    quads = [
        ox.Quad(subject, pred, obj, graph),
        ox.Quad(ev, _A, _EVIDENCE, graph),
        ox.Quad(ev, _SUBJECT, subject, graph),
        ox.Quad(ev, _PREDICATE, pred, graph),
        ox.Quad(ev, _OBJECT, obj, graph),
        *provenance_quads(ev, graph, e.sentence, e.start, e.end, e.method, lit(e.confidence), lit),
    ]
    if e.inferred:
        quads.append(ox.Quad(ev, _INFERRED, _TRUE, graph))
    if e.reason:
        quads.append(ox.Quad(ev, _REASON, lit(e.reason), graph))
    return quads
