"""A run directory on an fsspec URL (``file://``, ``memory://``) keeps the promises of a
local one: same rows, reuse, resume after a failure, a torn write or ``kill -9`` without
losing, duplicating or re-asking anything, atomic global commits, the per-row journal,
and errors that name the location and the fix."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pipeline_test_llms as llms
import pytest
from pipeline_test_llms import EchoLLM, SleepyAsyncLLM

from distilabel.errors import DistilabelUserError, PluginNotAvailableError
from distilabel.pipeline import Pipeline, StepFailedError
from distilabel.steps import LoadDataFromDicts, StepInput, StepOutput, step
from distilabel.steps.tasks import TextGeneration

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
FAIL_AT: dict[str, int] = {}
TOTAL_CALLS: list[int] = []


@step(inputs=["generation"])
def Gate(inputs: StepInput) -> StepOutput:
    """Fails on the row whose index is FAIL_AT['gate'] (when set)."""
    for row in inputs:
        if row["index"] == FAIL_AT.get("gate"):
            raise RuntimeError("gate closed")
    yield inputs


@step(inputs=["index"], outputs=["total"], step_type="global")
def Total(inputs: StepInput) -> StepOutput:
    TOTAL_CALLS.append(len(inputs))
    yield [{"total": sum(r["index"] for r in inputs)}]


def build(n: int = 60, cache_dir: object = None) -> Pipeline:
    data = [{"instruction": f"q{i}", "index": i} for i in range(n)]
    with Pipeline(name="remote", cache_dir=cache_dir) as pipeline:  # type: ignore[arg-type]
        load = LoadDataFromDicts(name="load", data=data, batch_size=10)
        first = TextGeneration(name="first", input_batch_size=10,
                               llm=SleepyAsyncLLM(prefix="first", max_concurrency=8))
        gate = Gate(name="gate", input_batch_size=10)
        second = TextGeneration(name="second", llm=EchoLLM(prefix="second"), input_batch_size=8,
                                input_mappings={"instruction": "generation"},
                                output_mappings={"generation": "second_generation"})
        load >> first >> gate >> second
        gate >> Total(name="total")
    return pipeline


def check_rows(rows: list[dict[str, object]], n: int = 60) -> None:
    assert [r["index"] for r in rows] == list(range(n))
    assert [r["second_generation"] for r in rows] == [
        f"second:first:q{i}:t=1.0:t=1.0" for i in range(n)]


@pytest.fixture(autouse=True)
def _reset() -> Iterator[None]:
    FAIL_AT.clear()
    TOTAL_CALLS.clear()
    yield
    FAIL_AT.clear()


@pytest.fixture
def url_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``DISTILABEL_CACHE_DIR`` as a ``file://`` URL; returns the folder behind it."""
    root = tmp_path / "remote"
    monkeypatch.setenv("DISTILABEL_CACHE_DIR", root.as_uri())
    return root


def local_dir(pipeline: Pipeline, *parts: str) -> Path:
    """The folder behind the pipeline's ``file://`` run directory."""
    run_dir = pipeline.run_dir
    assert isinstance(run_dir, str) and run_dir.startswith("file://"), run_dir
    return Path(run_dir[len("file://"):]).joinpath(*parts)


def batch_objects(pipeline: Pipeline, step_name: str, generation: int = 0) -> list[Path]:
    folder = local_dir(pipeline, "steps", step_name, "batches", f"{generation:06d}")
    return sorted(folder.glob("*.jsonl"))


# -- same rows, reuse ---------------------------------------------------------------------


def test_a_url_run_directory_gives_the_rows_of_a_local_one_and_is_reused(
    url_cache: Path, tmp_path: Path
) -> None:
    remote = build().run()
    assert dict(llms.CALLS) == {"first": 60, "second": 60}
    local = build(cache_dir=tmp_path / "local").run()
    assert isinstance(build(cache_dir=tmp_path / "local").run_dir, Path)
    assert {n: list(r) for n, r in remote.items()} == {n: list(r) for n, r in local.items()}
    check_rows(remote["second"].to_list())
    assert remote["total"].to_list() == [{"total": sum(range(60))}]

    llms.reset()
    again = build().run()
    assert dict(llms.CALLS) == {}  # every step reused from the URL
    check_rows(again["second"].to_list())
    pipeline = build()
    assert len(batch_objects(pipeline, "second")) == 8  # one object per batch of 8
    assert (local_dir(pipeline, "steps", "second", "done.json")).is_file()
    assert not local_dir(pipeline, "steps", "first", "journal").exists()
    assert (local_dir(pipeline, "pipeline.yaml")).read_text().startswith("distilabel:")
    assert not local_dir(pipeline, "lock").exists()  # the lease is given back


def test_a_memory_url_from_the_environment_works_in_one_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import fsspec

    url = f"memory://distilabel-test-{uuid.uuid4().hex}"
    monkeypatch.setenv("DISTILABEL_CACHE_DIR", url + "/")
    try:
        pipeline = build(n=20)
        assert str(pipeline.run_dir).startswith(url + "/pipelines/remote/")
        check_rows(pipeline.run()["second"].to_list(), n=20)
        llms.reset()
        check_rows(build(n=20).run()["second"].to_list(), n=20)
        assert dict(llms.CALLS) == {}
    finally:
        fsspec.filesystem("memory").rm(url[len("memory://"):], recursive=True)


# -- resume -------------------------------------------------------------------------------


def test_a_failed_run_resumes_without_repeating_llm_calls(url_cache: Path) -> None:
    FAIL_AT["gate"] = 35
    with pytest.raises(StepFailedError, match="gate closed"):
        build().run()
    assert 30 <= llms.CALLS["first"] <= 60
    FAIL_AT.clear()
    distiset = build().run()
    assert llms.CALLS["first"] == 60  # each row answered once over both runs
    check_rows(distiset["second"].to_list())
    assert distiset["total"].to_list() == [{"total": sum(range(60))}]


def test_a_torn_batch_object_and_those_after_it_are_redone(url_cache: Path) -> None:
    pipeline = build()
    pipeline.run()
    objects = batch_objects(pipeline, "second")
    data = objects[3].read_bytes()
    objects[3].write_bytes(data[: len(data) // 2])  # a crash in the middle of that write
    local_dir(pipeline, "steps", "second", "done.json").unlink()
    llms.reset()
    distiset = build().run()
    check_rows(distiset["second"].to_list())
    assert dict(llms.CALLS) == {"second": 60 - 3 * 8}  # batches 3.. redone, no others
    assert [p.name for p in batch_objects(pipeline, "second")] == [p.name for p in objects]
    assert objects[3].read_bytes() == data


def test_a_global_commit_that_never_finished_leaves_the_previous_output(url_cache: Path) -> None:
    pipeline = build(n=20)
    pipeline.run()
    assert TOTAL_CALLS == [20]
    total = local_dir(pipeline, "steps", "total")
    assert (total / "batches" / "000001" / "committed.json").is_file()
    # A crash in the middle of replacing the output: a new generation without its marker.
    unfinished = total / "batches" / "000002"
    unfinished.mkdir()
    (unfinished / "000000000.jsonl").write_bytes(
        (total / "batches" / "000001" / "000000000.jsonl").read_bytes().replace(b"190", b"999")
    )
    (total / "done.json").unlink()
    assert build(n=20).run()["total"].to_list() == [{"total": 190}]
    assert TOTAL_CALLS == [20]  # the committed output was kept, not recomputed
    assert not unfinished.exists()


def test_a_global_commit_without_its_marker_is_redone_once(url_cache: Path) -> None:
    pipeline = build(n=20)
    pipeline.run()
    total = local_dir(pipeline, "steps", "total")
    # A crash after writing the rows, before the marker that makes them count.
    (total / "batches" / "000001" / "committed.json").unlink()
    (total / "done.json").unlink()
    assert build(n=20).run()["total"].to_list() == [{"total": 190}]
    assert TOTAL_CALLS == [20, 20]
    (generation,) = (total / "batches").iterdir()  # the torn one was deleted, then redone
    assert (generation / "committed.json").is_file()


def test_journaled_answers_of_several_writers_are_not_requested_again(url_cache: Path) -> None:
    pipeline = build(n=20)
    pipeline.run()
    first = local_dir(pipeline, "steps", "first")
    # The run died after answering rows 10-19 but before committing their batch; two
    # writers (Ray replicas) journaled them, a third was cut off mid-write.
    batch_objects(pipeline, "first")[1].unlink()
    (first / "done.json").unlink()
    journal = first / "journal"
    journal.mkdir()
    answers = [[f"load:{i}", {"generations": [f"first:q{i}:t=1.0"], "statistics": {}}]
               for i in range(10, 20)]
    (journal / f"{'a' * 16}-000000001.jsonl").write_text(json.dumps(answers[:5]) + "\n")
    (journal / f"{'b' * 16}-000000001.jsonl").write_text(json.dumps(answers[5:]) + "\n")
    (journal / f"{'c' * 16}-000000001.jsonl").write_text(json.dumps(answers)[:40])
    llms.reset()
    distiset = build(n=20).run()
    assert llms.CALLS["first"] == 0
    check_rows(distiset["second"].to_list(), n=20)
    assert not journal.exists()  # dropped once the step finished


def test_the_journal_is_written_as_objects_and_compacted_on_load() -> None:
    from distilabel.pipeline.storage._location import make_step_store

    url = f"memory://distilabel-test-{uuid.uuid4().hex}/steps/task"
    replicas = [make_step_store(url, "sig") for _ in range(2)]
    replicas[0].append_journal([("load:0", "a0"), ("load:1", "a1")])
    replicas[1].append_journal([("load:2", "a2")])
    replicas[0].rewrite_journal([("load:1", "a1")])  # compaction: load:0 was committed
    replicas[0].append_journal([("load:3", "a3")])
    for store in replicas:
        store.close()
    reader = make_step_store(url, "sig")
    assert reader.load_journal(lambda key: True) == {
        "load:1": "a1", "load:2": "a2", "load:3": "a3"}
    names = reader.folder.names("journal")  # type: ignore[attr-defined]
    assert len(names) == 1  # compacted into one object
    assert reader.load_journal(lambda key: key != "load:2") == {"load:1": "a1", "load:3": "a3"}
    reader.folder.remove("")  # type: ignore[attr-defined]


# -- kill -9 ------------------------------------------------------------------------------

KILL_SCRIPT = textwrap.dedent(
    '''
    import asyncio, json, os, signal, sys
    from typing import Any

    from distilabel.llms import AsyncLLM
    from distilabel.pipeline import Pipeline
    from distilabel.steps import LoadDataFromDicts, StepInput, StepOutput, step
    from distilabel.steps.tasks import TextGeneration

    LOG, MARKER, URL = sys.argv[1:4]


    class LoggedLLM(AsyncLLM):
        @property
        def model_name(self) -> str:
            return "logged"

        async def agenerate(self, input, num_generations: int = 1, **kwargs: Any):
            await asyncio.sleep(0.005)
            text = input[-1]["content"]
            with open(LOG, "a") as fh:
                fh.write(text + "\\n")
            return [text.upper()]


    @step(inputs=["generation"])
    def Killer(inputs: StepInput) -> StepOutput:
        if any(r["index"] == 40 for r in inputs) and not os.path.exists(MARKER):
            open(MARKER, "w").close()
            os.kill(os.getpid(), signal.SIGKILL)
        yield inputs


    with Pipeline(name="kill-url", cache_dir=URL) as pipeline:
        load = LoadDataFromDicts(
            name="load", data=[{"instruction": f"p{i}", "index": i} for i in range(100)],
            batch_size=5,
        )
        generate = TextGeneration(
            name="generate", input_batch_size=5, llm=LoggedLLM(max_concurrency=4)
        )
        load >> generate >> Killer(name="killer", input_batch_size=5)

    rows = pipeline.run(show_progress=False)["killer"].to_list()
    print(json.dumps({
        "indices": [r["index"] for r in rows],
        "ok": all(r["generation"] == r["instruction"].upper() for r in rows),
    }))
    '''
)


def durable_answers(step_dir: Path) -> set[int]:
    """Rows of a step that are committed or journaled in its (``file://``) folder."""
    from distilabel.pipeline.storage._store import parse_batch_line

    committed = 0
    for path in sorted((step_dir / "batches" / "000000").glob("*.jsonl")):
        parsed = parse_batch_line(path.read_bytes())
        if parsed is None:
            break
        committed = parsed[0].consumed["load"]
    journaled: set[int] = set()
    for path in (step_dir / "journal").glob("*.jsonl"):
        for line in path.read_bytes().splitlines(keepends=True):
            try:
                entries = json.loads(line) if line.endswith(b"\n") else None
            except ValueError:
                entries = None
            if entries is None:
                break
            journaled.update(int(key.split(":")[1]) for key, _ in entries)
    return set(range(committed)) | journaled


def test_kill_9_mid_run_then_rerun_asks_each_prompt_exactly_once(tmp_path: Path) -> None:
    script, log, marker = tmp_path / "kill.py", tmp_path / "asked.log", tmp_path / "killed"
    script.write_text(KILL_SCRIPT)
    root = tmp_path / "remote"
    command = [sys.executable, str(script), str(log), str(marker), root.as_uri()]

    killed = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert killed.returncode == -9, killed.stderr[-2000:]
    (step_dir,) = root.glob("pipelines/kill-url/*/steps/generate")
    durable = durable_answers(step_dir)
    assert durable, "nothing was committed before the kill: the test proves nothing"
    log.write_text("")

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    summary = json.loads(rerun.stdout.strip().splitlines()[-1])
    assert summary == {"indices": list(range(100)), "ok": True}
    asked = [int(line[1:]) for line in log.read_text().split()]
    assert sorted(asked) == sorted(set(range(100)) - durable)  # no lost, no repeated answer


# -- the Distiset -------------------------------------------------------------------------


def test_the_distiset_reads_its_snapshot_through_fsspec(url_cache: Path, tmp_path: Path) -> None:
    distiset = build(n=20).run()
    rows = distiset["second"]
    assert isinstance(rows.path, str) and rows.path.startswith("file://")
    assert rows[13]["index"] == 13 and [r["index"] for r in rows[-3:]] == [17, 18, 19]
    build(n=20).run(use_cache=False)  # a later fresh run does not change this distiset
    check_rows(rows.to_list(), n=20)
    saved = distiset.save_to_disk(tmp_path / "saved", formats=["jsonl"])
    assert (saved / "second" / "train.jsonl").read_text().count("\n") == 20


# -- the lease ----------------------------------------------------------------------------


def test_a_url_run_directory_in_use_is_refused_and_a_dead_owner_is_replaced() -> None:
    import fsspec

    from distilabel.pipeline.storage._object_lock import ObjectRunLock

    url = f"memory://distilabel-test-{uuid.uuid4().hex}"
    pipeline = build(n=10, cache_dir=url)
    held = ObjectRunLock(str(pipeline.run_dir))
    held.acquire()
    try:
        expected = rf"pid {os.getpid()}.*'{re.escape(url)}/pipelines"
        with pytest.raises(DistilabelUserError, match=expected):
            pipeline.run()
    finally:
        held.release()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stale = json.loads(held._record())
    stale.update(token="someone-else", pid=int(dead.stdout))  # a run killed with kill -9
    held.folder.put("lock", json.dumps(stale).encode())
    check_rows(pipeline.run()["second"].to_list(), n=10)
    fsspec.filesystem("memory").rm(url[len("memory://"):], recursive=True)


# -- errors -------------------------------------------------------------------------------


def test_an_unknown_protocol_is_a_clear_error() -> None:
    with pytest.raises(DistilabelUserError, match=r"Unknown storage protocol 'nosuchfs'.*s3"):
        build(n=2, cache_dir="nosuchfs://bucket/prefix").run()


def test_a_missing_filesystem_package_says_what_to_install() -> None:
    from fsspec.registry import register_implementation

    register_implementation(
        "distilabeltestfs", "distilabel_test_missing_fs.FileSystem", clobber=True,
        errtxt="Install distilabel_test_missing_fs to access distilabeltestfs",
    )
    with pytest.raises(PluginNotAvailableError, match="pip install distilabel_test_missing_fs"):
        build(n=2, cache_dir="distilabeltestfs://bucket/prefix").run()


def test_an_unwritable_url_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    url = (blocker / "cache").as_uri()
    expected = re.escape(f"Cannot write the run directory '{url}")
    with pytest.raises(DistilabelUserError, match=expected):
        build(n=2, cache_dir=url).run()


def test_credentials_in_a_url_never_reach_a_message() -> None:
    with pytest.raises(DistilabelUserError) as info:
        build(n=2, cache_dir="ftp://bob:s3cret-pw@127.0.0.1:9/cache").run()
    assert "s3cret-pw" not in str(info.value) and "ftp://***@127.0.0.1:9" in str(info.value)


# -- imports and the example ----------------------------------------------------------------


def test_importing_distilabel_does_not_import_fsspec() -> None:
    code = ("import sys, distilabel, distilabel.llms, distilabel.pipeline, distilabel.distiset;"
            " print('fsspec' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


def test_the_remote_cache_example_runs(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "pipeline_remote_cache.py"),
         (tmp_path / "remote").as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "run directory on file",
        "['FOX', 'DOG', 'CAT', 'OWL', 'ELK']",
        "[{'rows': 5}]",
        "first run processed 5 rows",
        "second run processed 0 rows",
    ]
    runs = tmp_path / "remote" / "pipelines" / "remote-cache"
    assert list(runs.glob("*/steps/upper/done.json"))
