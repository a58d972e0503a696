"""The crash bar: a run killed with SIGKILL (or stopped with Ctrl-C) mid-run resumes
without losing a row, without duplicating one, and without asking the server again for
any answer it already gave."""

from __future__ import annotations

import glob
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from http_counting_server import CountingServer

ROWS = 2000

SCRIPT = textwrap.dedent(
    '''
    import asyncio, json, os, sys
    from typing import Any
    from urllib.parse import urlparse

    from distilabel.llms import AsyncLLM
    from distilabel.pipeline import Pipeline
    from distilabel.steps import LoadDataFromDicts
    from distilabel.steps.tasks import TextGeneration


    class HttpLLM(AsyncLLM):
        url: str

        @property
        def model_name(self) -> str:
            return "http-upper"

        async def agenerate(self, input, num_generations: int = 1, **kwargs: Any):
            target = urlparse(self.url)
            reader, writer = await asyncio.open_connection(target.hostname, target.port)
            body = json.dumps({"prompt": input[-1]["content"], "client": os.getpid()}).encode()
            writer.write(
                b"POST / HTTP/1.1\\r\\nHost: test\\r\\nContent-Type: application/json\\r\\n"
                b"Connection: close\\r\\nContent-Length: %d\\r\\n\\r\\n" % len(body) + body
            )
            await writer.drain()
            data = await reader.read()
            writer.close()
            head, _, payload = data.partition(b"\\r\\n\\r\\n")
            if not head.startswith(b"HTTP/1.0 200") and not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"no answer: {head[:40]!r}")
            return [json.loads(payload)["text"]]


    with Pipeline(name="kill-resume") as pipeline:
        load = LoadDataFromDicts(
            name="load", data=[{"instruction": f"prompt {i}"} for i in range(__ROWS__)]
        )
        generate = TextGeneration(
            name="generate", llm=HttpLLM(url=sys.argv[1], max_concurrency=32)
        )
        load >> generate

    if __name__ == "__main__":
        distiset = pipeline.run(show_progress=False)
        rows = distiset["generate"].to_list()
        print(json.dumps({
            "complete": distiset.complete,
            "rows": len(rows),
            "distinct": len({r["instruction"] for r in rows}),
            "ok": sum(r["generation"] == r["instruction"].upper() for r in rows),
        }))
    '''
).replace("__ROWS__", str(ROWS))


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "kill_resume_pipeline.py"
    path.write_text(SCRIPT)
    return path


@pytest.fixture
def server() -> Iterator[CountingServer]:
    srv = CountingServer(hold_after=700).start()
    yield srv
    srv.stop()


def durable_rows(cache_dir: Path) -> int:
    """Rows of 'generate' that are committed or journaled on disk."""
    found = glob.glob(str(cache_dir / "pipelines" / "kill-resume" / "*" / "steps" / "generate"))
    if not found:
        return 0
    store = Path(found[0])
    committed = 0
    if (store / "batches.jsonl").exists():
        for line in (store / "batches.jsonl").read_bytes().splitlines():
            header = json.loads(line.partition(b"\t")[0])
            committed = header["c"]["load"]
    journaled: set[int] = set()
    if (store / "journal.jsonl").exists():
        for line in (store / "journal.jsonl").read_bytes().splitlines():
            try:
                entries = json.loads(line)
            except ValueError:
                break
            journaled.update(int(key.split(":")[1]) for key, _ in entries)
    return committed + len({i for i in journaled if i >= committed})


def wait_for(condition: object, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def run_until_held(script: Path, server: CountingServer, cache_dir: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, str(script), server.url], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={**os.environ},
    )
    wait_for(lambda: server.held > 0 or process.poll() is not None, "the server to hold")
    assert process.poll() is None, process.communicate()
    wait_for(lambda: durable_rows(cache_dir) >= 700, "700 answers to be on disk")
    return process


def finish_and_check(script: Path, server: CountingServer) -> None:
    result = subprocess.run(
        [sys.executable, str(script), server.url], capture_output=True, text=True,
        timeout=240, check=False,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary == {"complete": True, "rows": ROWS, "distinct": ROWS, "ok": ROWS}
    assert server.answered_total == ROWS
    assert len(server.answered) == ROWS and set(server.answered.values()) == {1}
    assert server.received > ROWS  # the held requests were sent, dropped, and sent again


@pytest.mark.slow
def test_sigkill_mid_run_then_rerun_asks_each_prompt_exactly_once(
    script: Path, server: CountingServer, cache_dir: Path
) -> None:
    process = run_until_held(script, server, cache_dir)
    process.kill()  # SIGKILL: no cleanup at all
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert 700 <= durable_rows(cache_dir) < ROWS
    server.release(ban=str(process.pid))
    finish_and_check(script, server)


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_keeping_finished_work(
    script: Path, server: CountingServer, cache_dir: Path
) -> None:
    process = run_until_held(script, server, cache_dir)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)  # exits without waiting for held requests
    server.release(ban=str(process.pid))
    assert process.returncode == 0, err
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["complete"] is False and 0 < summary["rows"] < ROWS  # committed batches
    assert summary["ok"] == summary["rows"] == summary["distinct"]
    finish_and_check(script, server)
