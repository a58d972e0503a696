"""An error no retry can fix (a wrong API key, an unknown model) stops the step after a
few requests with an error naming the LLM, the URL, the status and the fix; finished
work is kept, ``run()`` raises and the CLI exits non-zero. A wrong key never produces
2,000 requests and a "complete" run."""

from __future__ import annotations

import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from run_faults import (
    FAIL,
    PYTHON,
    SENT,
    ScriptedAsyncLLM,
    ScriptedLLM,
    cache_dir,  # noqa: F401  (the autouse fixture)
    error_of,
    generation_pipeline,
)

from distilabel.errors import FatalLLMError, StepStoppedError
from distilabel.pipeline import StepFailedError

openai_testing = pytest.importorskip("distilabel_openai.testing")

ROWS = [f"row {i}" for i in range(2000)]


@pytest.fixture(scope="module")
def server() -> Iterator[object]:
    """The fake OpenAI server; the OpenAI plugin reports its 401 as ``FatalLLMError``
    (the request-level contract, ``docs/failures.md``)."""
    from distilabel_openai import OpenAILLM

    fake = openai_testing.FakeOpenAIServer().start_in_thread()
    llm = OpenAILLM(model="fault:401:*", base_url=fake.base_url, api_key="sk-probe")
    llm.load()
    try:
        [result] = llm.generate_outputs_isolated([[{"role": "user", "content": "probe"}]])
    finally:
        llm.unload()
    try:
        assert isinstance(result, FatalLLMError), f"a 401 gave {result!r}, not FatalLLMError"
        yield fake
    finally:
        fake.stop_thread()


def wrong_key_pipeline(server: object) -> object:
    from distilabel_openai import OpenAILLM

    llm = OpenAILLM(model="fault:401:*", base_url=server.base_url,  # type: ignore[attr-defined]
                    api_key="sk-wrong-key-0123456789")
    return generation_pipeline(ROWS, llm, name="wrong-key")


def test_a_wrong_api_key_stops_the_step_after_a_few_requests(server: object) -> None:
    server.stats.requests = 0  # type: ignore[attr-defined]
    with pytest.raises(StepFailedError) as failure:
        wrong_key_pipeline(server).run(show_progress=False)  # type: ignore[attr-defined]
    sent = server.stats.requests  # type: ignore[attr-defined]
    assert sent <= 64 + 3, f"{sent} requests for a key every request rejects"
    cause = failure.value.cause
    assert isinstance(cause, StepStoppedError)
    assert (cause.llm, cause.status) == ("OpenAILLM", 401)
    message = str(failure.value)
    assert "Step 'gen' stopped after 3 requests in a row failed" in message
    assert "OpenAILLM" in message and server.base_url in message  # type: ignore[attr-defined]
    assert "HTTP 401" in message and "Check the API key" in message
    assert "sk-wrong-key-0123456789" not in message
    summary = failure.value.summary
    assert summary is not None and not summary.complete
    assert summary.steps["gen"].state == "failed"


def test_a_sync_llm_stops_after_one_batch_call() -> None:
    FAIL.update({p: FatalLLMError("no such model", llm="ScriptedLLM", status=404)
                 for p in ROWS})
    with pytest.raises(StepFailedError, match="HTTP 404"):
        generation_pipeline(ROWS, ScriptedLLM()).run(show_progress=False)
    assert sum(SENT.values()) == 1  # the batch call failed at its first row; no retries


def test_rows_answered_before_the_stop_are_kept_and_only_the_rest_is_sent_again() -> None:
    prompts = [f"q{i}" for i in range(60)]
    FAIL.update({p: FatalLLMError("key revoked", llm="ScriptedAsyncLLM", status=401)
                 for p in prompts[25:]})
    llm = ScriptedAsyncLLM(max_concurrency=1)
    with pytest.raises(StepFailedError, match="stopped after 3 requests"):
        generation_pipeline(prompts, llm).run(show_progress=False)
    assert sum(SENT.values()) == 25 + 3
    FAIL.clear()
    SENT.clear()
    rows = generation_pipeline(prompts, ScriptedAsyncLLM(max_concurrency=1)).run(
        show_progress=False)["gen"].to_list()
    assert [error_of(r) for r in rows] == [None] * 60
    assert set(SENT) == set(prompts[25:])  # the 25 answered rows were not asked again


def test_the_cli_exits_non_zero_on_a_wrong_api_key(server: object, tmp_path: Path) -> None:
    config = tmp_path / "pipeline.yaml"
    pipeline = wrong_key_pipeline(server)
    pipeline.save(config)  # type: ignore[attr-defined]
    done = subprocess.run(
        [PYTHON, "-m", "distilabel", "pipeline", "run", "--config", str(config),
         "--no-progress"],
        capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "OPENAI_API_KEY": "sk-wrong-key-0123456789"},
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "stopped after 3 requests in a row failed" in done.stderr
    assert "Run summary of pipeline 'wrong-key'" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert textwrap.dedent("sk-wrong-key-0123456789") not in done.stdout + done.stderr
