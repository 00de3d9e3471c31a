"""The version of ties, read from the installed package's metadata: pyproject.toml is its one source."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("ties")
except PackageNotFoundError:  # a checkout on sys.path that was never installed: say so rather than guess
    __version__ = "0+not-installed"
