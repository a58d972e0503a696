"""The core's modules import each other without circles.

Every ``import`` counts: module level, under ``TYPE_CHECKING`` and inside functions,
because a circle that only type checkers or a lazy path walk still ties the modules
together (``hookspecs`` -> ``llms`` -> ``plugins`` -> ``hookspecs`` was one). A package
counts as its ``__init__`` module; importing ``a.b.c`` depends on ``a.b.c`` alone.
"""

from __future__ import annotations

import ast
from pathlib import Path

import distilabel

SRC = Path(distilabel.__file__).resolve().parent.parent


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in (SRC / "distilabel").rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        found[".".join(parts)] = (path, is_package)
    return found


def _import_graph() -> dict[str, set[str]]:
    modules = _modules()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in modules.items():
        package = name if is_package else name.rpartition(".")[0]
        deps: set[str | None] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps.update(resolve(a.name) for a in node.names if a.name.startswith("distilabel"))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    kept = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*kept, base] if base else kept)
                if base.split(".")[0] != "distilabel":
                    continue
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    deps.add(full if full in modules else resolve(base))
        deps.discard(None)
        deps.discard(name)
        graph[name] = {d for d in deps if d is not None}
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for dep in graph.get(node, ()):
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in on_stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_core_modules_have_no_import_circles() -> None:
    assert _circles(_import_graph()) == []


def test_the_checker_finds_a_planted_circle() -> None:
    graph = _import_graph()
    graph["distilabel.hookspecs"] = {*graph["distilabel.hookspecs"], "distilabel.llms"}
    graph["distilabel.llms"] = {*graph["distilabel.llms"], "distilabel.plugins"}
    assert any("distilabel.hookspecs" in circle for circle in _circles(graph))


def test_neither_engine_imports_the_other() -> None:
    graph = _import_graph()
    for module, deps in graph.items():
        if module.startswith("distilabel.pipeline.local"):
            assert not any(d.startswith("distilabel.pipeline.ray") for d in deps), module
        if module.startswith("distilabel.pipeline.ray"):
            assert not any(d.startswith("distilabel.pipeline.local") for d in deps), module
