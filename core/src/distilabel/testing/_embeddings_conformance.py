"""The checks every embedding-model backend must pass, as a pytest base class plugins
subclass (the embedding twin of :class:`~distilabel.testing.LLMConformanceTests`)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any, ClassVar, Optional

import pytest
from pydantic import SecretStr

from distilabel.embeddings import Embeddings
from distilabel.errors import LLMNotLoadedError, UnknownRuntimeParameterError

__all__ = ["EmbeddingsConformanceTests"]

_TEXTS = (
    "A cat is sleeping on the sofa.",
    "The stock market fell sharply on Monday.",
    "Water boils at 100 degrees Celsius at sea level.",
)
_PARAPHRASE = ("A cat sat on the mat.", "A cat is sitting on the mat.")
_UNRELATED = "Interest rates were raised by the central bank."


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


class EmbeddingsConformanceTests:
    """Subclass this in a plugin's test module to run the checks every embedding model
    must pass.

    Set ``embeddings_class``, override the class-scoped ``embeddings_kwargs`` fixture to
    return constructor arguments pointing at a real local model or server, and set the
    flags your backend needs::

        class TestHashEmbeddings(EmbeddingsConformanceTests):
            embeddings_class = HashEmbeddings
            registered_name = "HashEmbeddings"

            @pytest.fixture(scope="class")
            @classmethod
            def embeddings_kwargs(cls):
                return {"dimensions": 8}

    Every check's docstring says what to fix when it fails.
    """

    embeddings_class: ClassVar[type[Embeddings]]
    """The embedding-model class under test."""

    dimensions: ClassVar[Optional[int]] = None
    """The vector length the model must produce, or ``None`` to accept any length > 0."""

    semantic: ClassVar[bool] = True
    """Whether a paraphrase must embed closer than an unrelated sentence (set False for a
    model that is not a text model, e.g. a hashing test double)."""

    batch_tolerance: ClassVar[float] = 1e-3
    """How far (max absolute difference) a text's vector may move when it is encoded in a
    batch instead of alone (batched matrix products round differently)."""

    registered_name: ClassVar[Optional[str]] = None
    """The name the plugin registers through its entry point, or ``None`` to skip that check."""

    # -- fixtures ---------------------------------------------------------------------------

    @pytest.fixture(scope="class")
    @classmethod
    def embeddings_kwargs(cls) -> dict[str, Any]:
        """Constructor arguments of the model under test (override as a class-scoped
        classmethod fixture; it may request other fixtures, e.g. a server's URL)."""
        return {}

    @pytest.fixture(scope="class")
    @classmethod
    def embeddings(cls, embeddings_kwargs: dict[str, Any]) -> Iterator[Embeddings]:
        """One loaded instance shared by the read-only checks of the class."""
        instance = cls.embeddings_class(**embeddings_kwargs)
        instance.load()
        yield instance
        instance.unload()

    def _fresh(self, embeddings_kwargs: dict[str, Any]) -> Embeddings:
        return self.embeddings_class(**embeddings_kwargs)

    # -- life cycle -------------------------------------------------------------------------

    def test_is_an_embeddings_model_with_a_model_name(self, embeddings: Embeddings) -> None:
        """The class must subclass ``distilabel.embeddings.Embeddings`` and ``model_name``
        must be a non-empty string (it fills the ``model_name`` column)."""
        assert isinstance(embeddings, Embeddings), (
            f"{self.embeddings_class!r} does not subclass distilabel.embeddings.Embeddings"
        )
        assert isinstance(embeddings.model_name, str) and embeddings.model_name

    def test_encode_requires_load(self, embeddings_kwargs: dict[str, Any]) -> None:
        """``encode`` before ``load()`` must raise ``LLMNotLoadedError``. Constructing the
        model must not load weights or connect: do that in ``load()``."""
        fresh = self._fresh(embeddings_kwargs)
        assert not fresh.is_loaded
        with pytest.raises(LLMNotLoadedError):
            fresh.encode(["hi"])

    def test_unload_then_reload(self, embeddings_kwargs: dict[str, Any]) -> None:
        """After ``unload()`` the model must refuse to encode until loaded again, and a second
        ``load()`` must work. Free weights/clients in ``unload``, recreate them in ``load``."""
        fresh = self._fresh(embeddings_kwargs)
        fresh.load()
        try:
            assert len(fresh.encode(["hi"])) == 1
        finally:
            fresh.unload()
        assert not fresh.is_loaded
        with pytest.raises(LLMNotLoadedError):
            fresh.encode(["hi"])
        fresh.load()
        try:
            assert len(fresh.encode(["hi again"])) == 1
        finally:
            fresh.unload()

    # -- vectors ----------------------------------------------------------------------------

    def test_one_vector_per_text_of_one_length(self, embeddings: Embeddings) -> None:
        """``encode`` must return one list of finite floats per text, all of one length
        (``dimensions`` when set), and ``[]`` for no texts."""
        vectors = embeddings.encode(list(_TEXTS))
        assert isinstance(vectors, list) and len(vectors) == len(_TEXTS)
        lengths = {len(v) for v in vectors}
        assert len(lengths) == 1, f"vector lengths differ: {lengths}"
        (length,) = lengths
        assert length > 0
        if self.dimensions is not None:
            assert length == self.dimensions, f"expected {self.dimensions} floats, got {length}"
        for vector in vectors:
            assert isinstance(vector, list)
            for x in vector:
                assert type(x) is float and math.isfinite(x), f"not a finite float: {x!r}"
        assert embeddings.encode([]) == []

    def test_batching_does_not_change_vectors_or_their_order(
        self, embeddings: Embeddings
    ) -> None:
        """A text's vector must not depend on the batch it is in, and vectors must come back
        in input order (sort a server's answer by its index)."""
        batch = embeddings.encode(list(_TEXTS))
        for i, text in enumerate(_TEXTS):
            alone = embeddings.encode([text])[0]
            diff = max(abs(a - b) for a, b in zip(alone, batch[i], strict=True))
            assert diff <= self.batch_tolerance, (
                f"text {i} moved by {diff} between a batch and alone (order or batch leak?)"
            )

    def test_same_text_same_vector(self, embeddings: Embeddings) -> None:
        """Encoding is deterministic: one text twice in a batch gives equal vectors."""
        first, second = embeddings.encode([_TEXTS[0], _TEXTS[0]])
        assert max(abs(a - b) for a, b in zip(first, second, strict=True)) <= self.batch_tolerance

    def test_a_paraphrase_is_closer_than_an_unrelated_text(self, embeddings: Embeddings) -> None:
        """The vectors must carry meaning: two paraphrases are closer (cosine) than one of
        them and an unrelated sentence (set ``semantic = False`` for a non-text model)."""
        if not self.semantic:
            pytest.skip("backend declares semantic=False")
        a, b, c = embeddings.encode([*_PARAPHRASE, _UNRELATED])
        assert _cosine(a, b) > _cosine(a, c), (
            f"paraphrase cosine {_cosine(a, b):.3f} <= unrelated {_cosine(a, c):.3f}"
        )

    def test_encode_isolated_keeps_good_texts(self, embeddings: Embeddings) -> None:
        """``encode_isolated`` (what ``EmbeddingGeneration`` calls) must give a vector per
        text, equal to ``encode``'s, when nothing fails."""
        isolated = embeddings.encode_isolated(list(_TEXTS[:2]))
        assert all(isinstance(v, list) for v in isolated)
        assert len(isolated) == 2

    # -- runtime parameters and serialization ----------------------------------------------

    def test_runtime_parameters_are_described_and_checked(
        self, embeddings_kwargs: dict[str, Any]
    ) -> None:
        """Every runtime parameter must have a description (``Field(description=...)``;
        ``distilabel embeddings info`` and the docs show it) and an unknown name must be
        rejected."""
        fresh = self._fresh(embeddings_kwargs)
        for info in fresh.get_runtime_parameters_info():
            assert info.get("description"), (
                f"runtime parameter {info['name']!r} needs Field(description=...)"
            )
        with pytest.raises(UnknownRuntimeParameterError):
            fresh.set_runtime_parameters({"no_such_parameter_xyz": 1})

    def test_serialization_round_trip_without_secrets(
        self, embeddings_kwargs: dict[str, Any]
    ) -> None:
        """``dump()`` must be JSON-serialisable, rebuild an equal model with ``from_dict``,
        and hold no secret: declare API keys as ``SecretStr`` (never dumped)."""
        fresh = self._fresh(embeddings_kwargs)
        dumped = fresh.dump()
        text = json.dumps(dumped)
        rebuilt = Embeddings.from_dict(json.loads(text))
        assert type(rebuilt) is type(fresh)
        assert rebuilt.dump() == dumped
        for name in type(fresh).secret_fields():
            value = getattr(fresh, name)
            if isinstance(value, SecretStr) and value.get_secret_value():
                secret = value.get_secret_value()
                assert secret not in text, f"secret field {name!r} leaked into dump()"
                assert secret not in repr(fresh), f"secret field {name!r} leaked into repr()"

    def test_registered_through_entry_point(self) -> None:
        """The plugin's ``distilabel.embeddings`` entry point must register the class under
        ``registered_name`` so ``from distilabel.embeddings import <name>`` finds it."""
        if self.registered_name is None:
            pytest.skip("registered_name not set")
        from distilabel.plugins import get_registry

        registry = get_registry("embeddings")
        assert registry.get_class(self.registered_name) is self.embeddings_class
