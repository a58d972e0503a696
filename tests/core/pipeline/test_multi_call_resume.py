"""The multi-call crash bar: a three-call-per-row task killed with SIGKILL mid-run and
rerun makes no call twice that had finished (each call is journaled as it is answered)."""

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

ROWS = 300
HOLD_AFTER = 400  # calls: some rows done, many with one or two calls done

SCRIPT = textwrap.dedent(
    '''
    import asyncio, json, os, sys
    from typing import Any
    from urllib.parse import urlparse

    from distilabel.llms import AsyncLLM
    from distilabel.pipeline import Pipeline
    from distilabel.steps import LoadDataFromDicts
    from distilabel.steps.tasks import MultiCallTask


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


    class Refine(MultiCallTask):
        @property
        def inputs(self):
            return ["instruction"]

        @property
        def outputs(self):
            return ["answer"]

        async def generate_row(self, row, llm):
            draft = await llm.text([{"role": "user", "content": row["instruction"]}])
            critique = await llm.text([{"role": "user", "content": "critique " + draft}])
            answer = await llm.text([{"role": "user", "content": "refine " + critique}])
            return {"answer": answer}


    with Pipeline(name="multi-call-resume") as pipeline:
        load = LoadDataFromDicts(
            name="load", data=[{"instruction": f"prompt {i}"} for i in range(__ROWS__)]
        )
        refine = Refine(name="refine", llm=HttpLLM(url=sys.argv[1], max_concurrency=16))
        load >> refine

    if __name__ == "__main__":
        distiset = pipeline.run(show_progress=False)
        rows = distiset["refine"].to_list()
        print(json.dumps({
            "complete": distiset.complete,
            "rows": len(rows),
            "ok": sum(
                r["answer"] == "REFINE CRITIQUE " + r["instruction"].upper() for r in rows
            ),
        }))
    '''
).replace("__ROWS__", str(ROWS))


@pytest.fixture
def server() -> Iterator[CountingServer]:
    srv = CountingServer(hold_after=HOLD_AFTER).start()
    yield srv
    srv.stop()


def durable_calls(cache_dir: Path) -> int:
    """Calls of 'refine' whose answers are on disk: 3 per committed or journaled row,
    plus each journaled call of a row not finished."""
    found = glob.glob(str(cache_dir / "pipelines" / "multi-call-resume" / "*" / "steps" / "refine"))
    if not found:
        return 0
    store = Path(found[0])
    committed = 0
    if (store / "batches.jsonl").exists():
        for line in (store / "batches.jsonl").read_bytes().splitlines():
            committed = json.loads(line.partition(b"\t")[0])["c"]["load"]
    rows: set[int] = set()
    calls: set[tuple[int, int]] = set()
    if (store / "journal.jsonl").exists():
        for line in (store / "journal.jsonl").read_bytes().splitlines():
            try:
                entries = json.loads(line)
            except ValueError:
                break
            for key, _ in entries:
                if key.startswith("@"):
                    index, _, row_key = key[1:].partition("|")
                    calls.add((int(row_key.split(":")[1]), int(index)))
                else:
                    rows.add(int(key.split(":")[1]))
    rows = {r for r in rows if r >= committed}
    partial = {c for c in calls if c[0] >= committed and c[0] not in rows}
    return 3 * (committed + len(rows)) + len(partial)


def wait_for(condition: object, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.slow
def test_sigkill_mid_run_then_rerun_repeats_no_finished_call(
    tmp_path: Path, server: CountingServer, cache_dir: Path
) -> None:
    script = tmp_path / "multi_call_resume.py"
    script.write_text(SCRIPT)
    process = subprocess.Popen(
        [sys.executable, str(script), server.url], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={**os.environ},
    )
    wait_for(lambda: server.held > 0 or process.poll() is not None, "the server to hold")
    assert process.poll() is None, process.communicate()
    wait_for(lambda: durable_calls(cache_dir) >= server.answered_total, "answers on disk")
    assert server.answered_total == HOLD_AFTER
    process.kill()
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    server.release(ban=str(process.pid))

    result = subprocess.run(
        [sys.executable, str(script), server.url], capture_output=True, text=True,
        timeout=240, check=False,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary == {"complete": True, "rows": ROWS, "ok": ROWS}
    assert server.answered_total == 3 * ROWS  # every call answered once in all
    assert set(server.answered.values()) == {1}
