"""The kinds of model plugins register, each with its own entry-point group and hook.

An LLM plugin declares entry points in ``distilabel.llms`` and implements
``distilabel_register_llms``; an embedding-model plugin declares them in
``distilabel.embeddings`` and implements ``distilabel_register_embeddings``. The registry
code is the same for both: a :class:`ModelKind` row says what differs.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

__all__ = ["EMBEDDINGS", "KINDS", "LLMS", "ModelKind", "get_kind"]


@dataclass(frozen=True)
class ModelKind:
    """One kind of model plugins provide.

    Attributes:
        name: the kind's key (``"llms"``, ``"embeddings"``), also its CLI command group.
        group: the entry-point group plugins of this kind declare.
        hook: the hook specification their modules implement.
        base: ``module:Class`` of the base class every registered class subclasses.
        noun: how messages name one model of this kind (``"LLM"``).
        module: the package that resolves the names (``from distilabel.llms import X``).
        known: well-known class names and the distribution that provides each.
    """

    name: str
    group: str
    hook: str
    base: str
    noun: str
    module: str
    known: dict[str, str] = field(default_factory=dict)

    def base_class(self) -> type[Any]:
        """Import and return the kind's base class."""
        module, _, name = self.base.partition(":")
        cls: type[Any] = getattr(importlib.import_module(module), name)
        return cls


def _known_llms() -> dict[str, str]:
    from distilabel.plugins._known import KNOWN_LLMS

    return KNOWN_LLMS


def _known_embeddings() -> dict[str, str]:
    from distilabel.plugins._known import KNOWN_EMBEDDINGS

    return KNOWN_EMBEDDINGS


LLMS = ModelKind(
    name="llms", group="distilabel.llms", hook="distilabel_register_llms",
    base="distilabel.llms._base:LLM", noun="LLM", module="distilabel.llms",
    known=_known_llms(),
)
EMBEDDINGS = ModelKind(
    name="embeddings", group="distilabel.embeddings", hook="distilabel_register_embeddings",
    base="distilabel.embeddings._base:Embeddings", noun="embedding model",
    module="distilabel.embeddings", known=_known_embeddings(),
)
KINDS: dict[str, ModelKind] = {kind.name: kind for kind in (LLMS, EMBEDDINGS)}
"""Every kind, by name."""


def get_kind(name: str) -> ModelKind:
    """The kind called ``name`` (``"llms"`` or ``"embeddings"``).

    Raises:
        ValueError: no kind has that name; the message lists the kinds.
    """
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(
            f"Unknown model kind {name!r}; the kinds are {', '.join(KINDS)}."
        ) from None
