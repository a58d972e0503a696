"""``OpenAIEmbeddings`` under the core's failure contract, against a misbehaving loopback
server (``distilabel.testing.FaultServer``): transient failures are retried, a bad key
stops at once without echoing it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web

from distilabel.errors import FatalLLMError, LLMRequestError
from distilabel.testing import FaultServer
from distilabel_openai import OpenAIEmbeddings

KEY = "sk-embeddings-secret-123"


class EmbeddingsServer(FaultServer):
    """``POST /v1/embeddings``: vectors ``[len(text), index]``; the fault spec is the
    model name (``fault:503:2`` fails the first two attempts)."""

    def routes(self) -> list[str]:
        return ["/v1/embeddings"]

    def fault_spec(self, body: Any) -> str:
        return str(body.get("model", ""))

    def request_key(self, body: Any) -> tuple[str, str]:
        return str(body.get("model", "")), json.dumps(body.get("input"))

    async def answer(self, request: web.Request, body: Any, spec: str) -> web.StreamResponse:
        texts = body["input"]
        data = [{"object": "embedding", "index": i, "embedding": [float(len(t)), float(i)]}
                for i, t in reversed(list(enumerate(texts)))]
        return web.json_response({"object": "list", "data": data, "model": body["model"]})


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddingsServer]:
    with EmbeddingsServer(retry_after=0.01) as running:
        yield running


def embeddings(server: EmbeddingsServer, model: str, **kwargs: Any) -> OpenAIEmbeddings:
    model_obj = OpenAIEmbeddings(model=model, base_url=f"{server.url}/v1", api_key=KEY,
                                 **kwargs)
    model_obj.load()
    return model_obj


def test_vectors_come_back_in_input_order(server: EmbeddingsServer) -> None:
    assert embeddings(server, "ok").encode(["a", "bbb", "cc"]) == [
        [1.0, 0.0], [3.0, 1.0], [2.0, 2.0]
    ]


@pytest.mark.parametrize("fault", ["503:2", "429:2:0", "reset:1", "badjson:1"])
def test_transient_failures_are_retried(server: EmbeddingsServer, fault: str) -> None:
    model = f"fault:{fault}"
    assert embeddings(server, model).encode(["one"]) == [[3.0, 0.0]]
    assert server.stats.attempts(model, '["one"]') == int(fault.split(":")[1]) + 1


def test_retries_are_bounded_by_max_retries(server: EmbeddingsServer) -> None:
    with pytest.raises(LLMRequestError, match="max_retries"):
        embeddings(server, "fault:500:*", max_retries=1).encode(["x"])
    assert server.stats.attempts("fault:500:*", '["x"]') == 2


def test_a_bad_key_is_fatal_at_once_and_never_echoed(server: EmbeddingsServer) -> None:
    with pytest.raises(FatalLLMError) as caught:
        embeddings(server, "fault:401:*").encode(["k"])
    assert server.stats.attempts("fault:401:*", '["k"]') == 1
    assert "401" in str(caught.value) and KEY not in str(caught.value)
    assert "OPENAI_API_KEY" in str(caught.value)
