"""ties: a knowledge graph of bilateral ties between countries, built from
documents, with every fact traced to the sentence that states it."""

from graph.api import DEFAULT_STORE, TiesGraph, evaluate, open_graph
from graph.errors import TiesError
from graph.version import __version__
from graph.vocab import EntityType, Relation

__all__ = ["open_graph", "evaluate", "TiesGraph", "DEFAULT_STORE", "EntityType", "Relation", "TiesError", "__version__"]
