"""The direction of imports, read from the source (AST), not from what a test run loads:

- the core (``klantapp``) never imports the client (``ui``) or Qt;
- the casebook and the vault never reach sync (``klantapp.sync``), not even through
  another module: sync uses the casebook, not the other way round (issue 9, "Shape");
- the shared crypto formats (``klantapp.crypto``) know nothing of casebook, vault or sync.

Every import counts, also one inside a function (a lazy import still ties the modules).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> Iterator[str]:
    """Every module ``path`` imports, absolute (relative imports resolved)."""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield module
            # "from klantapp.sync import bundle" imports the module klantapp.sync.bundle
            yield from (f"{module}.{a.name}" for a in node.names)


@cache
def _graph() -> dict[str, frozenset[str]]:
    modules = {_module_name(p): p for p in (ROOT / "klantapp").rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        imported = set(imports_of(path))
        # importing a module runs its packages' __init__ too
        imported |= {m.rsplit(".", n)[0] for m in imported for n in range(1, m.count(".") + 1)}
        graph[name] = frozenset(m for m in imported if m in modules and m != name)
    return graph


def reachable(start: str) -> dict[str, str]:
    """Every klantapp module that ``start`` imports, directly or not, with the module
    that imports it (to say how it is reached)."""
    graph = _graph()
    seen: dict[str, str] = {}
    todo = [start]
    while todo:
        current = todo.pop()
        for target in graph.get(current, ()):
            if target not in seen:
                seen[target] = current
                todo.append(target)
    return seen


def _path(seen: dict[str, str], start: str, target: str) -> list[str]:
    chain = [target]
    while chain[-1] != start:
        chain.append(seen[chain[-1]])
    return chain[::-1]


def _modules_under(package: str) -> list[str]:
    return sorted(m for m in _graph() if m == package or m.startswith(package + "."))


def test_the_core_never_imports_the_client() -> None:
    for path in (ROOT / "klantapp").rglob("*.py"):
        for name in imports_of(path):
            assert name.split(".")[0] not in ("ui", "PySide6"), (path, name)


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("klantapp.casebook", ("klantapp.sync",)),
        ("klantapp.vault", ("klantapp.sync",)),
        ("klantapp.crypto", ("klantapp.sync", "klantapp.casebook", "klantapp.vault")),
    ],
)
def test_lower_layers_never_reach_the_higher_ones(package: str, forbidden: tuple[str]) -> None:
    modules = _modules_under(package)
    assert modules
    for start in modules:
        seen = reachable(start)
        for target in seen:
            if target.startswith(forbidden):
                raise AssertionError(" -> ".join(_path(seen, start, target)))


def test_the_check_sees_an_indirect_import() -> None:
    """The reachability walk follows imports through other modules (as vault/recovery.py
    once brought sync into the casebook)."""
    graph = _graph()
    assert "klantapp.crypto.agefile" in reachable("klantapp.vault")
    assert "klantapp.crypto.agefile" in graph["klantapp.vault.recovery"]
    assert "klantapp.crypto.agefile" in reachable("klantapp.casebook.casebook")
