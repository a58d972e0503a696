"""MultiCallTask, GeneratorTask, GlobalTask and @task, used as a task author would."""

from __future__ import annotations

import asyncio
from typing import Any, List, Optional

import pytest
from pydantic import validate_call

from distilabel.llms import LLM, AsyncLLM
from distilabel.llms.typing import GenerateOutput
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import GeneratorTask, GlobalTask, LLMCalls, MultiCallTask, task
from distilabel.steps.tasks.typing import ChatType


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("DISTILABEL_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


class BatchCountingLLM(LLM):
    """Upper-cases the last message; counts its generate calls and their sizes."""

    batches: List[int] = []

    @property
    def model_name(self) -> str:
        return "batch-counting"

    @validate_call
    def generate(
        self, inputs: List[ChatType], num_generations: int = 1, **kwargs: Any
    ) -> List[GenerateOutput]:
        self.batches.append(len(inputs))
        out = []
        for input in inputs:
            text = input[-1]["content"]
            if "boom" in text:
                raise RuntimeError("the model exploded")
            out.append({"generations": [text.upper()] * num_generations,
                        "statistics": {"input_tokens": [1], "output_tokens": [2]}})
        return out  # type: ignore[return-value]


class ConcurrencyLLM(AsyncLLM):
    """Echoes the last message after a short sleep; records the most calls in flight."""

    in_flight: int = 0
    most: int = 0

    @property
    def model_name(self) -> str:
        return "concurrency"

    async def agenerate(
        self, input: ChatType, num_generations: int = 1, **kwargs: Any
    ) -> GenerateOutput:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        await asyncio.sleep(0.01)
        self.in_flight -= 1
        text = input[-1]["content"]
        if "boom" in text:
            raise RuntimeError("the model exploded")
        return {"generations": [text.upper()], "statistics": {}}


class DraftCritiqueRefine(MultiCallTask):
    """Three calls per row: a draft, a critique of it, a refined answer."""

    @property
    def inputs(self) -> list[str]:
        return ["instruction"]

    @property
    def outputs(self) -> list[str]:
        return ["draft", "answer"]

    async def generate_row(self, row: dict[str, Any], llm: LLMCalls) -> dict[str, Any]:
        draft = await llm.text([{"role": "user", "content": row["instruction"]}])
        critique = await llm.text([{"role": "user", "content": f"critique {draft}"}])
        answer = await llm.text([{"role": "user", "content": f"refine {critique}"}])
        return {"draft": draft, "answer": answer}


def test_a_multi_call_task_batches_each_round_for_a_local_llm() -> None:
    llm = BatchCountingLLM()
    llm.batches = []
    refine = DraftCritiqueRefine(name="refine", llm=llm)
    refine.load()
    rows = next(refine.process([{"instruction": f"say {i}"} for i in range(5)]))
    assert [r["answer"] for r in rows] == [f"REFINE CRITIQUE SAY {i}" for i in range(5)]
    assert llm.batches == [5, 5, 5]  # three rounds, each one batch of every row
    meta = rows[0]["distilabel_metadata"]
    assert meta["statistics_refine"] == {"calls": 3, "input_tokens": 3, "output_tokens": 6}
    assert meta["raw_output_refine"] == ["SAY 0", "CRITIQUE SAY 0", "REFINE CRITIQUE SAY 0"]
    assert len(meta["raw_input_refine"]) == 3


def test_a_failing_call_fails_its_row_only() -> None:
    for llm in (BatchCountingLLM(), ConcurrencyLLM()):
        refine = DraftCritiqueRefine(name="refine", llm=llm)
        refine.load()
        rows = next(refine.process([{"instruction": "ok"}, {"instruction": "boom"}]))
        assert rows[0]["answer"] == "REFINE CRITIQUE OK"
        assert rows[1]["answer"] is None and rows[1]["draft"] is None
        assert "the model exploded" in rows[1]["distilabel_metadata"]["error_refine"]
        refine.unload()


class DraftThenCheck(DraftCritiqueRefine):
    """Two calls; a second answer that is not upper case fails the row."""

    async def generate_row(self, row: dict[str, Any], llm: LLMCalls) -> dict[str, Any]:
        draft = await llm.text([{"role": "user", "content": row["instruction"]}])
        answer = await llm.text([{"role": "user", "content": f"check {draft}"}])
        if "FINE" not in answer:
            raise ValueError(f"the check of {draft!r} did not say fine")
        return {"draft": draft, "answer": answer}


def test_a_row_failing_after_its_calls_keeps_their_raw_texts() -> None:
    for llm in (BatchCountingLLM(), ConcurrencyLLM()):
        check = DraftThenCheck(name="check", llm=llm)
        check.load()
        rows = next(check.process([{"instruction": "fine"}, {"instruction": "bad"}]))
        meta = rows[1]["distilabel_metadata"]
        assert rows[0]["answer"] == "CHECK FINE" and rows[1]["answer"] is None
        assert meta["error_check"] == "ValueError: the check of 'BAD' did not say fine"
        assert meta["raw_output_check"] == ["BAD", "CHECK BAD"]
        assert [m[-1]["content"] for m in meta["raw_input_check"]] == ["bad", "check BAD"]
        assert meta["statistics_check"]["calls"] == 2
        check.unload()


def test_calls_of_different_rows_run_concurrently_through_the_limiter() -> None:
    llm = ConcurrencyLLM(max_concurrency=4)
    refine = DraftCritiqueRefine(name="refine", llm=llm)
    refine.load()
    rows = next(refine.process([{"instruction": f"say {i}"} for i in range(12)]))
    refine.unload()
    assert all(r["answer"] == f"REFINE CRITIQUE SAY {i}" for i, r in enumerate(rows))
    assert llm.most == 4  # concurrent, and never beyond max_concurrency


def test_a_multi_call_task_in_a_pipeline_with_an_async_llm() -> None:
    with Pipeline(name="multi-call") as pipeline:
        load = LoadDataFromDicts(data=[{"instruction": f"say {i}"} for i in range(30)])
        refine = DraftCritiqueRefine(name="refine", llm=ConcurrencyLLM(max_concurrency=8))
        load >> refine
    distiset = pipeline.run(show_progress=False)
    rows = distiset["refine"].to_list()
    assert sorted(r["answer"] for r in rows) == sorted(
        f"REFINE CRITIQUE SAY {i}" for i in range(30)
    )


class Seeds(GeneratorTask):
    """Writes one numbered line per generated row."""

    @property
    def outputs(self) -> list[str]:
        return ["line"]

    def seed_row(self, index: int) -> dict[str, Any]:
        return {"index": index}

    def format_input(self, input: dict[str, Any]) -> ChatType:
        return [{"role": "user", "content": f"line {input['index']}"}]

    def format_output(
        self, output: Optional[str], input: Optional[dict[str, Any]] = None
    ) -> dict[str, Any]:
        return {"line": output}


def test_a_generator_task_makes_num_rows_rows_in_batches() -> None:
    llm = BatchCountingLLM()
    llm.batches = []
    with Pipeline(name="generator-task") as pipeline:
        Seeds(name="seeds", llm=llm, num_rows=7, batch_size=3)
    distiset = pipeline.run(show_progress=False)
    rows = distiset["seeds"].to_list()
    assert [r["line"] for r in rows] == [f"LINE {i}" for i in range(7)]
    assert all(r["model_name"] == "batch-counting" for r in rows)


def test_a_generator_task_without_num_rows_says_so() -> None:
    seeds = Seeds(name="seeds", llm=BatchCountingLLM())
    seeds.load()
    with pytest.raises(ValueError, match="needs `num_rows`"):
        next(seeds.process())


class JudgeAll(GlobalTask):
    """Sees every row at once and records how many rows its batch held."""

    seen: List[int] = []

    @property
    def inputs(self) -> list[str]:
        return ["instruction"]

    @property
    def outputs(self) -> list[str]:
        return ["verdict"]

    def process(self, inputs: Any) -> Any:  # type: ignore[override]
        self.seen.append(len(inputs))
        yield self.process_rows(inputs)

    def format_input(self, input: dict[str, Any]) -> ChatType:
        return [{"role": "user", "content": input["instruction"]}]

    def format_output(
        self, output: Optional[str], input: Optional[dict[str, Any]] = None
    ) -> dict[str, Any]:
        return {"verdict": output}


def test_a_global_task_receives_every_row_in_one_batch() -> None:
    with Pipeline(name="global-task") as pipeline:
        load = LoadDataFromDicts(
            data=[{"instruction": f"r{i}"} for i in range(25)], batch_size=4
        )
        judge = JudgeAll(name="judge", llm=BatchCountingLLM(), input_batch_size=5)
        load >> judge
    distiset = pipeline.run(show_progress=False)
    assert len(distiset["judge"].to_list()) == 25
    assert judge.is_global


@task(inputs=["task"], outputs=["generation"])
def ShortAnswer(output: Optional[str], input: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """
    ---
    system_prompt: |
      You are concise.
    user_message_template: |
      Answer briefly: {{ task }}
    ---
    """
    return {"generation": output}


def test_the_task_decorator_builds_a_task_from_a_template_and_a_function() -> None:
    short = ShortAnswer(name="short", llm=BatchCountingLLM())
    short.load()
    assert short.format_input({"task": "why?"}) == [
        {"role": "system", "content": "You are concise."},
        {"role": "user", "content": "Answer briefly: why?"},
    ]
    rows = next(short.process([{"task": "why?"}]))
    assert rows[0]["generation"] == "ANSWER BRIEFLY: WHY?"
    assert short.inputs == ["task"] and short.outputs == ["generation"]
    rows = next(short.process([{"other": "x"}]))
    assert rows[0]["generation"] is None
    assert "lacks" in rows[0]["distilabel_metadata"]["error_short"]


def test_the_task_decorator_refuses_a_docstring_without_a_prompt() -> None:
    with pytest.raises(ValueError, match="YAML between '---' lines"):

        @task(outputs=["generation"])
        def NoPrompt(output: Optional[str], input: Any = None) -> dict[str, Any]:
            """Just a description."""
            return {"generation": output}


