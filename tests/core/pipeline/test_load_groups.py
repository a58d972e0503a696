"""``pipeline.run(load_groups=...)``: steps loaded one group after another, as in 1.x."""

from __future__ import annotations

import threading
from typing import Any, List

import pytest
from pydantic import validate_call

from distilabel.errors import DistilabelUserError
from distilabel.llms import LLM
from distilabel.llms.typing import GenerateOutput
from distilabel.pipeline import Pipeline, PipelineValidationError
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration
from distilabel.steps.tasks.typing import ChatType

EVENTS: list[str] = []
_LOCK = threading.Lock()


class BigLocalLLM(LLM):
    """Stands for a large local model: records when it is loaded, used and unloaded."""

    tag: str

    @property
    def model_name(self) -> str:
        return f"big-{self.tag}"

    def load(self) -> None:
        super().load()
        with _LOCK:
            EVENTS.append(f"load {self.tag}")

    def unload(self) -> None:
        with _LOCK:
            EVENTS.append(f"unload {self.tag}")
        super().unload()

    @validate_call
    def generate(
        self, inputs: List[ChatType], num_generations: int = 1, **kwargs: Any
    ) -> List[GenerateOutput]:
        with _LOCK:
            assert f"load {self.tag}" in EVENTS and f"unload {self.tag}" not in EVENTS
        return [[f"{self.tag}:{i[-1]['content']}"] * num_generations for i in inputs]


def two_big_models(name: str) -> Pipeline:
    EVENTS.clear()
    with Pipeline(name=name) as pipeline:
        load = LoadDataFromDicts(
            name="load", data=[{"instruction": f"q{i}"} for i in range(30)], batch_size=5
        )
        first = TextGeneration(name="first", llm=BigLocalLLM(tag="a"))
        second = TextGeneration(
            name="second", llm=BigLocalLLM(tag="b"), input_mappings={"instruction": "generation"}
        )
        load >> first >> second
    return pipeline


def loaded_together(events: list[str]) -> set[str]:
    """The most models that were loaded at one time."""
    live: set[str] = set()
    most: set[str] = set()
    for event in events:
        verb, tag = event.split()
        if verb == "load":
            live.add(tag)
        else:
            live.discard(tag)
        most = max(most, set(live), key=len)
    return most


def test_group_two_is_loaded_only_after_group_one_is_unloaded() -> None:
    pipeline = two_big_models("load-groups")
    distiset = pipeline.run(load_groups=[["first"], ["second"]], show_progress=False)
    assert EVENTS == ["load a", "unload a", "load b", "unload b"]
    rows = distiset["second"].to_list()
    assert len(rows) == 30 and all(r["generation"] == f"b:a:{r['instruction']}" for r in rows)


def test_without_load_groups_both_models_are_in_memory_at_once() -> None:
    two_big_models("no-load-groups").run(show_progress=False)
    assert loaded_together(EVENTS) == {"a", "b"}


def test_sequential_step_execution_runs_one_step_at_a_time() -> None:
    pipeline = two_big_models("sequential")
    distiset = pipeline.run(load_groups="sequential_step_execution", show_progress=False)
    assert EVENTS == ["load a", "unload a", "load b", "unload b"]
    assert len(distiset["second"].to_list()) == 30


def test_groups_take_steps_as_well_as_names() -> None:
    pipeline = two_big_models("load-groups-steps")
    pipeline.run(load_groups=[[pipeline.get_step("second")]], show_progress=False)
    assert EVENTS == ["load a", "unload a", "load b", "unload b"]


def test_a_rerun_with_load_groups_reuses_the_cache() -> None:
    groups = [["first"], ["second"]]
    two_big_models("load-groups-cache").run(load_groups=groups, show_progress=False)
    distiset = two_big_models("load-groups-cache").run(load_groups=groups, show_progress=False)
    assert EVENTS == [] and len(distiset["second"].to_list()) == 30


def test_an_unknown_step_name_is_refused_with_the_closest_one() -> None:
    pipeline = two_big_models("load-groups-typo")
    with pytest.raises(PipelineValidationError, match=r"unknown step 'frist'.*'first'"):
        pipeline.run(load_groups=[["frist"]], show_progress=False)
    assert EVENTS == []


def test_a_group_that_would_run_before_its_input_is_refused() -> None:
    pipeline = two_big_models("load-groups-order")
    with pytest.raises(PipelineValidationError, match=r"'second' .*reads from 'first'.*later"):
        pipeline.run(load_groups=[["load", "second"]], show_progress=False)


def test_a_group_is_a_list_of_steps() -> None:
    pipeline = two_big_models("load-groups-shape")
    with pytest.raises(PipelineValidationError, match=r"load_groups=\[\['first'\]\]"):
        pipeline.run(load_groups=["first"], show_progress=False)


def test_the_ray_engine_refuses_load_groups_clearly() -> None:
    pipeline = two_big_models("load-groups-ray")
    with pytest.raises(DistilabelUserError, match="load_groups is for the local engine"):
        pipeline.run(engine="ray", load_groups=[["first"]], show_progress=False)
