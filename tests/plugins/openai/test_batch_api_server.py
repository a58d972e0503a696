"""The local batch-API server answers the official openai SDK as the real API would."""

from __future__ import annotations

import json
from collections.abc import Iterator

import openai
import pytest
from batch_api_server import BatchAPIServer, BatchAPIState


def requests_file(n: int) -> bytes:
    return "".join(json.dumps({
        "custom_id": f"row-{i}", "method": "POST", "url": "/v1/chat/completions",
        "body": {"model": "local", "messages": [{"role": "user", "content": f"hello {i}"}]},
    }) + "\n" for i in range(n)).encode()


@pytest.fixture
def state() -> BatchAPIState:
    return BatchAPIState()


@pytest.fixture
def client(state: BatchAPIState) -> Iterator[openai.OpenAI]:
    with BatchAPIServer(state) as server:
        yield openai.OpenAI(base_url=server.base_url, api_key="sk-local", max_retries=0)


def submit(client: openai.OpenAI, n: int) -> str:
    upload = client.files.create(file=("requests.jsonl", requests_file(n)), purpose="batch")
    assert upload.purpose == "batch" and upload.bytes == len(requests_file(n))
    batch = client.batches.create(input_file_id=upload.id, endpoint="/v1/chat/completions",
                                  completion_window="24h")
    assert batch.status == "validating" and batch.request_counts is not None
    assert batch.request_counts.total == n
    return batch.id


def wait(client: openai.OpenAI, batch_id: str) -> list[str]:
    seen = []
    for _ in range(10):
        batch = client.batches.retrieve(batch_id)
        seen.append(batch.status)
        if batch.status in ("completed", "expired", "cancelled", "failed"):
            break
    return seen


def lines(client: openai.OpenAI, file_id: str | None) -> list[dict]:
    if file_id is None:
        return []
    return [json.loads(x) for x in client.files.content(file_id).text.splitlines()]


def test_a_batch_goes_through_its_states_and_answers_every_request(
    client: openai.OpenAI, state: BatchAPIState
) -> None:
    batch_id = submit(client, 4)
    assert wait(client, batch_id) == ["in_progress", "completed"]
    batch = client.batches.retrieve(batch_id)
    assert batch.request_counts is not None
    assert (batch.request_counts.completed, batch.request_counts.failed) == (4, 0)
    output = lines(client, batch.output_file_id)
    assert [x["custom_id"] for x in output] == [f"row-{i}" for i in range(4)]
    body = output[1]["response"]["body"]
    assert body["choices"][0]["message"]["content"] == "1 olleh"
    assert body["usage"]["prompt_tokens"] == 2
    assert batch.error_file_id is None and state.created == 1


def test_failed_requests_land_in_the_error_file(
    client: openai.OpenAI, state: BatchAPIState
) -> None:
    state.fail_custom_ids = {"row-2"}
    batch_id = submit(client, 3)
    wait(client, batch_id)
    batch = client.batches.retrieve(batch_id)
    assert batch.request_counts is not None and batch.request_counts.failed == 1
    errors = lines(client, batch.error_file_id)
    assert [(x["custom_id"], x["response"]["status_code"]) for x in errors] == [("row-2", 500)]


def test_an_expired_batch_answers_only_what_it_finished(
    client: openai.OpenAI, state: BatchAPIState
) -> None:
    state.expire_after = 5
    batch_id = submit(client, 10)
    assert wait(client, batch_id)[-1] == "expired"
    batch = client.batches.retrieve(batch_id)
    assert len(lines(client, batch.output_file_id)) == 5
    expired = lines(client, batch.error_file_id)
    assert [x["custom_id"] for x in expired] == [f"row-{i}" for i in range(5, 10)]
    assert {x["error"]["code"] for x in expired} == {"batch_expired"}


def test_a_cancelled_batch_ends_cancelled(client: openai.OpenAI) -> None:
    batch_id = submit(client, 2)
    assert client.batches.cancel(batch_id).status == "cancelling"
    assert wait(client, batch_id) == ["cancelled"]


def test_an_unknown_batch_is_a_404(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError):
        client.batches.retrieve("batch-missing")
