"""The shape of the package: the public API is what it says, modules import no cycle, no module
reaches into another's private names, and the library never imports the command line."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import graph

PACKAGE = Path(graph.__file__).resolve().parent


def _modules() -> dict[str, Path]:
    found = {"graph": PACKAGE / "__init__.py"}
    for info in pkgutil.walk_packages(graph.__path__, "graph."):
        module = importlib.import_module(info.name)
        found[info.name] = Path(module.__file__)
    return found


def _imports(path: Path) -> list[tuple[str, list[str], bool]]:
    """(module imported, names taken from it, at module level?) for each graph import in PATH."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set(map(id, tree.body))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "graph":
            out.append((node.module, [a.name for a in node.names], id(node) in top))
        elif isinstance(node, ast.Import):
            out += [(a.name, [], id(node) in top) for a in node.names if a.name.split(".")[0] == "graph"]
    return out


def test_the_public_api_is_pinned():
    assert sorted(graph.__all__) == sorted(
        ["DEFAULT_STORE", "TiesGraph", "open_graph", "evaluate", "TiesError", "EntityType", "Relation", "__version__"]
    )
    for name in graph.__all__:
        assert getattr(graph, name) is not None


def test_every_module_imports_and_no_module_level_import_cycle_exists():
    modules = _modules()
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for target, names, top in _imports(path):
            if not top:
                continue
            for candidate in [f"{target}.{n}" for n in names] + [target]:
                if candidate in modules and candidate != name:
                    targets.add(candidate)
                    break
        edges[name] = targets
    # A package's __init__ re-exporting its own modules is not a cycle through them.
    for name in edges:
        if modules[name].name == "__init__.py":
            continue
        edges[name] = {t for t in edges[name] if not (modules[t].name == "__init__.py" and name.startswith(t + "."))}

    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*trail, node, nxt]))
            if nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [])


def test_no_module_imports_another_modules_private_name():
    offences = []
    for name, path in _modules().items():
        for target, names, _ in _imports(path):
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            private += [part for part in target.split(".") if part.startswith("_") and part != "__init__"]
            if private and target != name:
                offences.append(f"{name} takes {private} from {target}")
    assert not offences, offences


def test_the_library_never_imports_the_command_line_or_typer():
    for name, path in _modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                roots = [(node.module or "").split(".")[0]]
            else:
                continue
            assert not {"typer", "cli", "rich"} & set(roots), f"{name} imports {roots}"


def test_each_subpackage_says_what_it_does_and_what_it_may_import():
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert len(doc.split()) >= 12, init
        assert "import" in doc, f"{init} does not say what it may import"
