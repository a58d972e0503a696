"""The library tasks' parsers on what the embedded SmolLM2 really wrote.

``fixtures/answers.json`` holds raw answers captured by ``fixtures/capture_answers.py``
(8 rows per task; ``@zero-shot`` entries are answers to an earlier prompt without a
worked example, ``@one-example`` ones to a prompt with one example where there are two
now, kept as malformed input). Each answer either parses into non-empty
columns or raises ``MalformedOutputError``; a malformed answer fails its row only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, List

import pytest
from pydantic import validate_call
from task_test_llms import Replay

from distilabel.llms import LLM
from distilabel.llms.typing import GenerateOutput
from distilabel.steps.tasks import (
    METADATA_COLUMN,
    EvolQuality,
    GenerateSentencePair,
    Genstruct,
    InstructionBacktranslation,
    SelfInstruct,
    TextClassification,
)
from distilabel.steps.tasks._parsing import MalformedOutputError
from distilabel.steps.tasks.evol_instruct import read_instruction

FIXTURES = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(FIXTURES))
from bar import ANSWERS_BAR, BAR, ISSUE_14_TASKS, MORE_ANSWERS_BAR  # noqa: E402
from task_rows import GENERATORS, TASK_ROWS, make_task  # noqa: E402

ANSWERS: dict[str, list[str]] = json.loads((FIXTURES / "answers.json").read_text())

# Rows (of 8) that parse, as measured on the captured answers.
PARSED = {
    "SelfInstruct": 8,
    "GenerateSentencePair": 7,
    "GenerateSentencePair-triplet": 7,
    "InstructionBacktranslation": 8,
    "InstructionBacktranslation@one-example": 5,
    "StructuredGeneration": 8,
    "TextClassification": 8,
    "TextClassification-free": 7,
    "Genstruct": 8,
    "GenerateSentencePair@zero-shot": 0,
    "GenerateSentencePair-triplet@zero-shot": 0,
    "InstructionBacktranslation@zero-shot": 2,
    "Genstruct@zero-shot": 2,
}


class ReplayByInput(LLM):
    """Answers each call with the answer captured for the same input (multi-call tasks'
    fixtures are ``[input, answer]`` pairs per row; the order of calls does not matter)."""

    calls: List[Any]

    @property
    def model_name(self) -> str:
        return "replay"

    @validate_call
    def generate(
        self, inputs: List[Any], num_generations: int = 1, **kwargs: Any
    ) -> List[GenerateOutput]:
        captured = {_key(i): a for row in self.calls for i, a in row}
        return [{"generations": [captured[_key(i)]], "statistics": {}} for i in inputs]


def _key(input: Any) -> str:
    structured = isinstance(input, (tuple, list)) and len(input) == 2 and isinstance(input[1], dict)
    return json.dumps(input[0] if structured else input, sort_keys=True)


# Multi-call tasks' rows (of 8) that parse, replayed from their captured calls.
PARSED_CALLS = {
    "EvolInstruct": 8,  # 2 rows had a round's evolution eliminated and asked again
    "EvolComplexity": 8,
    "EvolInstructGenerator": 8,
    "EvolComplexityGenerator": 8,
    "EvolQuality": 8,
}


@pytest.mark.parametrize("name", sorted(PARSED_CALLS))
def test_captured_calls_of_multi_call_tasks_parse_or_fail_their_row(name: str) -> None:
    assert _replay_calls(name) == PARSED_CALLS[name]


def _replay_calls(name: str) -> int:
    """Replay a multi-call task's captured calls; each row parses or fails alone, its
    answers kept. The number of rows that parsed."""
    task = make_task(name, ReplayByInput(calls=ANSWERS[name]))
    task.load()
    rows = next(task.process()) if name in GENERATORS else next(task.process(TASK_ROWS[name]))
    if name in GENERATORS:
        rows = rows[0]
    assert len(rows) == 8
    outputs = [c for c in task.outputs if c != "model_name"]
    parsed = 0
    for row, calls in zip(rows, ANSWERS[name], strict=True):
        meta = row[METADATA_COLUMN]
        error = meta.get(f"error_{task.name}")
        if error is None:
            assert all(row[c] for c in outputs), row
            parsed += 1
        else:
            assert error.startswith(("MalformedOutputError: ", "ValueError: Step")), error
            assert all(row[c] is None for c in outputs)
        assert meta[f"raw_output_{task.name}"] == [answer for _, answer in calls]
    return parsed


@pytest.mark.parametrize("name", sorted(PARSED))
def test_captured_answers_parse_or_fail_their_row(name: str) -> None:
    assert _replay(name) == PARSED[name]


def _replay(name: str) -> int:
    """Replay a task's captured answers, one per row; each row parses or fails alone,
    its answer kept. The number of rows that parsed."""
    task = make_task(name.split("@")[0], Replay(answers=ANSWERS[name]))
    task.load()
    rows = next(task.process(TASK_ROWS[name.split("@")[0]]))
    assert len(rows) == 8
    outputs = [c for c in task.outputs if c != "model_name"]
    parsed = 0
    for row, answer in zip(rows, ANSWERS[name], strict=True):
        meta = row[METADATA_COLUMN]
        error = meta.get(f"error_{task.name}")
        if error is None:
            assert all(row[c] for c in outputs if c != "reason"), row
            parsed += 1
        else:
            assert error.startswith("MalformedOutputError: ")
            assert all(row[c] is None for c in outputs)
        assert meta[f"raw_output_{task.name}"] == answer
    return parsed


@pytest.mark.parametrize("task", sorted(ANSWERS_BAR))
def test_the_task_parses_at_least_80_percent_of_the_embedded_models_answers(task: str) -> None:
    """Issue 14's bar on the captured real answers (``fixtures/bar.py``)."""
    name = ANSWERS_BAR[task]
    parsed = _replay_calls(name) if name in PARSED_CALLS else _replay(name)
    assert parsed / len(ANSWERS[name]) >= BAR, (task, parsed)


def test_every_issue_14_task_has_its_bar_fixture() -> None:
    import distilabel.steps.tasks as tasks

    assert sorted({**ANSWERS_BAR, **MORE_ANSWERS_BAR}) == sorted(ISSUE_14_TASKS)
    assert all(hasattr(tasks, t) for t in ISSUE_14_TASKS)
    more = json.loads((FIXTURES / "more_answers.json").read_text())
    assert all(len(ANSWERS[n]) == 8 for n in ANSWERS_BAR.values())
    assert all(len(more[n]) == 8 for n in MORE_ANSWERS_BAR.values())


def test_self_instruct_reads_numbering_variants_and_drops_chatter() -> None:
    task = SelfInstruct(llm=Replay(answers=[]), num_instructions=4)
    text = (
        "Sure! Here are four queries:\n1. What is sourdough?\n2) How long does it\n"
        "   take to rise?\n**3.** Why is my loaf flat?\n- Give me a simple recipe.\n"
        "I hope this helps!"
    )
    assert task.format_output(text) == {
        "instructions": [
            "What is sourdough?", "How long does it take to rise?",
            "Why is my loaf flat?", "Give me a simple recipe.",
        ]
    }
    assert task.format_output("Query 1: Why?\nQuery 2: How?") == {"instructions": ["Why?", "How?"]}
    with pytest.raises(MalformedOutputError, match="no query"):
        task.format_output("   \n")


def test_sentence_pair_reads_headings_json_and_names_what_is_missing() -> None:
    task = GenerateSentencePair(llm=Replay(answers=[]), action="query", triplet=True)
    assert task.outputs == ["positive", "negative", "model_name"]
    assert task.format_output("**Positive:** a b\n\nNegative sentence: c d") == {
        "positive": "a b", "negative": "c d"
    }
    assert task.format_output('ok ```json\n{"positive": "x", "negative": "y"}\n```') == {
        "positive": "x", "negative": "y"
    }
    with pytest.raises(MalformedOutputError, match="'negative' section"):
        task.format_output("## Positive\nonly this")
    schema = task.get_structured_output()
    assert schema is not None and schema["schema"]["required"] == ["positive", "negative"]


def test_backtranslation_takes_the_verdict_line() -> None:
    task = InstructionBacktranslation(llm=Replay(answers=[]))
    assert task.format_output("Covers step 1 of 3.\nScore: 4") == {
        "score": 4, "reason": "Covers step 1 of 3."
    }
    assert task.format_output("**Score**: 2 - it misses the point")["score"] == 2
    assert task.format_output("I rate it 3/5.")["score"] == 3
    with pytest.raises(MalformedOutputError):
        task.format_output("Score: 9")


def test_text_classification_maps_to_the_given_labels_or_the_default() -> None:
    task = TextClassification(llm=Replay(answers=[]), available_labels=["positive", "negative"])
    assert task.format_output('{"labels": "Positive."}') == {"labels": "positive"}
    assert task.format_output('{"labels": "furious"}') == {"labels": "Unclassified"}
    many = TextClassification(llm=Replay(answers=[]), n=2)
    assert many.format_output('```json\n{"labels": ["a", "b", "c"]}\n```') == {"labels": ["a", "b"]}
    with pytest.raises(MalformedOutputError):
        many.format_output("")


def test_genstruct_survives_miscounted_brackets() -> None:
    task = Genstruct(llm=Replay(answers=[]))
    assert task.format_output("[[[User] Why?\n[[[Assistant]]] Because.") == {
        "user": "Why?", "assistant": "Because."
    }
    with pytest.raises(MalformedOutputError, match="assistant answer"):
        task.format_output("[[[User]]] Why?")


def test_evol_quality_runs_its_rounds_and_keeps_each() -> None:
    llm = Replay(answers=["Rewritten response: better", "best", "x", "y"])
    task = EvolQuality(
        name="evol", llm=llm, num_evolutions=2, store_evolutions=True,
        include_original_response=True,
    )
    task.load()
    rows = next(task.process([{"instruction": "Say hi", "response": "hi"}]))
    assert rows[0]["evolved_responses"] == ["hi", "better", "best"]
    assert "_evol_quality_history" not in rows[0]
    calls = rows[0][METADATA_COLUMN]["raw_input_evol"]  # one conversation per round
    assert len(calls) == 2 and "Response: better" in calls[-1][-1]["content"]
    assert rows[0][METADATA_COLUMN]["statistics_evol"]["calls"] == 2
    with pytest.raises(ValueError, match="num_generations=1"):
        EvolQuality(llm=llm, num_evolutions=1, num_generations=2)


def test_evol_quality_row_failing_in_a_round_does_not_stop_the_others() -> None:
    llm = Replay(answers=["a1", "  ", "a2"])
    task = EvolQuality(name="evol", llm=llm, num_evolutions=2)
    task.load()
    rows = next(task.process([
        {"instruction": "one", "response": "r1"}, {"instruction": "two", "response": "r2"},
    ]))
    assert rows[0]["evolved_response"] == "a2"
    assert rows[1]["evolved_response"] is None
    assert rows[1][METADATA_COLUMN]["raw_output_evol"] == ["  "]  # the answer that failed it
    assert "MalformedOutputError" in rows[1][METADATA_COLUMN]["error_evol"]


@pytest.mark.parametrize(("name", "kept"), [
    ("EvolInstruct@no-example", 10), ("EvolComplexity@no-example", 11),
])
def test_evol_rewrites_without_a_worked_example_are_often_eliminated(name: str, kept: int) -> None:
    """SmolLM2's rewrites to a prompt without the worked example: many copy the request
    ("The new prompt: Write only the new prompt.") or repeat the prompt unchanged."""
    survived = rounds = 0
    for row in ANSWERS[name]:
        for conversation, answer in row:
            request = conversation[-1]["content"]
            if "\nPrompt: " not in request:
                continue  # a call answering the evolved instruction
            rounds += 1
            try:
                read_instruction(answer, "EvolInstruct", request.rsplit("\nPrompt: ", 1)[1])
                survived += 1
            except MalformedOutputError:
                pass
    assert (survived, rounds) == (kept, 16)
