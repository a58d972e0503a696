"""What the crash-bar tests share: an LLM script that calls the counting server, what a
step's store holds on disk, and "run until the server holds, SIGKILL (or stop) once every
answer is on disk, rerun to the end"."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

from http_counting_server import CountingServer

HTTP_LLM_SOURCE = '''
import asyncio, json, os, sys
from typing import Any
from urllib.parse import urlparse

from distilabel.llms import AsyncLLM


class HttpLLM(AsyncLLM):
    """Sends ``<tag>|<last message>`` (just the message without a tag) to the server."""

    url: str
    tag: str = ""

    @property
    def model_name(self) -> str:
        return self.tag or "http-upper"

    async def agenerate(self, input, num_generations: int = 1, **kwargs: Any):
        target = urlparse(self.url)
        reader, writer = await asyncio.open_connection(target.hostname, target.port)
        prompt = (self.tag + "|" if self.tag else "") + input[-1]["content"]
        body = json.dumps({"prompt": prompt, "client": os.getpid()}).encode()
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
'''
"""Python source of ``HttpLLM``, an AsyncLLM calling the counting server (for scripts)."""


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def stored_progress(step_dir: Path, source: str = "load") -> tuple[int, list[str]]:
    """What a step's store holds on disk: how many rows of ``source`` its committed
    batches consumed, and the keys of its journal (per-row and per-call answers)."""
    committed = 0
    if (step_dir / "batches.jsonl").exists():
        for line in (step_dir / "batches.jsonl").read_bytes().splitlines():
            committed = json.loads(line.partition(b"\t")[0])["c"][source]
    keys: list[str] = []
    if (step_dir / "journal.jsonl").exists():
        for line in (step_dir / "journal.jsonl").read_bytes().splitlines():
            try:
                entries = json.loads(line)
            except ValueError:
                break  # a torn last line
            keys += [key for key, _ in entries]
    return committed, keys


def start_until_held(
    script: Path, server: CountingServer, durable: Callable[[], int], held_after: int
) -> subprocess.Popen[str]:
    """Start ``script`` and return it once the server holds after ``held_after`` answers
    and ``durable()`` counts them all on disk."""
    process = subprocess.Popen(
        [sys.executable, str(script), server.url], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={**os.environ},
    )
    wait_for(lambda: server.held > 0 or process.poll() is not None, "the server to hold")
    assert process.poll() is None, process.communicate()
    wait_for(lambda: durable() >= server.answered_total, "answers on disk")
    assert server.answered_total == held_after
    return process


def rerun(script: Path, server: CountingServer) -> dict[str, Any]:
    """Run ``script`` to the end; return the summary (JSON) its last line prints."""
    result = subprocess.run(
        [sys.executable, str(script), server.url], capture_output=True, text=True,
        timeout=240, check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def kill_then_rerun(
    script: Path, server: CountingServer, durable: Callable[[], int], held_after: int
) -> dict[str, Any]:
    """Run ``script`` until the server holds after ``held_after`` answers and ``durable()``
    counts them all on disk, SIGKILL it, rerun it to the end; return the summary (JSON)
    its last line prints."""
    process = start_until_held(script, server, durable, held_after)
    process.kill()  # SIGKILL: no cleanup at all
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    server.release(ban=str(process.pid))
    return rerun(script, server)


REFINE_SOURCE = '''
from distilabel.steps.tasks import MultiCallTask


class Refine(MultiCallTask):
    """Three calls per row: draft, critique, refine."""

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
'''
"""Python source of ``Refine``, a three-call-per-row ``MultiCallTask`` (for scripts)."""


def durable_calls(cache_dir: Path, pipeline: str, step: str, source: str) -> int:
    """Calls of ``step`` (three per row) whose answers are on disk: 3 per committed row
    (``source``: the predecessor, or ``offset`` for a generator task), plus each
    journaled call of a row not committed."""
    found = list(cache_dir.glob(f"pipelines/{pipeline}/*/steps/{step}"))
    if not found:
        return 0
    committed, keys = stored_progress(found[0], source)
    rows: set[int] = set()
    calls: set[tuple[int, int]] = set()
    for key in keys:
        if key.startswith("@"):
            index, _, row_key = key[1:].partition("|")
            calls.add((int(row_key.split(":")[1]), int(index)))
        else:
            rows.add(int(key.split(":")[1]))
    rows = {r for r in rows if r >= committed}
    partial = {c for c in calls if c[0] >= committed and c[0] not in rows}
    return 3 * (committed + len(rows)) + len(partial)
