"""The distilabel 1.x Pipeline API, used as 1.x scripts use it.

``Pipeline()`` without a name, ``requirements=[...]``, ``step.connect(...)``,
``pipeline.dry_run()``, ``pipeline.run(dataset=...)``, ``make_generator_step``, per-step
``use_cache`` and ``RuntimeParameter[T]`` declared without a default.
"""

from __future__ import annotations

import collections
import logging
from pathlib import Path
from typing import Any, List

import datasets
import pandas as pd
import pytest
from pydantic import validate_call

from distilabel.errors import DistilabelUserError, MissingRequirementsError
from distilabel.llms.base import LLM
from distilabel.llms.typing import GenerateOutput
from distilabel.mixins.runtime_parameters import RuntimeParameter
from distilabel.pipeline import Pipeline
from distilabel.pipeline.base import BasePipeline  # noqa: F401  (1.x users import it)
from distilabel.steps import StepInput, StepOutput, make_generator_step
from distilabel.steps.base import Step
from distilabel.steps.generators.data import LoadDataFromDicts
from distilabel.steps.generators.huggingface import LoadDataFromFileSystem
from distilabel.steps.tasks import TextGeneration
from distilabel.steps.tasks.typing import ChatType

CALLS: collections.Counter[str] = collections.Counter()
LOADS: list[str] = []


class ShoutLLM(LLM):
    """Answers the last message in capitals and counts its calls."""

    def load(self) -> None:
        LOADS.append(self.model_name)
        super().load()

    @property
    def model_name(self) -> str:
        return "shout"

    @validate_call
    def generate(
        self, inputs: List[ChatType], num_generations: int = 1, **kwargs: Any
    ) -> List[GenerateOutput]:
        CALLS["shout"] += len(inputs)
        return [[i[-1]["content"].upper()] * num_generations for i in inputs]  # type: ignore[misc]


class Exclaim(Step):
    """Adds ``!`` ``times`` times to ``generation``; ``times`` must be given at run time."""

    times: RuntimeParameter[int]

    @property
    def inputs(self) -> List[str]:
        return ["generation"]

    @property
    def outputs(self) -> List[str]:
        return ["exclaimed"]

    def process(self, inputs: StepInput) -> StepOutput:  # type: ignore[override]
        CALLS["exclaim"] += len(inputs)
        for row in inputs:
            row["exclaimed"] = row["generation"] + "!" * self.times
        yield inputs


@pytest.fixture(autouse=True)
def _reset() -> None:
    CALLS.clear()
    LOADS.clear()


ROWS = [{"instruction": f"hello {i}"} for i in range(5)]


def test_a_pipeline_without_a_name_gets_one_from_its_steps() -> None:
    with Pipeline(description="shouts back") as pipeline:
        load = LoadDataFromDicts(name="load", data=ROWS)
        shout = TextGeneration(name="shout", llm=ShoutLLM())
        load.connect(shout)
    assert pipeline.name == "pipeline_load_shout"
    assert pipeline.description == "shouts back"
    distiset = pipeline.run(use_cache=False)
    assert [r["generation"] for r in distiset["default"]["train"]] == [
        f"HELLO {i}" for i in range(5)
    ]
    assert "name: pipeline_load_shout" in (distiset.pipeline_yaml or "")
    assert "description: shouts back" in (distiset.pipeline_yaml or "")


def test_connect_takes_several_steps_and_refuses_what_is_not_one() -> None:
    with Pipeline(name="fan-out") as pipeline:
        load = LoadDataFromDicts(name="load", data=ROWS[:2])
        a = TextGeneration(name="a", llm=ShoutLLM())
        b = TextGeneration(name="b", llm=ShoutLLM())
        load.connect(a, b)
        with pytest.raises(DistilabelUserError, match=r"'load'.connect\(\) takes steps"):
            load.connect("a")  # type: ignore[arg-type]
    assert sorted(pipeline.dag.successors["load"]) == ["a", "b"]
    assert sorted(pipeline.run()) == ["a", "b"]


def test_requirements_are_checked_before_any_step_loads() -> None:
    with Pipeline(name="needs", requirements=["pyyaml>=1", "no-such-package-xyz>=2"]) as p:
        load = LoadDataFromDicts(data=ROWS)
        load >> TextGeneration(llm=ShoutLLM())
    with pytest.raises(MissingRequirementsError) as caught:
        p.run()
    message = str(caught.value)
    assert "'no-such-package-xyz>=2' (not installed)" in message
    assert "pip install 'no-such-package-xyz>=2'" in message
    assert "pyyaml" not in message.replace("Pipeline 'needs'", "")
    assert LOADS == [] and CALLS == {}
    assert p.dump()["requirements"] == ["pyyaml>=1", "no-such-package-xyz>=2"]


def test_a_too_old_requirement_names_the_installed_version() -> None:
    with Pipeline(name="old", requirements=["pydantic>=999"]) as p:
        LoadDataFromDicts(data=ROWS) >> TextGeneration(llm=ShoutLLM())
    with pytest.raises(MissingRequirementsError, match=r"'pydantic>=999' \(installed: \d"):
        p.run()


def test_an_invalid_requirement_is_refused_when_the_pipeline_is_built() -> None:
    with pytest.raises(DistilabelUserError, match="invalid requirement 'openai >>= 1'"):
        Pipeline(name="bad", requirements=["openai >>= 1"])


@pytest.mark.parametrize(
    "dataset",
    [ROWS, pd.DataFrame(ROWS), datasets.Dataset.from_list(ROWS)],
    ids=["list", "pandas", "datasets"],
)
def test_run_takes_the_dataset_as_a_list_a_dataframe_or_a_dataset(dataset: Any) -> None:
    with Pipeline() as pipeline:
        TextGeneration(name="shout", llm=ShoutLLM())
    distiset = pipeline.run(dataset=dataset, use_cache=False)
    rows = distiset["default"]["train"]
    assert [r["instruction"] for r in rows] == [r["instruction"] for r in ROWS]
    assert [r["generation"] for r in rows] == [r["instruction"].upper() for r in ROWS]


def test_run_dataset_with_a_generator_step_already_there_is_an_error() -> None:
    with Pipeline(name="two-inputs") as pipeline:
        LoadDataFromDicts(name="load", data=ROWS) >> TextGeneration(llm=ShoutLLM())
    with pytest.raises(DistilabelUserError, match="already starts with the generator step"):
        pipeline.run(dataset=ROWS)


def test_run_refuses_a_dataset_of_the_wrong_kind() -> None:
    with Pipeline(name="wrong") as pipeline:
        TextGeneration(llm=ShoutLLM())
    with pytest.raises(DistilabelUserError, match="Cannot feed a pipeline from a str"):
        pipeline.run(dataset="instructions.jsonl")
    with pytest.raises(DistilabelUserError, match="row 1 is a int, not a dict"):
        pipeline.run(dataset=[{"instruction": "x"}, 3])


def test_make_generator_step_inside_a_pipeline() -> None:
    with Pipeline(name="made") as pipeline:
        loader = make_generator_step(pd.DataFrame(ROWS), batch_size=2,
                                     output_mappings={"instruction": "prompt"})
        shout = TextGeneration(llm=ShoutLLM(), input_mappings={"instruction": "prompt"})
        loader >> shout
    assert loader.batch_size == 2 and loader.pipeline is pipeline
    rows = pipeline.run()["default"]
    assert [r["generation"] for r in rows] == [r["instruction"].upper() for r in ROWS]


def test_dry_run_sends_one_row_through_every_step_and_caches_nothing(
    cache_dir: Path,
) -> None:
    with Pipeline(name="try-me") as pipeline:
        load = LoadDataFromDicts(data=ROWS, batch_size=3)
        shout = TextGeneration(name="shout", llm=ShoutLLM())
        exclaim = Exclaim(name="exclaim")
        load >> shout >> exclaim
    distiset = pipeline.dry_run(parameters={"exclaim": {"times": 2}})
    assert distiset["default"].to_list()[0]["exclaimed"] == "HELLO 0!!"
    assert len(distiset["default"]) == 1
    assert CALLS == {"shout": 1, "exclaim": 1}
    assert not cache_dir.exists() or not any(cache_dir.rglob("*.jsonl"))
    assert load.batch_size == 3  # the step's settings are back
    full = pipeline.run(parameters={"exclaim": {"times": 1}})
    assert len(full["default"]) == 5 and CALLS["shout"] == 6


def test_dry_run_with_a_dataset_and_a_bigger_batch() -> None:
    with Pipeline() as pipeline:
        TextGeneration(name="shout", llm=ShoutLLM())
    distiset = pipeline.dry_run(dataset=ROWS, batch_size=2)
    assert [r["generation"] for r in distiset["default"]] == ["HELLO 0", "HELLO 1"]


def test_use_cache_false_recomputes_that_step_and_what_follows_it() -> None:
    with Pipeline(name="partly-cached") as pipeline:
        load = LoadDataFromDicts(data=ROWS)
        shout = TextGeneration(name="shout", llm=ShoutLLM())
        exclaim = Exclaim(name="exclaim", times=1, use_cache=False)
        load >> shout >> exclaim
    first = pipeline.run()
    second = pipeline.run()
    assert first["default"].to_list() == second["default"].to_list()
    assert CALLS == {"shout": 5, "exclaim": 10}


def test_a_runtime_parameter_without_a_default_is_required_at_run_time() -> None:
    with Pipeline(name="required") as pipeline:
        step = Exclaim(name="exclaim")  # building it does not need `times`
        LoadDataFromDicts(data=ROWS) >> TextGeneration(llm=ShoutLLM()) >> step
    assert step.times is None
    info = {p["name"]: p for p in step.get_runtime_parameters_info()}
    assert info["times"]["optional"] is False
    with pytest.raises(DistilabelUserError, match="times"):
        pipeline.run()
    assert LOADS == [] and CALLS == {}
    rows = pipeline.run(parameters={"exclaim": {"times": 3}})["default"]
    assert rows[0]["exclaimed"] == "HELLO 0!!!"


def test_1x_only_arguments_at_their_1x_default_are_accepted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="distilabel"):
        llm = ShoutLLM(use_offline_batch_generation=False, jobs_ids=None,
                       offline_batch_generation_block_until_done=None)
        with Pipeline(name="as-in-1x", enable_metadata=False) as pipeline:
            load = LoadDataFromDicts(data=ROWS)
            load >> TextGeneration(name="shout", llm=llm)
    assert caplog.records == []  # nothing to say: they change nothing
    assert "jobs_ids" not in pipeline.to_yaml()
    rows = pipeline.run(use_cache=False)["default"]
    assert [r["generation"] for r in rows] == [r["instruction"].upper() for r in ROWS]


def test_a_1x_argument_with_no_meaning_here_is_dropped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "rows.jsonl"
    data.write_text('{"instruction": "a"}\n')
    with caplog.at_level(logging.WARNING, logger="distilabel"):
        load = LoadDataFromFileSystem(data_files=str(data), streaming=True)
    assert "LoadDataFromFileSystem(streaming=True): a distilabel 1.x field with no" \
        " meaning here; ignored (LoadDataFromFileSystem always reads its rows lazily" \
        in caplog.text
    assert not hasattr(load, "streaming")


def test_a_meaningful_1x_argument_is_refused_with_what_it_did_and_what_to_do() -> None:
    with pytest.raises(DistilabelUserError) as caught:
        ShoutLLM(use_offline_batch_generation=True,
                 offline_batch_generation_block_until_done=60)
    message = str(caught.value)
    assert message.startswith("ShoutLLM was given distilabel 1.x fields")
    assert "ShoutLLM.use_offline_batch_generation=True: in distilabel 1.x this sent the" \
        " task's requests to the provider's batch API" in message
    assert "remove the field (or set it to False) to send the requests online" in message
    assert "block_until_done=60: in distilabel 1.x this polled the offline batch" in message
    ShoutLLM(offline_batch_generation_block_until_done=60)  # without batch mode: no effect
    with pytest.raises(DistilabelUserError, match=r"ShoutLLM.token='\*+'") as secret:
        ShoutLLM(token="hf_very_secret")
    assert "hf_very_secret" not in str(secret.value)


def test_a_misspelt_argument_is_still_an_error() -> None:
    with pytest.raises(ValueError, match="jobs_id"):
        ShoutLLM(jobs_id=None)
