"""A pipeline is checked as a whole before any step is loaded."""

from __future__ import annotations

import pytest
from pipeline_test_llms import EchoLLM

from distilabel.errors import RuntimeParameterError, UnknownRuntimeParameterError
from distilabel.pipeline import Pipeline, PipelineValidationError
from distilabel.steps import KeepColumns, LoadDataFromDicts, LoadDataFromFileSystem
from distilabel.steps.tasks import TextGeneration


class RecordingKeep(KeepColumns):
    loads: int = 0

    def load(self) -> None:
        self.loads += 1
        super().load()


def test_a_missing_input_column_names_the_step_the_column_and_the_fix() -> None:
    with Pipeline(name="columns") as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"prompt": "hi"}])
        generate = TextGeneration(name="generate", llm=EchoLLM())
        load >> generate
    with pytest.raises(PipelineValidationError) as err:
        pipeline.run()
    message = str(err.value)
    assert "Step 'generate' needs input column 'instruction'" in message
    assert "no step before it ('load') produces it. Available: prompt." in message
    generate.input_mappings = {"instruction": "prompt"}
    assert pipeline.validate() == ["load", "generate"]


def test_columns_flow_through_steps_and_mappings() -> None:
    with Pipeline(name="flow") as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"instruction": "hi", "extra": 1}])
        generate = TextGeneration(name="generate", llm=EchoLLM(),
                                  output_mappings={"generation": "answer"})
        keep = KeepColumns(name="keep", columns=["instruction", "generation"])
        load >> generate >> keep
    with pytest.raises(PipelineValidationError, match=r"Step 'keep' needs input column"
                       r" 'generation'.*Available: answer, distilabel_metadata, extra,"
                       r" instruction, model_name"):
        pipeline.validate()


def test_a_cycle_is_reported_with_its_steps() -> None:
    with Pipeline(name="cycle") as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"a": 1}])
        first = KeepColumns(name="first", columns=["a"])
        second = KeepColumns(name="second", columns=["a"])
        load >> first >> second >> first
    with pytest.raises(PipelineValidationError, match="cycle: first >> second >> first"):
        pipeline.run()


def test_graph_shape_problems_are_all_listed() -> None:
    with Pipeline(name="shape") as pipeline:
        lonely = KeepColumns(name="lonely", columns=["a"])
        other = LoadDataFromDicts(name="other", data=[{"a": 1}])
        fed = LoadDataFromDicts(name="fed", data=[{"a": 1}])
        other >> fed
    with pytest.raises(PipelineValidationError) as err:
        pipeline.validate()
    message = str(err.value)
    assert "Step 'lonely' (KeepColumns) receives no rows" in message
    assert "Step 'fed' is a generator step and cannot receive rows" in message
    del lonely


def test_an_empty_pipeline_is_refused() -> None:
    with pytest.raises(PipelineValidationError, match="has no steps"):
        Pipeline(name="empty").run()


def test_missing_required_runtime_parameters_are_named_with_their_path() -> None:
    with Pipeline(name="required") as pipeline:
        load = LoadDataFromFileSystem(name="load")
        keep = RecordingKeep(name="keep", columns=["a"])
        load >> keep
    with pytest.raises(PipelineValidationError) as err:
        pipeline.run()
    assert "Step 'load' is missing the required runtime parameter 'load.data_files'" in str(
        err.value)
    assert "--param load.data_files=VALUE" in str(err.value)
    assert keep.loads == 0


def test_unknown_parameter_names_carry_the_step_path_and_a_suggestion() -> None:
    with Pipeline(name="params") as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"instruction": "hi"}])
        generate = TextGeneration(name="generate", llm=EchoLLM())
        load >> generate
    with pytest.raises(UnknownRuntimeParameterError) as err:
        pipeline.run(
            parameters={"generate": {"llm": {"generation_kwargs": {"temprature": 1}}}})
    assert "'temprature' in 'generate.llm.generation_kwargs'" in str(err.value)
    assert "did you mean 'temperature'" in str(err.value)
    with pytest.raises(UnknownRuntimeParameterError,
                       match="Unknown step 'generat' in run parameters; did you mean 'generate'"):
        pipeline.run(parameters={"generat": {}})
    with pytest.raises(RuntimeParameterError,
                       match=r"generate\.llm\.generation_kwargs\.temperature"):
        pipeline.run(
            parameters={"generate": {"llm": {"generation_kwargs": {"temperature": "hot"}}}})


def test_parameters_are_coerced_and_set_before_running() -> None:
    with Pipeline(name="coerce") as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"instruction": "hi"}])
        generate = TextGeneration(name="generate", llm=EchoLLM())
        load >> generate
    pipeline.validate({"generate": {"input_batch_size": "7",
                                    "llm": {"generation_kwargs": {"temperature": "0.5"}}},
                       "load": {"batch_size": 3}})
    assert generate.input_batch_size == 7 and load.batch_size == 3
    assert generate.llm.generation_kwargs == {"temperature": 0.5}
