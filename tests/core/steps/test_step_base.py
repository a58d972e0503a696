"""Step, GeneratorStep, GlobalStep and the @step decorator."""

from __future__ import annotations

from typing import Any

import pytest

from distilabel.errors import DistilabelUserError, UnknownRuntimeParameterError
from distilabel.pipeline import Pipeline
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.steps import (
    GeneratorStep,
    GeneratorStepOutput,
    GlobalStep,
    LoadDataFromDicts,
    Step,
    StepColumns,
    StepInput,
    StepOutput,
    step,
)


class AddLength(Step):
    """Adds the length of ``text``."""

    factor: RuntimeParameter[int] = 1

    @property
    def inputs(self) -> StepColumns:
        return ["text"]

    @property
    def outputs(self) -> StepColumns:
        return ["length"]

    def process(self, inputs: StepInput) -> StepOutput:  # type: ignore[override]
        for row in inputs:
            row["length"] = len(row["text"]) * (self.factor or 1)
        yield inputs


def test_a_step_processes_batches_with_its_declared_columns() -> None:
    add = AddLength(name="add")
    assert add.required_input_columns() == ["text"]
    assert next(add.process_applying_mappings([{"text": "abc"}])) == [{"text": "abc", "length": 3}]


def test_input_and_output_mappings_rename_at_the_boundary() -> None:
    add = AddLength(name="add", input_mappings={"text": "prompt"},
                    output_mappings={"length": "prompt_length"})
    assert add.required_input_columns() == ["prompt"]
    assert add.output_column_names() == ["prompt_length"]
    rows = next(add.process_applying_mappings([{"prompt": "abcd", "text": "keep me"}]))
    assert rows == [{"prompt": "abcd", "text": "keep me", "prompt_length": 4}]


def test_runtime_parameters_are_named_with_the_step() -> None:
    add = AddLength(name="add")
    add.set_runtime_parameters({"factor": "3"}, path="add.")
    assert add.factor == 3
    with pytest.raises(UnknownRuntimeParameterError) as err:
        add.set_runtime_parameters({"factr": 2}, path="add.")
    message = str(err.value)
    assert "'factr' in 'add' (step 'add')" in message and "did you mean 'factor'" in message
    assert {p["name"] for p in add.get_runtime_parameters_info()} == {
        "factor", "input_batch_size", "resources"
    }


def test_names_are_generated_unique_within_a_pipeline_and_checked() -> None:
    with Pipeline(name="names") as pipeline:
        first = AddLength()
        second = AddLength()
        with pytest.raises(ValueError, match="already exists"):
            AddLength(name=first.name)
    assert (first.name, second.name) == ("add_length_0", "add_length_1")
    assert list(pipeline.steps) == ["add_length_0", "add_length_1"]
    with pytest.raises(ValueError, match=r"Invalid step name .a\.b."):
        AddLength(name="a.b")


def test_rshift_connects_steps_and_lists() -> None:
    with Pipeline(name="shift") as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"text": "a"}])
        a, b, c = AddLength(name="a"), AddLength(name="b"), AddLength(name="c")
        assert (load >> [a, b]) == [a, b]
        assert ([a, b] >> c) is c
    assert pipeline.dag.successors["load"] == ["a", "b"]
    assert pipeline.dag.predecessors["c"] == ["a", "b"]


def test_steps_of_different_pipelines_or_none_cannot_connect() -> None:
    with Pipeline(name="one"):
        a = AddLength(name="a")
    with Pipeline(name="two"):
        b = AddLength(name="b")
    with pytest.raises(DistilabelUserError, match="different pipelines"):
        a >> b
    loose_a, loose_b = AddLength(name="x"), AddLength(name="y")
    with pytest.raises(DistilabelUserError, match="neither belongs to a pipeline"):
        loose_a >> loose_b


def test_a_generator_step_resumes_from_an_offset() -> None:
    class Counter(GeneratorStep):
        count: int = 7

        @property
        def outputs(self) -> StepColumns:
            return ["n"]

        def process(self, offset: int = 0) -> GeneratorStepOutput:  # type: ignore[override]
            for start in range(offset, self.count, self.batch_size or 1):
                end = min(start + (self.batch_size or 1), self.count)
                yield [{"n": i} for i in range(start, end)], end >= self.count

    counter = Counter(name="counter", batch_size=3)
    batches = list(counter.process_applying_mappings(offset=4))
    assert batches == [([{"n": 4}, {"n": 5}, {"n": 6}], True)]


def test_decorated_functions_become_step_classes() -> None:
    @step(inputs=["text"], outputs=["upper"])
    def Upper(inputs: StepInput, suffix: RuntimeParameter[str] = "!") -> StepOutput:
        """Upper-case the text."""
        yield [{**row, "upper": row["text"].upper() + (suffix or "")} for row in inputs]

    up = Upper(name="up")
    assert isinstance(up, Step) and Upper.__doc__ == "Upper-case the text."
    assert [p["name"] for p in up.get_runtime_parameters_info()] == [
        "input_batch_size", "suffix", "resources"
    ]
    up.set_runtime_parameters({"suffix": "?"})
    assert next(up.process_applying_mappings([{"text": "a"}])) == [{"text": "a", "upper": "A?"}]


def test_decorated_generator_and_global_steps() -> None:
    @step(outputs=["n"], step_type="generator")
    def Numbers(offset: int = 0, limit: int = 3) -> GeneratorStepOutput:
        yield [{"n": i} for i in range(offset, limit)], True

    @step(inputs=["n"], step_type="global")
    def Reverse(inputs: StepInput) -> StepOutput:
        yield list(reversed(inputs))

    numbers = Numbers(name="numbers", limit=4)
    assert isinstance(numbers, GeneratorStep) and numbers.takes_offset()
    assert list(numbers.process_applying_mappings(offset=1)) == [
        ([{"n": 1}, {"n": 2}, {"n": 3}], True)]
    reverse = Reverse(name="reverse")
    assert isinstance(reverse, GlobalStep) and reverse.is_global
    assert next(reverse.process_applying_mappings([{"n": 1}, {"n": 2}])) == [{"n": 2}, {"n": 1}]


def test_decorator_rejects_an_unknown_step_type() -> None:
    with pytest.raises(ValueError, match="Invalid step_type 'batch'"):
        step(step_type="batch")  # type: ignore[arg-type]


def test_a_generator_without_offset_is_skipped_by_the_pipeline() -> None:
    @step(outputs=["n"], step_type="generator")
    def Plain() -> GeneratorStepOutput:
        yield [{"n": 0}, {"n": 1}], False
        yield [{"n": 2}], True

    plain = Plain(name="plain")
    assert not plain.takes_offset()
    assert list(plain.process_applying_mappings(offset=1)) == [([{"n": 1}], False),
                                                               ([{"n": 2}], True)]


def test_dump_and_from_dict_round_trip() -> None:
    add = AddLength(name="add", factor=2, input_mappings={"text": "t"})
    data: dict[str, Any] = add.dump()
    assert data["type_info"]["name"] == "AddLength"
    again = AddLength.from_dict(data)
    assert again.dump() == data


def test_process_must_yield_batches_of_rows() -> None:
    @step(inputs=["a"])
    def YieldsRow(inputs: StepInput) -> StepOutput:
        yield inputs[0]  # a row instead of a batch

    @step(outputs=["n"], step_type="generator")
    def YieldsRows() -> GeneratorStepOutput:
        yield [{"n": 1}]  # type: ignore[misc]  # no is_last flag

    with pytest.raises(DistilabelUserError, match="'bad': `process` must yield lists of row"
                       " dicts, got dict"):
        next(YieldsRow(name="bad").process_applying_mappings([{"a": 1}]))
    with pytest.raises(DistilabelUserError, match=r"'gen': `process` must yield \(rows,"
                       r" is_last\) pairs, got list"):
        next(YieldsRows(name="gen").process_applying_mappings())
