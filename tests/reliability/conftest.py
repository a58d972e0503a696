"""The fault matrix runs against misbehaving servers of our own on loopback
(``FakeOpenAIServer``, built on ``distilabel.testing.FaultServer``): each test makes the
server misbehave one way and checks the run ends with the right rows or a clear error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from distilabel_openai import OpenAILLM
from distilabel_openai.testing import FakeOpenAIServer

API_KEY = "sk-reliability-7d1e2f3a4b5c6d7e8f90"


@pytest.fixture(scope="session")
def api_key() -> str:
    """A recognisable fake key: tests check it appears in no message, log, pickle or dump."""
    return API_KEY


@pytest.fixture(scope="module")
def module_server() -> Iterator[FakeOpenAIServer]:
    server = FakeOpenAIServer(retry_after=0.02, hang_seconds=5.0).start_in_thread()
    yield server
    server.stop_thread()


@pytest.fixture
def server(module_server: FakeOpenAIServer) -> FakeOpenAIServer:
    module_server.reset_stats()
    return module_server


@pytest.fixture
def make_llm(server: FakeOpenAIServer, api_key: str) -> Iterator[Any]:
    """Build and load an OpenAILLM on the fake server; unloaded after the test."""
    made: list[OpenAILLM] = []

    def make(model: str = "echo", **kwargs: Any) -> OpenAILLM:
        kwargs.setdefault("api_key", api_key)
        llm = OpenAILLM(model=model, base_url=server.base_url, **kwargs)
        llm.load()
        made.append(llm)
        return llm

    yield make
    for llm in made:
        llm.unload()

