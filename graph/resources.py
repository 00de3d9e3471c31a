"""Where the files ties ships with live: the ontology and the gazetteer.

A checkout (or editable install) reads them from the project root; a regular
install reads the copies placed under ``<prefix>/share/ties``."""

from __future__ import annotations

import sys
from pathlib import Path

from graph.errors import DataFileError

__all__ = ["ontology_path", "gazetteer_dir"]

_ROOT = Path(__file__).resolve().parent.parent
_SHARE = Path(sys.prefix) / "share" / "ties"


def ontology_path() -> Path:
    for candidate in (_ROOT / "ontology.ttl", _SHARE / "ontology.ttl"):
        if candidate.is_file():
            return candidate
    raise DataFileError("ontology.ttl is missing; reinstall ties (`pip install -e .` from its folder)")


def gazetteer_dir() -> Path:
    for candidate in (_ROOT / "data" / "gazetteer", _SHARE / "gazetteer"):
        if candidate.is_dir():
            return candidate
    raise DataFileError("the gazetteer folder data/gazetteer is missing; reinstall ties (`pip install -e .`)")
