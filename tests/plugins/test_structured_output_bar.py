"""The structured-output bar: on llama.cpp (a grammar) and on Transformers (llguidance
constrained decoding), 32 JSON answers constrained by a pydantic schema all validate,
through a task in a pipeline, with no retry."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field

from distilabel.embedded import EMBEDDED_MODEL
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration

pytestmark = pytest.mark.slow


class Character(BaseModel):
    name: str = Field(max_length=24)
    age: int = Field(ge=0, le=120)
    role: Literal["warrior", "mage", "thief", "healer"]


def _llm(backend: str, **fields: Any) -> Any:
    if backend == "llamacpp":
        pytest.importorskip("llama_cpp")
        from distilabel_llamacpp import LlamaCppLLM

        return LlamaCppLLM(model_path=EMBEDDED_MODEL, n_ctx=2048, **fields)
    pytest.importorskip("torch")
    from distilabel_transformers import TransformersLLM

    return TransformersLLM(model="smollm2-135m-instruct", device="cpu", **fields)


@pytest.mark.parametrize("backend", ["llamacpp", "transformers"])
def test_32_json_answers_follow_a_pydantic_schema(
    backend: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISTILABEL_CACHE_DIR", str(tmp_path))
    llm = _llm(
        backend,
        structured_output={"format": "json", "schema": Character},
        structured_output_retries=0,  # constrained decoding alone must do it
    )
    with Pipeline(name=f"structured-{backend}") as pipeline:
        load = LoadDataFromDicts(data=[
            {"instruction": f"Invent fantasy character number {i} as JSON."}
            for i in range(32)
        ])
        generate = TextGeneration(name="generate", llm=llm, input_batch_size=8)
        load >> generate
    distiset = pipeline.run(
        show_progress=False, use_cache=False,
        parameters={"generate": {"llm": {"generation_kwargs": {"max_new_tokens": 48}}}},
    )
    rows = distiset["generate"].to_list()
    assert len(rows) == 32
    for row in rows:
        Character.model_validate_json(row["generation"])
