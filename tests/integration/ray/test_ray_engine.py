"""The Ray engine runs the same DAG as the local engine, on a local 2-CPU Ray cluster."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from ray_pipelines import Numbers, Sleepy, Square, build, logged_ids

from distilabel.cli import main
from distilabel.errors import DistilabelUserError
from distilabel.pipeline import Pipeline, StepFailedError
from distilabel.pipeline.ray._run import RayPipeline, run_on_ray
from distilabel.steps import LoadDataFromDicts

ROOT = Path(__file__).resolve().parents[3]
PARAMS = {
    "square": {"offset": 3},
    "generate": {"llm": {"generation_kwargs": {"temperature": 0.25}}},
}


def test_same_rows_as_the_local_engine(
    ray_address: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local = build("same-rows", 90, tmp_path / "local.log").run(
        parameters=PARAMS, show_progress=False
    )
    on_ray = RayPipeline(
        build("same-rows", 90, tmp_path / "ray.log"),
        resources={"square": {"replicas": 2}, "generate": {"replicas": 2}},
    ).run(parameters=PARAMS, use_cache=False, show_progress=True)
    progress = capsys.readouterr().err
    assert re.search(
        r"^\S+ \S+ generate +done +90/90 rows 100\.0%", progress, re.MULTILINE
    ), progress

    assert sorted(on_ray) == sorted(local) == ["generate", "total"]
    for name in local:
        assert list(on_ray[name]) == list(local[name])
    rows = list(on_ray["generate"])
    assert [r["id"] for r in rows] == list(range(90))
    assert rows[1]["generation"] == "say 1:t=0.25" and rows[1]["square"] == 4
    failed = [r for r in rows if r["generation"] is None]
    assert [r["id"] for r in failed] == [i for i in range(90) if i % 17 == 5]
    assert "cannot answer" in failed[0]["distilabel_metadata"]["error_generate"]
    assert list(on_ray["total"]) == [{"total": sum(i * i + 3 for i in range(90)), "rows": 90}]


def test_steps_example_gives_the_same_rows_on_both_engines(
    ray_address: str, tmp_path: Path
) -> None:
    """Fan-out, fan-in, a global step and column steps (examples/pipeline_steps.py)."""
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import pipeline_steps
    finally:
        sys.path.remove(str(ROOT / "examples"))
    data = tmp_path / "data"
    data.mkdir()
    for part in range(2):
        (data / f"part{part}.jsonl").write_text(
            "".join(f'{{"text": "The {part} fox jumps over {i} dogs"}}\n' for i in range(60))
        )
    local = pipeline_steps.build(data).run(show_progress=False)
    on_ray = run_on_ray(
        pipeline_steps.build(data), use_cache=False, show_progress=False,
        resources={"split": {"replicas": 2}},
    )
    assert {n: list(r) for n, r in on_ray.items()} == {n: list(r) for n, r in local.items()}


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
def test_a_loader_runs_in_the_driver_unless_it_reserves_resources(
    ray_address: str, tmp_path: Path
) -> None:
    """A generator step that reserves nothing runs in the driver, next to the writer (no
    actor process to start); one that reserves resources gets an actor of its own."""

    def run(resources: dict[str, dict[str, float]]) -> list[dict[str, object]]:
        with Pipeline(name="hosting") as pipeline:
            load = Numbers(name="load", count=23)
            load >> Square(name="square", log=str(tmp_path / "ids.log"), input_batch_size=4)
        return list(pipeline.ray(resources=resources).run(use_cache=False)["square"])

    hosted = run({})
    own = run({"load": {"cpus": 0.5}})
    assert {r["pid"] for r in hosted} == {os.getpid()}
    assert {str(r["made_in"]).split(".")[0] for r in own} == {"ray::StepReplica"}
    assert os.getpid() not in {r["pid"] for r in own}
    for rows in (hosted, own):
        assert [(r["id"], r["square"]) for r in rows] == [(i, i * i) for i in range(23)]


def test_steps_workers_cannot_import_fail_with_what_to_install(
    ray_address: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step class importable by the driver only: a replica of it cannot start, and the
    run stops before any batch, naming the module to install on the nodes. A loader that
    runs in the driver needs nothing on the nodes."""
    (tmp_path / "driver_only_steps.py").write_text(
        "from ray_pipelines import Numbers, Square\n"
        "class LocalNumbers(Numbers):\n    pass\n"
        "class LocalSquare(Square):\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import driver_only_steps

    log = tmp_path / "ids.log"
    for loader, square, resources in (
        (driver_only_steps.LocalNumbers, Square, {"load": {"cpus": 0.5}}),
        (Numbers, driver_only_steps.LocalSquare, {}),
    ):
        with Pipeline(name="driver-only") as pipeline:
            loader(name="load") >> square(name="square", log=str(log))
        with pytest.raises(StepFailedError) as info:
            pipeline.ray(resources=resources).run(use_cache=False, show_progress=False)
        message = str(info.value)
        assert "could not start on the Ray cluster (replica 0)" in message, message
        assert "No module named 'driver_only_steps'" in message, message
        assert "(driver_only_steps) importable" in message, message
        assert "{...}}. Work finished" in message, message  # one full stop
    assert not log.exists()

    with Pipeline(name="driver-only") as pipeline:
        driver_only_steps.LocalNumbers(name="load") >> Square(name="square", log=str(log))
    rows = list(pipeline.ray().run(use_cache=False, show_progress=False)["square"])
    assert [r["square"] for r in rows] == [i * i for i in range(20)]


def test_a_slow_batch_does_not_hold_the_other_replicas_back(
    ray_address: str, tmp_path: Path
) -> None:
    """Batches are committed in order, but a replica that finished goes on with the next
    batches while an earlier one is still running elsewhere."""
    log = tmp_path / "ids.log"
    with Pipeline(name="slow-batch") as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"id": i} for i in range(40)])
        load >> Sleepy(name="square", log=str(log), input_batch_size=1)
    rows = list(pipeline.ray(resources={"square": {"replicas": 2}}).run(
        use_cache=False, show_progress=False
    )["square"])
    assert [r["id"] for r in rows] == list(range(40))  # still in input order
    done = logged_ids(log)
    # Row 0's batch takes 3 s; meanwhile the other replica gets through many batches
    # (2 replicas x 2 calls in flight would cap it at 3 if slots waited for commits).
    assert done.index(0) >= 6, done


def test_a_killed_replica_is_replaced_and_its_batch_redone(
    ray_address: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    log, marker = tmp_path / "ids.log", tmp_path / "killed"
    pipeline = build(
        "killed-replica", 80, log, trouble={"at": 37, "marker": str(marker)}, with_llm=False
    )
    with caplog.at_level(logging.WARNING, logger="distilabel.pipeline.ray"):
        distiset = RayPipeline(pipeline, resources={"square": {"replicas": 2}}).run(
            show_progress=False
        )

    assert marker.exists(), "the replica never killed itself: the test proves nothing"
    assert "replica" in caplog.text and "died" in caplog.text
    # Nothing lost, nothing twice: every row committed exactly once, in order.
    assert [r["id"] for r in _square_rows(pipeline)] == list(range(80))
    assert list(distiset["total"]) == [{"total": sum(i * i for i in range(80)), "rows": 80}]
    # The killed batch (rows 30-39, killed before it logged) was done by the new replica.
    seen = logged_ids(log)
    assert seen.count(37) == 1 and sorted(set(seen)) == list(range(80))


def test_a_failed_run_resumes_without_redoing_committed_batches(
    ray_address: str, tmp_path: Path
) -> None:
    log, marker = tmp_path / "ids.log", tmp_path / "failed"
    trouble = {"at": 55, "marker": str(marker), "kill": False}
    pipeline = build("resume", 100, log, trouble=trouble)
    with pytest.raises(StepFailedError, match="trouble at row 55"):
        RayPipeline(pipeline).run(show_progress=False)
    committed = [r["id"] for r in _square_rows(pipeline)]
    assert committed == list(range(50)), "batches before the failing one are committed"
    log.write_text("")

    distiset = RayPipeline(build("resume", 100, log, trouble=trouble)).run(
        parameters={"generate": PARAMS["generate"]}, show_progress=False
    )
    rows = list(distiset["generate"])
    assert [r["id"] for r in rows] == list(range(100))
    assert [r["square"] for r in rows] == [i * i for i in range(100)]
    assert rows[0]["generation"] == "say 0:t=0.25"
    assert sorted(logged_ids(log)) == list(range(50, 100)), "committed rows were redone"


def test_resources_beyond_the_cluster_fail_before_anything_starts(
    ray_address: str, tmp_path: Path
) -> None:
    pipeline = build("too-big", 10, tmp_path / "ids.log", with_llm=False)
    with pytest.raises(DistilabelUserError, match=r"3 CPU.*'square' 3 x 1.*cluster has 2"):
        RayPipeline(pipeline, resources={"square": {"replicas": 3, "cpus": 1}}).run(
            show_progress=False
        )
    assert logged_ids(tmp_path / "ids.log") == []


def test_importing_the_pipeline_package_does_not_import_ray() -> None:
    code = "import sys, distilabel.pipeline; print('ray' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


needs_entry_points = pytest.mark.skipif(
    not hasattr(Pipeline, "ray"),
    reason="Pipeline.ray / run(engine='ray') / --engine ray are not wired into the core yet",
)


@needs_entry_points
def test_example_runs_on_the_cluster(ray_address: str, cache_dir: Path) -> None:
    env = dict(os.environ, RAY_ADDRESS=ray_address, DISTILABEL_CACHE_DIR=str(cache_dir))
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "pipeline_ray.py")],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "200 rows" in out.stdout
    assert "WRITE ONE SENTENCE ABOUT TOPIC NUMBER 0. (temperature=0.3)" in out.stdout


@needs_entry_points
def test_run_engine_ray_and_cli(
    ray_address: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pipeline = build("entry-points", 30, tmp_path / "ids.log", with_llm=False)
    distiset = pipeline.run(engine="ray", show_progress=False)  # type: ignore[call-arg]
    assert next(iter(distiset["total"]))["rows"] == 30
    config = pipeline.save(tmp_path / "pipeline.yaml")
    capsys.readouterr()

    code = main(["pipeline", "run", "--config", str(config), "--engine", "ray",
                 "--ignore-cache", "--no-progress", "--param", "square.offset=1"])

    assert code == 0
    assert "total: 1 rows" in capsys.readouterr().out
    assert len(logged_ids(tmp_path / "ids.log")) == 60  # both runs computed every row


def _square_rows(pipeline: Pipeline) -> list[dict[str, object]]:
    from distilabel.pipeline.storage._store import StepStore

    store_dir = pipeline.run_dir / "steps" / "square"
    signature = (store_dir / "signature").read_text()
    store = StepStore(store_dir, signature)
    return [row for batch in store.iter_batches() for row in batch]


def test_a_step_with_use_cache_false_is_recomputed_with_what_follows_it(
    ray_address: str, tmp_path: Path
) -> None:
    logs = {name: tmp_path / f"{name}.log" for name in ("square", "again", "after")}

    def pipeline() -> Pipeline:
        with Pipeline(name="partly-cached") as p:
            load = LoadDataFromDicts(name="load", data=[{"id": i} for i in range(12)],
                                     batch_size=5)
            square = Square(name="square", log=str(logs["square"]), input_batch_size=4)
            again = Square(name="again", log=str(logs["again"]), use_cache=False,
                           input_mappings={"id": "square"}, output_mappings={"square": "sq2"})
            after = Square(name="after", log=str(logs["after"]),
                           input_mappings={"id": "sq2"}, output_mappings={"square": "sq3"})
            load >> square >> again >> after
        return p

    first = RayPipeline(pipeline()).run(show_progress=False)
    second = RayPipeline(pipeline()).run(show_progress=False)
    assert list(first["after"]) == list(second["after"])
    assert sorted(logged_ids(logs["square"])) == list(range(12)), "the cached step ran again"
    # `again` (use_cache=False) and the step after it saw every row in both runs.
    assert sorted(logged_ids(logs["again"])) == sorted([i**2 for i in range(12)] * 2)
    assert sorted(logged_ids(logs["after"])) == sorted([i**4 for i in range(12)] * 2)
