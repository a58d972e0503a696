"""``Embeddings``: the base class of embedding models (one vector per text).

An embedding model is a pydantic model like an LLM: its fields are its configuration,
``RuntimeParameter`` fields may be set when a pipeline runs, ``load()`` prepares it
(weights, a client) and ``encode(texts)`` returns one vector per text. Plugins register
subclasses through the ``distilabel.embeddings`` entry-point group.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from typing import Any, Union

from pydantic import ConfigDict, PrivateAttr

from distilabel.errors import RuntimeParameterError
from distilabel.llms._base import _wrap_load, _wrap_requires_load, _wrap_unload
from distilabel.runtime_parameters import RuntimeParametersModel
from distilabel.serialization import Serializable

__all__ = ["Embeddings"]

_WRAPPED = "__distilabel_wrapped__"
_WRAPPERS = {"load": _wrap_load, "unload": _wrap_unload, "encode": _wrap_requires_load}


class Embeddings(RuntimeParametersModel, Serializable, ABC):
    """Base class of embedding models.

    Subclasses define ``model_name`` and ``encode`` and usually ``load`` (load weights or
    create a client; import the backend's SDK there, not at module level). ``encode``
    raises ``LLMNotLoadedError`` before ``load()``; the core marks the model loaded when
    ``load`` returns and checks required runtime parameters before it runs.

    Example::

        class HashEmbeddings(Embeddings):
            @property
            def model_name(self) -> str:
                return "hash-8"

            def encode(self, inputs: list[str]) -> list[list[float]]:
                return [[float(hash(t) >> s & 1) for s in range(8)] for t in inputs]
    """

    model_config = ConfigDict(
        arbitrary_types_allowed=True,
        protected_namespaces=(),
        validate_default=True,
        extra="forbid",
    )

    _loaded: bool = PrivateAttr(default=False)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        for name, wrap in _WRAPPERS.items():
            func = cls.__dict__.get(name)
            if inspect.isfunction(func) and not getattr(func, _WRAPPED, False):
                setattr(cls, name, wrap(func))

    # -- life cycle ------------------------------------------------------------------------

    def load(self) -> None:
        """Prepare the model (load weights, create a client). Subclasses override it.

        Raises:
            RuntimeParameterError: a required runtime parameter has no value.
        """

    def unload(self) -> None:
        """Free what ``load`` acquired; ``load`` again before further use."""

    @property
    def is_loaded(self) -> bool:
        """Whether ``load()`` has run (and ``unload()`` has not since)."""
        return self._loaded

    def _check_required_runtime_parameters(self) -> None:
        missing = self.missing_runtime_parameters()
        if missing:
            raise RuntimeParameterError(
                f"{type(self).__name__} cannot load: required runtime parameter(s)"
                f" {', '.join(repr(m) for m in missing)} have no value. Pass them to the"
                " constructor or set them with `set_runtime_parameters` (in a pipeline:"
                " `pipeline.run(parameters={step_name: {'embeddings': {...}}})`)."
            )

    def _check_capabilities(self) -> None:
        """The load wrapper shared with ``LLM`` calls it; embedding models declare no
        optional capabilities to check."""

    def _after_load(self) -> None:
        self._loaded = True

    def _after_unload(self) -> None:
        self._loaded = False

    # -- encoding --------------------------------------------------------------------------

    @property
    @abstractmethod
    def model_name(self) -> str:
        """The name of the model (recorded in the ``model_name`` column)."""

    @abstractmethod
    def encode(self, inputs: list[str]) -> list[list[float]]:
        """Return one vector (a list of floats, all of one length) per input text."""

    def encode_isolated(self, inputs: list[str]) -> list[Union[list[float], Exception]]:
        """``encode`` that never fails the whole batch: when the batch call raises, each
        text is encoded alone and a text that still fails gets its exception."""
        try:
            vectors: list[Union[list[float], Exception]] = list(self.encode(inputs))
            if len(vectors) != len(inputs):
                raise ValueError(
                    f"{type(self).__name__}.encode returned {len(vectors)} vectors for"
                    f" {len(inputs)} texts; it must return one per text."
                )
            return vectors
        except Exception as exc:
            if len(inputs) == 1:
                return [exc]
        results: list[Union[list[float], Exception]] = []
        for text in inputs:
            try:
                results.append(self.encode([text])[0])
            except Exception as exc:
                results.append(exc)
        return results


Embeddings.load = _wrap_load(Embeddings.load)  # type: ignore[method-assign]
Embeddings.unload = _wrap_unload(Embeddings.unload)  # type: ignore[method-assign]
