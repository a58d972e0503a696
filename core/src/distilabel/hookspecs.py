"""Hook specifications plugins implement, and the markers to implement them.

A plugin distribution declares an entry point in the ``distilabel.llms`` group whose
value is a module (or object) with hook implementations::

    # pyproject.toml
    [project.entry-points."distilabel.llms"]
    acme = "distilabel_acme"

    # distilabel_acme/__init__.py
    from distilabel.hookspecs import hookimpl

    @hookimpl
    def distilabel_register_llms():
        from distilabel_acme.llm import AcmeLLM
        return [AcmeLLM]

An embedding-model plugin does the same in the ``distilabel.embeddings`` group with
``distilabel_register_embeddings``. One module may implement both hooks, declared once in
each group. The plugin's module must import cheaply: import backend SDKs inside ``load()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from distilabel.embeddings._base import Embeddings
    from distilabel.llms._base import LLM

__all__ = [
    "PROJECT_NAME",
    "hookimpl",
    "hookspec",
    "distilabel_register_embeddings",
    "distilabel_register_llms",
]

PROJECT_NAME = "distilabel"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
"""Marks a function in this module as a hook specification."""

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""Marks a plugin function as the implementation of a distilabel hook."""


@hookspec
def distilabel_register_llms() -> list[type[LLM]]:  # type: ignore[empty-body]
    """Return the LLM classes this plugin provides.

    Each class is registered under its ``__name__`` (``from distilabel.llms import Name``).
    Two plugins returning classes with the same name are a conflict: the name is then
    unusable until one plugin is removed or deselected with ``DISTILABEL_PLUGINS``.
    """


@hookspec
def distilabel_register_embeddings() -> list[type[Embeddings]]:  # type: ignore[empty-body]
    """Return the embedding-model classes this plugin provides.

    Each class is registered under its ``__name__`` (``from distilabel.embeddings import
    Name``) from an entry point in the ``distilabel.embeddings`` group. Name conflicts are
    handled as for LLMs.
    """
