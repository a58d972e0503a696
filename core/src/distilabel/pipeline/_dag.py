"""The directed graph of steps a pipeline runs: nodes, edges, order, cycles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from distilabel.errors import DistilabelUserError

if TYPE_CHECKING:
    from distilabel.pipeline._routing import RoutingBatchFunction
    from distilabel.steps._base import _Step

__all__ = ["DAG", "PipelineValidationError"]


class PipelineValidationError(DistilabelUserError):
    """Raised when a pipeline cannot run as built; the message lists every problem."""


class DAG:
    """Steps by name and the connections between them, in insertion order."""

    def __init__(self) -> None:
        self.steps: dict[str, _Step] = {}
        self.predecessors: dict[str, list[str]] = {}
        self.successors: dict[str, list[str]] = {}
        self.routes: dict[str, RoutingBatchFunction] = {}
        """Per step, the routing function choosing which successors get each batch."""

    def add_step(self, step: _Step) -> None:
        """Add ``step``; its name must be unused.

        Raises:
            DistilabelUserError: another step already has that name.
        """
        if step.name in self.steps and self.steps[step.name] is not step:
            raise DistilabelUserError(
                f"A step named '{step.name}' already exists in this pipeline; give each step"
                " a unique `name`."
            )
        self.steps[step.name] = step
        self.predecessors.setdefault(step.name, [])
        self.successors.setdefault(step.name, [])

    def add_edge(self, source: str, target: str) -> None:
        """Connect ``source`` to ``target`` (once; a repeated connection is ignored).

        Raises:
            DistilabelUserError: a step is connected to itself.
        """
        if source == target:
            raise DistilabelUserError(f"Step '{source}' cannot be connected to itself.")
        if target not in self.successors[source]:
            self.successors[source].append(target)
            self.predecessors[target].append(source)

    @property
    def roots(self) -> list[str]:
        """Steps without predecessors."""
        return [name for name, preds in self.predecessors.items() if not preds]

    @property
    def leaves(self) -> list[str]:
        """Steps without successors: their rows form the output."""
        return [name for name, succs in self.successors.items() if not succs]

    def with_descendants(self, names: list[str]) -> set[str]:
        """``names`` and every step reachable from them."""
        return set(names).union(*(self.descendants(name) for name in names))

    def convergence_source(self, name: str) -> Optional[str]:
        """The routing step whose routed steps feed ``name`` (``name`` is then a
        convergence step), or ``None`` when no predecessor of ``name`` gets routed
        batches (see ``_routing``)."""
        sources = {
            source
            for pred in self.predecessors[name]
            for source in self.predecessors[pred]
            if source in self.routes
        }
        return next(iter(sources)) if len(sources) == 1 else None

    def find_cycle(self) -> Optional[list[str]]:
        """Return one cycle as a list of step names (first repeated at the end), or None."""
        state: dict[str, int] = {}
        path: list[str] = []

        def visit(node: str) -> Optional[list[str]]:
            state[node] = 1
            path.append(node)
            for nxt in self.successors[node]:
                if state.get(nxt) == 1:
                    return [*path[path.index(nxt):], nxt]
                if nxt not in state:
                    found = visit(nxt)
                    if found:
                        return found
            path.pop()
            state[node] = 2
            return None

        for node in self.steps:
            if node not in state:
                found = visit(node)
                if found:
                    return found
        return None

    def topological_order(self) -> list[str]:
        """Step names with every step after its predecessors.

        Raises:
            PipelineValidationError: the graph has a cycle (named in the message).
        """
        cycle = self.find_cycle()
        if cycle:
            raise PipelineValidationError(
                "The pipeline has a cycle: " + " >> ".join(cycle) + ". Steps must form a"
                " directed acyclic graph; remove one of these connections."
            )
        remaining = {name: len(preds) for name, preds in self.predecessors.items()}
        ready = [name for name, count in remaining.items() if count == 0]
        order: list[str] = []
        while ready:
            node = ready.pop(0)
            order.append(node)
            for nxt in self.successors[node]:
                remaining[nxt] -= 1
                if remaining[nxt] == 0:
                    ready.append(nxt)
        return order

    def descendants(self, name: str) -> set[str]:
        """Every step reachable from ``name``."""
        seen: set[str] = set()
        stack = list(self.successors[name])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(self.successors[node])
        return seen
