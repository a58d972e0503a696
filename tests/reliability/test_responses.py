"""Answers that are not plain text: a refusal or a tool call is that row's error with the
raw response kept, content parts are joined, a broken ``usage`` costs no answer, and an
answer too large to hold is refused instead of filling memory."""

from __future__ import annotations

import tracemalloc
from typing import Any

import pytest

from distilabel.errors import LLMRequestError
from distilabel.llms import InvalidLLMOutputError
from distilabel_openai import OpenAILLM
from distilabel_openai.testing import FakeOpenAIServer


def chat(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def one(llm: OpenAILLM, prompt: str = "hello", **kwargs: Any) -> Any:
    [result] = llm.generate_outputs_isolated([chat(prompt)], **kwargs)
    return result


@pytest.mark.parametrize("reason", ["refusal", "content_filter", "tool_calls", "stop"])
def test_null_content_is_that_rows_error_with_the_raw_response(
    make_llm: Any, reason: str
) -> None:
    """Issue case 7: ``content: null`` became ``generation=None`` with no error."""
    llm = make_llm(f"fault:null:*:{reason}")
    result = one(llm)
    assert isinstance(result, InvalidLLMOutputError), result
    message = str(result)
    assert "OpenAILLM" in message and "no text" in message
    expected = {"refusal": "I can't help with that.", "content_filter": "content_filter",
                "tool_calls": "tool_calls", "stop": "finish_reason 'stop'"}[reason]
    assert expected in message
    raw = result.raw  # type: ignore[attr-defined]
    assert raw["choices"][0]["message"]["content"] is None
    assert raw["id"] == "chatcmpl-fake"


def test_null_content_in_a_pipeline_is_a_failed_row_not_a_silent_none(
    server: FakeOpenAIServer, api_key: str, tmp_path: Any
) -> None:
    from distilabel.pipeline import Pipeline
    from distilabel.steps import LoadDataFromDicts
    from distilabel.steps.tasks import TextGeneration

    with Pipeline(name="null-content", cache_dir=tmp_path) as pipeline:
        load = LoadDataFromDicts(data=[{"instruction": "fine"},
                                       {"instruction": "fault:null:* refused"}])
        generate = TextGeneration(
            name="generate",
            llm=OpenAILLM(model="echo", base_url=server.base_url, api_key=api_key),
        )
        load >> generate
    rows = {r["instruction"]: r for r in pipeline.run(use_cache=False, show_progress=False)[
        "default"]}
    assert rows["fine"]["generation"] == "Echo 0: fine"
    failed = rows["fault:null:* refused"]
    assert failed["generation"] is None
    assert "no text" in failed["distilabel_metadata"]["error_generate"]


def test_content_as_a_list_of_parts_is_joined(make_llm: Any) -> None:
    llm = make_llm("fault:parts:*")
    result = one(llm)
    assert isinstance(result, dict) and result["generations"] == ["Echo 0: hello"]


def test_a_malformed_usage_never_throws_away_a_good_answer(make_llm: Any) -> None:
    llm = make_llm("fault:badusage:*")
    result = one(llm)
    assert isinstance(result, dict), result
    assert result["generations"] == ["Echo 0: hello"]
    assert result["statistics"] == {"input_tokens": [0], "output_tokens": [0]}


def test_an_answer_without_choices_is_an_error_with_the_raw_response(make_llm: Any) -> None:
    llm = make_llm("fault:nochoices:*")
    result = one(llm)
    assert isinstance(result, InvalidLLMOutputError) and "choices" in str(result)
    assert result.raw == {"id": "chatcmpl-fake", "object": "chat.completion"}  # type: ignore[attr-defined]


def test_an_answer_over_the_size_cap_fails_that_row_only(make_llm: Any) -> None:
    llm = make_llm(max_response_bytes=1_000_000)
    big, small = llm.generate_outputs_isolated([chat("fault:huge:*:3 big"), chat("small")])
    assert isinstance(big, LLMRequestError) and not big.retryable
    assert "max_response_bytes=1,000,000" in str(big)
    assert isinstance(small, dict) and small["generations"] == ["Echo 0: small"]


@pytest.fixture
def server_process() -> Any:
    """The fake server in a process of its own, so its buffers are not counted as ours."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "distilabel_openai.testing"],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        ready, url = proc.stdout.readline().split()
        assert ready == "READY"
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_thirty_answers_of_ten_megabytes_do_not_fill_memory(
    server_process: str, api_key: str
) -> None:
    """Issue case 13: nothing capped the response size; 30 answers of 10 MB peaked at
    3 GB. Over the default cap (8 MiB) each is refused while it is read."""
    llm = OpenAILLM(model="echo", base_url=server_process, api_key=api_key,
                    max_concurrency=30)
    llm.load()
    tracemalloc.start()
    try:
        results = llm.generate_outputs_isolated(
            [chat(f"fault:huge:*:10 row {i}") for i in range(30)])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        llm.unload()
    assert all(isinstance(r, LLMRequestError) for r in results), results[0]
    assert "max_response_bytes" in str(results[0])
    assert peak < 300_000_000, f"peak {peak / 1e6:.0f} MB"
