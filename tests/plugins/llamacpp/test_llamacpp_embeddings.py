"""``LlamaCppEmbeddings`` on the embedded GGUF: the embeddings conformance kit, plus what is
particular to llama.cpp (pooling, normalisation, a missing file)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from distilabel.embedded import EMBEDDED_MODEL
from distilabel.errors import DistilabelUserError
from distilabel.testing import EmbeddingsConformanceTests

pytest.importorskip("llama_cpp")

from distilabel_llamacpp import LlamaCppEmbeddings

pytestmark = pytest.mark.slow


class TestLlamaCppEmbeddingsConformance(EmbeddingsConformanceTests):
    embeddings_class = LlamaCppEmbeddings
    dimensions = 576  # SmolLM2-135M's hidden size
    registered_name = "LlamaCppEmbeddings"

    @pytest.fixture(scope="class")
    @classmethod
    def embeddings_kwargs(cls) -> dict[str, Any]:
        return {"model": EMBEDDED_MODEL, "n_threads": 1, "n_ctx": 256}


def test_normalized_vectors_have_unit_norm_and_pooling_changes_them() -> None:
    mean = LlamaCppEmbeddings(model=EMBEDDED_MODEL, n_threads=1, normalize_embeddings=True)
    last = LlamaCppEmbeddings(model=EMBEDDED_MODEL, n_threads=1, pooling="last",
                              normalize_embeddings=True)
    mean.load()
    last.load()
    try:
        (a,) = mean.encode(["A cat sat on the mat."])
        (b,) = last.encode(["A cat sat on the mat."])
    finally:
        mean.unload()
        last.unload()
    assert math.isclose(sum(x * x for x in a), 1.0, rel_tol=1e-6)
    assert math.isclose(sum(x * x for x in b), 1.0, rel_tol=1e-6)
    assert max(abs(x - y) for x, y in zip(a, b, strict=True)) > 1e-3


def test_a_missing_gguf_file_says_what_to_pass(tmp_path: Any) -> None:
    embeddings = LlamaCppEmbeddings(model="nope.gguf", model_path=str(tmp_path))
    with pytest.raises(DistilabelUserError, match=r"nope\.gguf.*does not exist"):
        embeddings.load()
