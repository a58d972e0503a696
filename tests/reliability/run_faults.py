"""What the run-level reliability tests share: a fresh cache directory per test, LLMs
whose answers a test scripts row by row, and small pipelines built from them.

``ANSWERS[instruction]`` is what the scripted LLMs return for that row (anything: a
wrong count, ``None``, a number, text with a lone surrogate); ``FAIL[instruction]`` is
an exception they raise for it. ``SENT`` counts the requests each instruction caused.
"""

from __future__ import annotations

import collections
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar, List, Optional

import pytest

from distilabel.llms import LLM, AsyncLLM
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration
from distilabel.steps.tasks.typing import ChatType

ANSWERS: dict[str, Any] = {}
FAIL: dict[str, BaseException] = {}
SENT: collections.Counter[str] = collections.Counter()
BATCH_CALLS: list[int] = []
_LOCK = threading.Lock()

PYTHON = sys.executable


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache directory of the test's own and forgotten scripts and counts."""
    path = tmp_path / "cache"
    monkeypatch.setenv("DISTILABEL_CACHE_DIR", str(path))
    ANSWERS.clear()
    FAIL.clear()
    SENT.clear()
    BATCH_CALLS.clear()
    yield path


def _answer(prompt: str, num_generations: int) -> Any:
    with _LOCK:
        SENT[prompt] += 1
    if prompt in FAIL:
        raise FAIL[prompt]
    if prompt in ANSWERS:
        return ANSWERS[prompt]
    return [f"answer to {prompt}"] * num_generations


class ScriptedLLM(LLM):
    """A synchronous LLM answering from ``ANSWERS`` (else ``answer to <prompt>``)."""

    batch_answer: ClassVar[Optional[Any]] = None
    """When set, the whole ``generate`` result, whatever the inputs."""

    @property
    def model_name(self) -> str:
        return "scripted"

    def generate(self, inputs: List[ChatType], num_generations: int = 1) -> List[Any]:
        with _LOCK:
            BATCH_CALLS.append(len(inputs))
        if ScriptedLLM.batch_answer is not None:
            for i in inputs:
                SENT[i[-1]["content"]] += 1
            return ScriptedLLM.batch_answer  # type: ignore[no-any-return]
        return [_answer(i[-1]["content"], num_generations) for i in inputs]


class ScriptedAsyncLLM(AsyncLLM):
    """The ``AsyncLLM`` twin of ``ScriptedLLM``: one request per row."""

    @property
    def model_name(self) -> str:
        return "scripted-async"

    async def agenerate(self, input: ChatType, num_generations: int = 1) -> Any:
        return _answer(input[-1]["content"], num_generations)


def generation_pipeline(
    instructions: list[Any], llm: LLM, name: str = "faults", **task: Any
) -> Pipeline:
    """``load >> gen``: one row per instruction, answered by ``llm``."""
    with Pipeline(name=name) as pipeline:
        load = LoadDataFromDicts(
            name="load", data=[{"instruction": i} for i in instructions], batch_size=10
        )
        gen = TextGeneration(name="gen", llm=llm, input_batch_size=10, **task)
        load >> gen
    return pipeline


def error_of(row: dict[str, Any], step: str = "gen") -> Optional[str]:
    """The error a task recorded for ``row`` (``None`` when it succeeded)."""
    return row["distilabel_metadata"].get(f"error_{step}")  # type: ignore[no-any-return]
