"""Routing batches with ``routing_batch_function`` and ``sample_n_steps``, as in 1.x:
``load >> sample_two_steps >> [gen_a, gen_b, gen_c] >> combine``."""

from __future__ import annotations

import collections
import json
from pathlib import Path

import pytest
from pipeline_test_llms import EchoLLM, SleepyAsyncLLM

from distilabel.errors import DistilabelUserError
from distilabel.pipeline import Pipeline, StepFailedError, routing_batch_function, sample_n_steps
from distilabel.pipeline._signature import step_keys
from distilabel.steps import GroupColumns, LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration

ROWS, BATCH = 120, 10


def ultrafeedback_shape(name: str = "routing", n: int = 2, rows: int = ROWS) -> Pipeline:
    with Pipeline(name=name) as pipeline:
        load = LoadDataFromDicts(
            name="load", data=[{"instruction": f"q{i}"} for i in range(rows)], batch_size=BATCH
        )
        gens = [
            TextGeneration(name="gen_a", llm=EchoLLM(prefix="a")),
            TextGeneration(name="gen_b", llm=SleepyAsyncLLM(prefix="b")),
            TextGeneration(name="gen_c", llm=EchoLLM(prefix="c"), input_batch_size=5),
        ]
        combine = GroupColumns(
            name="combine", columns=["generation", "model_name"],
            output_columns=["generations", "model_names"],
        )
        load >> sample_n_steps(n) >> gens >> combine
    return pipeline


def batch_of(row: dict[str, object]) -> int:
    return int(str(row["instruction"])[1:]) // BATCH


def test_sample_n_steps_sends_every_batch_to_exactly_two_of_three_generators() -> None:
    distiset = ultrafeedback_shape().run(show_progress=False)
    rows = distiset["combine"].to_list()
    assert sorted(r["instruction"] for r in rows) == sorted(f"q{i}" for i in range(ROWS))
    routes: dict[int, set[tuple[str, ...]]] = collections.defaultdict(set)
    for row in rows:
        models = tuple(row["model_names"])
        assert len(models) == 2 and len(set(models)) == 2, row
        for text, model in zip(row["generations"], models, strict=True):
            assert text.startswith(model.split("-")[-1] + ":" + row["instruction"])
        routes[batch_of(row)].add(models)
    # a batch is routed as a whole: every row of it went to the same two steps
    assert all(len(chosen) == 1 for chosen in routes.values())
    summary = distiset.summary
    assert summary is not None
    done = {name: s.rows for name, s in summary.steps.items()}
    assert done["gen_a"] + done["gen_b"] + done["gen_c"] == 2 * ROWS


def test_the_route_of_each_batch_is_kept_and_replayed_on_a_rerun() -> None:
    first = ultrafeedback_shape().run(show_progress=False)["combine"].to_list()
    again = ultrafeedback_shape().run(show_progress=False)["combine"].to_list()
    assert again == first  # sample_n_steps would choose anew; the stored routes win


def test_a_decorated_routing_function_chooses_by_name() -> None:
    @routing_batch_function
    def only_long(steps: list[str]) -> list[str]:
        return [s for s in steps if s.endswith("long")]

    with Pipeline(name="decorated") as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"instruction": "x"}] * 4, batch_size=2)
        short = TextGeneration(name="short", llm=EchoLLM(prefix="s"))
        long = TextGeneration(name="long", llm=EchoLLM(prefix="l"))
        load >> only_long >> [short, long]
    distiset = pipeline.run(show_progress=False)
    assert len(distiset["long"].to_list()) == 4
    assert distiset["short"].to_list() == []


def test_routing_more_steps_than_follow_is_refused_before_anything_runs() -> None:
    with pytest.raises(DistilabelUserError, match="sends each batch to 4 steps, but only 3"):
        ultrafeedback_shape(n=4).run(show_progress=False)


def test_a_routed_step_cannot_read_from_another_step() -> None:
    with Pipeline(name="bad-routing") as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"instruction": "x"}])
        other = LoadDataFromDicts(name="other", data=[{"instruction": "y"}])
        gen_a = TextGeneration(name="gen_a", llm=EchoLLM())
        gen_b = TextGeneration(name="gen_b", llm=EchoLLM())
        load >> sample_n_steps(1) >> [gen_a, gen_b]
        other >> gen_a
    with pytest.raises(DistilabelUserError, match="'gen_a' receives routed batches from 'load'"):
        pipeline.run(show_progress=False)


def test_a_function_choosing_an_unknown_step_fails_the_step_naming_it() -> None:
    @routing_batch_function(description="a typo")
    def typo(steps: list[str]) -> list[str]:
        return ["gen_z"]

    with Pipeline(name="typo") as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"instruction": "x"}])
        load >> typo >> [TextGeneration(name="gen_a", llm=EchoLLM())]
    with pytest.raises(StepFailedError, match=r"'load' failed.*chose \['gen_z'\].*among gen_a"):
        pipeline.run(show_progress=False)


def test_the_ray_engine_refuses_routing_clearly() -> None:
    with pytest.raises(DistilabelUserError, match="Ray engine does not route batches"):
        ultrafeedback_shape().run(engine="ray", show_progress=False)


def test_routing_survives_a_round_trip_through_yaml(tmp_path: Path) -> None:
    pipeline = ultrafeedback_shape()
    path = pipeline.save(tmp_path / "pipeline.yaml")
    loaded = Pipeline.from_yaml(path)
    assert loaded.dag.routes["load"].factory == pipeline.dag.routes["load"].factory
    rows = loaded.run(show_progress=False)["combine"].to_list()
    assert all(len(r["generations"]) == 2 for r in rows) and len(rows) == ROWS


def test_changing_the_routing_recomputes_from_the_routing_step() -> None:
    def keys(n: int) -> dict[str, str]:
        pipeline = ultrafeedback_shape(n=n)
        order = pipeline.dag.topological_order()
        return {name: key.signature for name, key in step_keys(pipeline.dag, order).items()}

    two, one = keys(2), keys(1)
    assert two["load"] != one["load"] and two["combine"] != one["combine"]
    assert keys(2) == two


def test_the_routes_are_written_in_the_batch_headers(cache_dir: Path) -> None:
    ultrafeedback_shape(rows=30).run(show_progress=False)
    (store,) = cache_dir.glob("pipelines/routing/*/steps/load/batches.jsonl")
    routes = [json.loads(line.partition(b"\t")[0])["r"] for line in store.read_bytes().splitlines()]
    assert len(routes) == 3 and all(len(r) == 2 for r in routes)


class FlakyLLM(EchoLLM):
    """Fails the inputs in ``FAILING`` (while it holds any), echoes the others."""

    def generate(self, inputs, num_generations: int = 1, temperature: float = 1.0):  # type: ignore[no-untyped-def,override]
        if any(i[-1]["content"] in FAILING for i in inputs):
            raise RuntimeError("flaky")
        ASKED.extend(f"{self.prefix}:{i[-1]['content']}" for i in inputs)
        return super().generate(inputs, num_generations, temperature)


FAILING: set[str] = set()
ASKED: list[str] = []


def test_a_rerun_retries_failed_routed_rows_along_their_first_route() -> None:
    def build() -> Pipeline:
        with Pipeline(name="routing-retry") as pipeline:
            load = LoadDataFromDicts(
                name="load", data=[{"instruction": f"q{i}"} for i in range(40)], batch_size=10
            )
            gens = [
                TextGeneration(name=f"gen_{p}", llm=FlakyLLM(prefix=p), input_batch_size=5)
                for p in "abc"
            ]
            combine = GroupColumns(name="combine", columns=["generation"])
            load >> sample_n_steps(2) >> gens >> combine
        return pipeline

    FAILING.update({"q12", "q13"})
    first = build().run(show_progress=False)["combine"].to_list()
    assert sum(None in r["grouped_generation"] for r in first) >= 2
    FAILING.clear()
    ASKED.clear()
    second = build().run(show_progress=False)["combine"].to_list()
    assert len(second) == 40 and all(None not in r["grouped_generation"] for r in second)
    for before, after in zip(first, second, strict=True):
        if None not in before["grouped_generation"]:
            assert after == before  # kept as it was, along its first route
    assert {a.split(":")[1] for a in ASKED} == {"q12", "q13"}  # only the failed rows
