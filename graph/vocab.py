"""The vocabulary: namespaces, the twelve entity types, the relation kinds, and
the prefixes every SPARQL query gets predeclared."""

from __future__ import annotations

from enum import Enum

__all__ = [
    "TIES",
    "ENTITY",
    "DOCUMENT",
    "META_GRAPH",
    "DECISIONS_GRAPH",
    "DECISION",
    "PREFIXES",
    "EntityType",
    "Relation",
    "sparql_prologue",
]

TIES = "https://w3id.org/ties/ontology#"
ENTITY = "https://w3id.org/ties/entity/"
DOCUMENT = "https://w3id.org/ties/document/"
META_GRAPH = "https://w3id.org/ties/graph/metadata"
# The analyst's decisions (graph.curate): their records, and each decision's own graph.
DECISIONS_GRAPH = "https://w3id.org/ties/graph/decisions"
DECISION = "https://w3id.org/ties/decision/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"  # a plain literal's datatype, which RDF 1.1 leaves unwritten
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
WIKIDATA = "http://www.wikidata.org/entity/"

PREFIXES = {
    "ties": TIES,
    "ent": ENTITY,
    "doc": DOCUMENT,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "skos": SKOS,
    "prov": PROV,
    "dcterms": DCTERMS,
    "schema": SCHEMA,
    "wd": WIKIDATA,
}


def sparql_prologue() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


class EntityType(str, Enum):
    """The twelve kinds of thing ties records; the value is the class's local name."""

    Country = "Country"
    Firm = "Firm"
    GovernmentBody = "GovernmentBody"
    InternationalOrganization = "InternationalOrganization"
    ResearchOrganization = "ResearchOrganization"
    Organization = "Organization"
    Person = "Person"
    Project = "Project"
    Agreement = "Agreement"
    Event = "Event"
    Product = "Product"
    Place = "Place"

    @property
    def iri(self) -> str:
        return TIES + self.value

    @property
    def plural(self) -> str:
        return _PLURALS[self]


_PLURALS = {
    EntityType.Country: "countries",
    EntityType.Firm: "firms",
    EntityType.GovernmentBody: "government-bodies",
    EntityType.InternationalOrganization: "international-organizations",
    EntityType.ResearchOrganization: "research-organizations",
    EntityType.Organization: "organizations",
    EntityType.Person: "people",
    EntityType.Project: "projects",
    EntityType.Agreement: "agreements",
    EntityType.Event: "events",
    EntityType.Product: "products",
    EntityType.Place: "places",
}


class Relation(str, Enum):
    """Kinds of tie; the value is the property's local name in the ontology.
    ``tiedTo`` is the generic tie and the super-property of the others."""

    tiedTo = "tiedTo"
    partyTo = "partyTo"
    signedAt = "signedAt"
    participatesIn = "participatesIn"
    supplies = "supplies"
    builds = "builds"
    develops = "develops"
    produces = "produces"
    investsIn = "investsIn"
    finances = "finances"
    locatedIn = "locatedIn"
    memberOf = "memberOf"
    leaderOf = "leaderOf"
    heldIn = "heldIn"
    basedIn = "basedIn"
    nationality = "nationality"
    # Two names in one sentence with no grammatical path between them: weaker
    # than a tie and not one of its sub-properties; lookups leave it out unless asked.
    coMentioned = "coMentioned"

    @property
    def iri(self) -> str:
        return TIES + self.value

    @property
    def label(self) -> str:
        return _RELATION_LABELS[self]


_RELATION_LABELS = {
    Relation.tiedTo: "tied to",
    Relation.partyTo: "party to",
    Relation.signedAt: "signed at",
    Relation.participatesIn: "participates in",
    Relation.supplies: "supplies",
    Relation.builds: "builds",
    Relation.develops: "develops",
    Relation.produces: "produces",
    Relation.investsIn: "invests in",
    Relation.finances: "finances",
    Relation.locatedIn: "located in",
    Relation.memberOf: "member of",
    Relation.leaderOf: "leader of",
    Relation.heldIn: "held in",
    Relation.basedIn: "based in",
    Relation.nationality: "nationality",
    Relation.coMentioned: "co-mentioned with",
}

RELATION_BY_IRI = {r.iri: r for r in Relation}
TYPE_BY_IRI = {t.iri: t for t in EntityType}
# The relation properties as a SPARQL VALUES list (the same for every query that follows ties);
# co-mentions are not ties and stay out of it.
RELATION_VALUES = " ".join(f"<{r.iri}>" for r in Relation if r is not Relation.coMentioned)
CO_MENTION_VALUES = RELATION_VALUES + f" <{Relation.coMentioned.iri}>"
