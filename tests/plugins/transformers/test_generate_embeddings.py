"""``GenerateEmbeddings`` pools an LLM's last hidden states into one vector per row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from distilabel.llms import LLM
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import METADATA_COLUMN
from distilabel.steps.tasks.generate_embeddings import GenerateEmbeddings

pytestmark = pytest.mark.slow

TEXTS = ["The cat sleeps on the sofa.", "Stock markets fell sharply on Monday."]


def test_embedding_is_the_normalised_mean_of_the_hidden_state(transformers_llm: Any) -> None:
    task = GenerateEmbeddings(name="embed", llm=transformers_llm)
    rows = next(task.process([{"text": t} for t in TEXTS]))
    states = transformers_llm.get_last_hidden_state([[{"role": "user", "content": t}]
                                                     for t in TEXTS])
    for row, state in zip(rows, states, strict=True):
        expected = state.mean(axis=0) / np.linalg.norm(state.mean(axis=0))
        np.testing.assert_allclose(row["embedding"], expected, rtol=1e-5, atol=1e-6)
        assert len(row["embedding"]) == 576
        assert row["model_name"] == "smollm2-135m-instruct"
        assert row[METADATA_COLUMN]["statistics_embed"] == {"input_tokens": state.shape[0]}


def test_last_token_pooling_without_normalisation(transformers_llm: Any) -> None:
    task = GenerateEmbeddings(llm=transformers_llm, pooling="last", normalize=False)
    row = next(task.process([{"text": TEXTS[0]}]))[0]
    state = transformers_llm.get_last_hidden_state([[{"role": "user", "content": TEXTS[0]}]])[0]
    np.testing.assert_allclose(row["embedding"], state[-1], rtol=1e-5, atol=1e-5)


def test_a_conversation_is_embedded_as_given(transformers_llm: Any) -> None:
    conversation = [
        {"role": "system", "content": "You summarise."},
        {"role": "user", "content": TEXTS[0]},
    ]
    task = GenerateEmbeddings(llm=transformers_llm)
    row = next(task.process([{"text": conversation}]))[0]
    state = transformers_llm.get_last_hidden_state([conversation])[0]
    assert row[METADATA_COLUMN][f"statistics_{task.name}"]["input_tokens"] == state.shape[0]


def test_bad_rows_get_none_and_an_error_while_the_others_embed(transformers_llm: Any) -> None:
    task = GenerateEmbeddings(name="embed", llm=transformers_llm)
    rows = next(task.process([{"text": TEXTS[0]}, {"text": "  "}, {"text": 42}]))
    assert len(rows[0]["embedding"]) == 576
    assert rows[1]["embedding"] is None and rows[2]["embedding"] is None
    assert "column 'text' is empty" in rows[1][METADATA_COLUMN]["error_embed"]
    assert "got int" in rows[2][METADATA_COLUMN]["error_embed"]
    assert "error_embed" not in rows[0][METADATA_COLUMN]


class _TextOnlyLLM(LLM):
    @property
    def model_name(self) -> str:
        return "text-only"

    def generate(self, inputs: Any, num_generations: int = 1, **kwargs: Any) -> Any:
        return [["x"] * num_generations for _ in inputs]


def test_an_llm_without_hidden_states_is_refused_at_load() -> None:
    task = GenerateEmbeddings(name="embed", llm=_TextOnlyLLM())
    with pytest.raises(TypeError, match="needs an LLM with `get_last_hidden_state`"):
        task.load()


def test_runs_in_a_pipeline_and_similar_texts_are_closer(tmp_path: Path) -> None:
    from distilabel_transformers import TransformersLLM

    texts = [TEXTS[0], "A kitten is napping on the couch.", TEXTS[1]]
    with Pipeline(name="embed-test", cache_dir=tmp_path) as pipeline:
        load = LoadDataFromDicts(data=[{"text": t} for t in texts])
        embed = GenerateEmbeddings(
            name="embed", llm=TransformersLLM(model="smollm2-135m-instruct", device="cpu")
        )
        load >> embed
    rows = list(pipeline.run(show_progress=False)["default"])
    assert [r["text"] for r in rows] == texts
    vectors = np.array([r["embedding"] for r in rows])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > similarity[0, 2]
