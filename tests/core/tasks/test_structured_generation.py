"""StructuredGeneration: each row's own structured-output request, through the core's contract."""

from __future__ import annotations

import json
from typing import Any, ClassVar, List, Optional

from pydantic import validate_call

from distilabel.llms import LLM
from distilabel.llms.typing import GenerateOutput
from distilabel.steps.tasks import METADATA_COLUMN, StructuredGeneration

PERSON = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
}


class Obliging(LLM):
    """Answers a JSON request with an object of its required keys, a regex with 'abc';
    records what it was asked (it cannot constrain, so the core checks its answers)."""

    seen: ClassVar[List[Any]] = []

    @property
    def model_name(self) -> str:
        return "obliging"

    @validate_call
    def generate(
        self, inputs: List[Any], num_generations: int = 1, **kwargs: Any
    ) -> List[GenerateOutput]:
        out: List[GenerateOutput] = []
        for item in inputs:
            self.seen.append(item)
            request = self.prepare_input(item).structured_output
            text: Optional[str] = "free text"
            if request is not None and request.format == "json":
                schema = request.json_schema or {}
                text = json.dumps({k: 7 if k == "age" else "x" for k in schema["required"]})
            elif request is not None:
                text = "abc"
            out.append({"generations": [text], "statistics": {}})
        return out


def test_each_row_is_answered_in_its_own_shape() -> None:
    Obliging.seen.clear()
    task = StructuredGeneration(name="structured", llm=Obliging())
    task.load()
    json_request = {"format": "json", "schema": PERSON}
    regex_request = {"format": "regex", "schema": "[a-c]{3}"}
    rows = next(task.process([
        {"instruction": "Invent a person.", "structured_output": json_request},
        {"instruction": "Three letters.", "structured_output": regex_request},
    ]))
    assert json.loads(rows[0]["generation"]) == {"name": "x", "age": 7}
    assert rows[1]["generation"] == "abc"
    assert task.outputs == ["generation", "model_name"]
    conversation, request = Obliging.seen[0]
    assert conversation == [{"role": "user", "content": "Invent a person."}]
    assert request == {"format": "json", "schema": PERSON}
    # the schema stays out of the metadata; the conversation is kept
    assert rows[0][METADATA_COLUMN]["raw_input_structured"] == conversation


def test_a_row_without_a_usable_request_fails_alone() -> None:
    task = StructuredGeneration(name="structured", llm=Obliging())
    task.load()
    rows = next(task.process([
        {"instruction": "ok", "structured_output": {"format": "json", "schema": PERSON}},
        {"instruction": "no request", "structured_output": None},
        {"instruction": "bad request", "structured_output": {"format": "yaml", "schema": 3}},
    ]))
    assert json.loads(rows[0]["generation"])["age"] == 7
    errors = [r[METADATA_COLUMN].get("error_structured") for r in rows]
    assert errors[0] is None
    assert "column 'structured_output' is missing" in errors[1]
    assert "structured_output" in errors[2] and rows[2]["generation"] is None


def test_an_answer_that_never_fits_fails_its_row_with_the_texts_kept() -> None:
    class Stubborn(Obliging):
        @validate_call
        def generate(
            self, inputs: List[Any], num_generations: int = 1, **kwargs: Any
        ) -> List[GenerateOutput]:
            return [{"generations": ["not json"], "statistics": {}} for _ in inputs]

    task = StructuredGeneration(name="structured", llm=Stubborn(structured_output_retries=1))
    task.load()
    (row,) = next(task.process([
        {"instruction": "A person.", "structured_output": {"format": "json", "schema": PERSON}}
    ]))
    meta = row[METADATA_COLUMN]
    assert row["generation"] is None
    assert meta["error_structured"].startswith("StructuredOutputError")
    assert "not json" in json.dumps(meta["raw_output_structured"])


def test_the_system_prompt_column_is_sent_only_when_asked() -> None:
    Obliging.seen.clear()
    row = {
        "instruction": "A person.", "system_prompt": "Be brief.",
        "structured_output": {"format": "json", "schema": PERSON},
    }
    for use in (False, True):
        task = StructuredGeneration(llm=Obliging(), use_system_prompt=use)
        task.load()
        next(task.process([row]))
    without, with_system = (seen[0] for seen in Obliging.seen[-2:])
    assert [m["role"] for m in without] == ["user"]
    assert with_system[0] == {"role": "system", "content": "Be brief."}
