"""Offline batch generation with ``OpenAILLM`` against the local Files + Batches server:
rows in, jobs submitted once, answers, failed and expired rows, re-attaching on rerun."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

import pytest
from batch_api_server import BatchAPIServer, BatchAPIState
from offline_batch_runs import answered, run

from distilabel.llms import OpenAILLM
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cache"
    monkeypatch.setenv("DISTILABEL_CACHE_DIR", str(path))
    return path


@pytest.fixture
def state() -> BatchAPIState:
    return BatchAPIState()


@pytest.fixture
def server(state: BatchAPIState) -> Iterator[BatchAPIServer]:
    with BatchAPIServer(state) as srv:
        yield srv


def build(server: BatchAPIServer, rows: int, wait: Optional[float] = 0.01) -> Pipeline:
    with Pipeline(name="offline-batch") as pipeline:
        load = LoadDataFromDicts(
            name="load", data=[{"instruction": f"say {i} please"} for i in range(rows)]
        )
        llm = OpenAILLM(
            model="gpt-4o-mini", base_url=server.base_url, api_key="sk-local",
            use_offline_batch_generation=True, offline_batch_generation_block_until_done=wait,
        )
        load >> TextGeneration(name="generate", llm=llm)
    return pipeline


def test_a_batch_run_answers_every_row_through_one_job(
    server: BatchAPIServer, state: BatchAPIState
) -> None:
    distiset = run(build(server, 20))
    rows = distiset["generate"].to_list()
    assert len(rows) == 20 and answered(rows) == 20
    assert state.created == 1 and state.requests == [20]
    assert [r["instruction"] for r in rows] == [f"say {i} please" for i in range(20)]
    summary = distiset.summary
    assert summary is not None and summary.steps["generate"].batch
    assert summary.steps["generate"].input_tokens == 3 * 20  # the server counts words
    assert rows[0]["distilabel_metadata"]["statistics_generate"] == {
        "input_tokens": 3, "output_tokens": 3}


def test_rows_are_split_into_jobs_by_the_request_limit(
    server: BatchAPIServer, state: BatchAPIState, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(OpenAILLM, "batch_max_requests", 8)
    rows = run(build(server, 20))["generate"].to_list()
    assert answered(rows) == 20
    assert state.requests == [8, 8, 4]


def test_failed_requests_become_row_errors_and_a_rerun_sends_only_them(
    server: BatchAPIServer, state: BatchAPIState
) -> None:
    state.fail_custom_ids = {"row-3", "row-7"}
    pipeline = build(server, 10)
    first = run(pipeline)["generate"].to_list()
    failed = [r for r in first if r["generation"] is None]
    assert [r["instruction"] for r in failed] == ["say 3 please", "say 7 please"]
    assert "HTTP 500" in failed[0]["distilabel_metadata"]["error_generate"]
    state.fail_custom_ids = set()
    second = run(pipeline)["generate"].to_list()
    assert answered(second) == 10
    assert state.requests == [10, 2]


def test_a_job_that_expires_half_done_costs_only_the_missing_half_on_rerun(
    server: BatchAPIServer, state: BatchAPIState
) -> None:
    state.expire_after = 500
    pipeline = build(server, 1000)
    first = run(pipeline)
    rows = first["generate"].to_list()
    assert answered(rows) == 500
    assert all("batch_expired" in r["distilabel_metadata"]["error_generate"]
               for r in rows if r["generation"] is None)
    assert first.summary is not None and first.summary.steps["generate"].failed == 500
    state.expire_after = None
    rows = run(pipeline)["generate"].to_list()
    assert len(rows) == 1000 and answered(rows) == 1000
    assert state.requests == [1000, 500]


def test_a_non_blocking_run_returns_and_a_rerun_reattaches_to_its_jobs(
    server: BatchAPIServer, state: BatchAPIState
) -> None:
    state.hold = True
    pipeline = build(server, 30, wait=None)
    first = run(pipeline)
    assert first.complete is False and len(first["generate"]) == 0
    assert first.summary is not None and first.summary.steps["generate"].state == "pending"
    second = run(pipeline)  # still running: polled again, nothing new submitted
    assert second.complete is False and state.created == 1
    state.hold = False
    third = run(pipeline)
    assert third.complete is True and answered(third["generate"].to_list()) == 30
    assert state.created == 1


def test_a_job_created_but_not_journaled_is_found_by_its_tag(
    server: BatchAPIServer, state: BatchAPIState, monkeypatch: pytest.MonkeyPatch
) -> None:
    submit = OpenAILLM.submit_batch

    def created_then_killed(self: OpenAILLM, content: bytes, metadata: Any) -> str:
        submit(self, content, metadata)
        raise SystemExit("killed between creating the job and journaling its id")

    pipeline = build(server, 12)
    monkeypatch.setattr(OpenAILLM, "submit_batch", created_then_killed)
    with pytest.raises(BaseException, match="killed between"):
        run(pipeline)
    assert state.created == 1
    monkeypatch.setattr(OpenAILLM, "submit_batch", submit)
    rows = run(pipeline)["generate"].to_list()
    assert answered(rows) == 12 and state.created == 1


def test_a_cancelled_job_leaves_its_rows_failed_for_a_rerun(
    server: BatchAPIServer, state: BatchAPIState
) -> None:
    import openai

    state.hold = True
    pipeline = build(server, 6, wait=None)
    assert run(pipeline).complete is False
    client = openai.OpenAI(base_url=server.base_url, api_key="sk-local")
    client.batches.cancel(next(iter(state.batches)))
    rows = run(pipeline, max_failed_fraction=1.0)["generate"].to_list()
    assert len(rows) == 6 and all(r["generation"] is None for r in rows)
    assert "batch_cancelled" in rows[0]["distilabel_metadata"]["error_generate"]
    state.hold = False
    assert run(pipeline).complete is False  # the 6 failed rows go into a new job
    rows = run(pipeline)["generate"].to_list()  # which has finished by the next look
    assert answered(rows) == 6 and state.requests == [6, 6]


def test_progress_shows_jobs_and_requests(
    server: BatchAPIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    from distilabel.pipeline._progress import LineDisplay, StepProgress

    pipeline = build(server, 5)
    run(pipeline)
    step = StepProgress("generate", detail="batch jobs 1/1 done, requests 5/5")
    assert "batch jobs 1/1 done, requests 5/5" in step.line(8)
    distiset = build(server, 7).run(show_progress=True, use_cache=False)
    assert len(distiset["generate"]) == 7
    assert "batch jobs 1/1 done, requests 7/7" in capsys.readouterr().err
    assert LineDisplay  # the plain-line display is the one pytest's captured stderr gets


def test_the_request_lines_carry_the_generation_kwargs(server: BatchAPIServer) -> None:
    llm = OpenAILLM(model="gpt-4o-mini", api_key="sk-local", base_url=server.base_url,
                    generation_kwargs={"temperature": 0.2, "max_new_tokens": 9, "seed": 4})
    llm.load()
    line = json.loads(llm.batch_request("row-0", [{"role": "user", "content": "hi"}], 3))
    assert line["url"] == "/v1/chat/completions"
    assert line["body"] == {"model": "gpt-4o-mini", "max_tokens": 9, "temperature": 0.2,
                            "seed": 4, "n": 3,
                            "messages": [{"role": "user", "content": "hi"}]}
    text = json.loads(llm.batch_request("row-1", "Once upon a time", 1))
    assert text["url"] == "/v1/completions" and text["body"]["prompt"] == "Once upon a time"


def test_offline_batch_generate_works_outside_a_pipeline(server: BatchAPIServer) -> None:
    llm = OpenAILLM(model="m", api_key="sk-local", base_url=server.base_url)
    llm.load()
    outputs = llm.offline_batch_generate(
        [[{"role": "user", "content": "abc"}], [{"role": "user", "content": "de f"}]],
        num_generations=2, poll_every=0.01,
    )
    assert [o["generations"] for o in outputs] == [["cba", "cba"], ["f ed", "f ed"]]  # type: ignore[index]


KILL_SCRIPT = '''
import json, sys
from distilabel.llms import OpenAILLM
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration

OpenAILLM.batch_max_requests = 250  # four jobs for 1,000 rows
with Pipeline(name="offline-batch-kill") as pipeline:
    load = LoadDataFromDicts(name="load", data=[{"instruction": f"say {i} please"}
                                                for i in range(1000)])
    llm = OpenAILLM(model="gpt-4o-mini", base_url=sys.argv[1], api_key="sk-local",
                    use_offline_batch_generation=True,
                    offline_batch_generation_block_until_done=0.05)
    load >> TextGeneration(name="generate", llm=llm)
rows = pipeline.run(show_progress=False)["generate"].to_list()
print(json.dumps({"rows": len(rows),
                  "answered": sum(r["generation"] == r["instruction"][::-1] for r in rows)}))
'''


@pytest.mark.slow
def test_a_batch_run_killed_while_its_jobs_run_reattaches_and_submits_nothing_again(
    server: BatchAPIServer, state: BatchAPIState, tmp_path: Path
) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "kill_batch.py"
    script.write_text(KILL_SCRIPT)
    state.hold = True
    process = subprocess.Popen([sys.executable, str(script), server.base_url],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ})
    deadline = time.monotonic() + 120
    while not (state.created == 4 and all(p >= 3 for p in state.polls.values())):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the four jobs were never polled in progress"
        time.sleep(0.05)
    assert all(b["status"] == "in_progress" for b in state.batches.values())
    process.kill()  # SIGKILL: no cleanup at all
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    state.hold = False
    result = subprocess.run([sys.executable, str(script), server.base_url],
                            capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"rows": 1000, "answered": 1000}
    assert state.created == 4 and state.requests == [250, 250, 250, 250]


def test_a_task_outside_a_pipeline_waits_for_its_batch(
    server: BatchAPIServer, state: BatchAPIState
) -> None:
    llm = OpenAILLM(model="m", api_key="sk-local", base_url=server.base_url,
                    use_offline_batch_generation=True,
                    offline_batch_generation_block_until_done=0.01)
    task = TextGeneration(name="t", llm=llm)
    task.load()
    rows = next(task.process([{"instruction": "a b"}, {"instruction": "c"}]))
    assert [r["generation"] for r in rows] == ["b a", "c"] and state.created == 1


def test_a_batch_step_is_priced_at_batch_prices(server: BatchAPIServer) -> None:
    prices = {"gpt-4o-mini": {"input": 1_000_000, "output": 2_000_000}}  # $1 / $2 a token
    summary = run(build(server, 10), pricing=prices).summary
    assert summary is not None
    assert (summary.input_tokens, summary.output_tokens) == (30, 30)
    assert summary.cost() == pytest.approx((30 + 2 * 30) / 2)
    assert "$45.00 (batch)" in str(summary)


def test_the_example_submits_returns_and_collects_on_its_second_run(
    server: BatchAPIServer, state: BatchAPIState, tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    example = Path(__file__).resolve().parents[3] / "examples" / "offline_batch_openai.py"
    env = {**os.environ, "OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "sk-local",
           "DISTILABEL_CACHE_DIR": str(tmp_path / "example-cache")}

    def example_run(*extra: str) -> str:
        done = subprocess.run([sys.executable, str(example), "--rows", "40", *extra],
                              env=env, capture_output=True, text=True, timeout=120,
                              check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    first = example_run()
    assert "estimate: haiku 40 rows, about" in first
    assert "pending: the jobs still run" in first
    second = example_run("--wait", "0.05")
    assert "rows: 40, first: '.0 rebmun eht tuoba ukiah a etirW'" in second
    assert "tokens: 280 in, 280 out; cost $0.000105 at batch prices" in second
    assert state.created == 1


def test_azure_batches_use_azure_paths_the_deployment_and_unversioned_urls(
    server: BatchAPIServer, state: BatchAPIState
) -> None:
    from distilabel.llms import AzureOpenAILLM

    endpoint = server.base_url.removesuffix("/v1")
    with Pipeline(name="azure-batch") as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"instruction": "hello there"}] * 3)
        llm = AzureOpenAILLM(model="gpt-4o-mini", deployment="gpt-4o-mini-batch",
                             azure_endpoint=endpoint, api_key="azure-key-123",
                             api_version="2024-10-21", use_offline_batch_generation=True,
                             offline_batch_generation_block_until_done=0.01)
        load >> TextGeneration(name="generate", llm=llm)
    rows = run(pipeline)["generate"].to_list()
    assert [r["generation"] for r in rows] == ["ereht olleh"] * 3
    lines = [json.loads(x) for x in state.contents["file-000000"].splitlines()]
    assert {(x["url"], x["body"]["model"]) for x in lines} == {
        ("/chat/completions", "gpt-4o-mini-batch")}
    assert next(iter(state.batches.values()))["endpoint"] == "/chat/completions"
    paths = [path for path, _ in state.azure_requests]
    assert paths[0].startswith("/openai/files?api-version=2024-10-21")
    assert any(p.startswith("/openai/batches?api-version=") for p in paths)
    assert {key for _, key in state.azure_requests} == {"azure-key-123"}
