"""Fixtures shared by the plugin tests: the upstream llama.cpp server and fault fronts.

``upstream_server`` starts llama.cpp's ``llama-server`` once per session on the embedded
SmolLM2 GGUF (two request slots, one thread: the machine's cores are shared); plugins
whose SDK speaks the OpenAI or the Anthropic Messages API run the conformance kit against
it, and the protocol servers of ``protocol_servers`` (Cohere, Ollama, Gemini) translate to
it. Each has a fault-injecting front (``*_fault_front``) for the fault tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Callable

import pytest
from protocol_servers import CohereServer, FaultFront, GeminiServer, LlamaServer, OllamaServer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

TEST_API_KEY = "sk-test-4b1d7e0c9a8f26355e17"
"""A recognisable fake key: tests check it appears in no message, log or dump."""


@pytest.fixture(scope="session")
def test_api_key() -> str:
    """The fake API key (see ``TEST_API_KEY``)."""
    return TEST_API_KEY


@pytest.fixture(scope="session")
def embedded_gguf_path() -> Path:
    """The embedded GGUF; the tests fail (not skip) when it is missing."""
    from distilabel.embedded import EmbeddedModelNotInstalledError, embedded_model_path

    try:
        return Path(embedded_model_path())
    except EmbeddedModelNotInstalledError as exc:  # pragma: no cover - setup problem
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def upstream_server(
    embedded_gguf_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LlamaServer]:
    """llama.cpp's ``llama-server`` on the embedded model (``.url`` is its root URL)."""
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    server = LlamaServer(embedded_gguf_path, log).start()
    yield server
    server.stop()


def _serve(app: Any) -> Iterator[Any]:
    app.start_in_thread()
    yield app
    app.stop_thread()


@pytest.fixture(scope="session")
def upstream_fault_front(upstream_server: LlamaServer) -> Iterator[FaultFront]:
    """A fault-injecting front of ``upstream_server`` (models named ``fault:...``)."""
    yield from _serve(FaultFront(upstream_server.url))


@pytest.fixture(scope="session")
def groq_front(upstream_server: LlamaServer) -> Iterator[FaultFront]:
    """Groq's SDK sends chat completions to ``{base_url}/openai/v1/...``: this front maps
    that prefix onto llama-server's ``/v1`` (and injects faults too)."""
    yield from _serve(FaultFront(upstream_server.url, strip_prefix="/openai"))


@pytest.fixture(scope="session")
def cohere_server(upstream_server: LlamaServer) -> Iterator[CohereServer]:
    """Cohere's Chat API v2, by our protocol server in front of llama-server."""
    yield from _serve(CohereServer(upstream_server.url))


@pytest.fixture(scope="session")
def ollama_server(upstream_server: LlamaServer) -> Iterator[OllamaServer]:
    """Ollama's API, by our protocol server in front of llama-server."""
    yield from _serve(OllamaServer(upstream_server.url))


@pytest.fixture(scope="session")
def gemini_server(upstream_server: LlamaServer) -> Iterator[GeminiServer]:
    """Gemini's generateContent (Gemini API and Vertex paths), by our protocol server."""
    yield from _serve(GeminiServer(upstream_server.url))


@pytest.fixture(scope="session")
def cohere_fault_front(cohere_server: CohereServer) -> Iterator[FaultFront]:
    """Faults in front of the Cohere protocol server."""
    yield from _serve(FaultFront(cohere_server.url))


@pytest.fixture(scope="session")
def ollama_fault_front(ollama_server: OllamaServer) -> Iterator[FaultFront]:
    """Faults in front of the Ollama protocol server."""
    yield from _serve(FaultFront(ollama_server.url))


@pytest.fixture(scope="session")
def gemini_fault_front(gemini_server: GeminiServer) -> Iterator[FaultFront]:
    """Faults in front of the Gemini protocol server."""
    yield from _serve(FaultFront(gemini_server.url))


RunExample = Callable[[str, Mapping[str, str], Path], str]


@pytest.fixture
def run_example(test_api_key: str) -> RunExample:
    """Run ``examples/<script>`` with ``env`` (on top of an environment without provider
    keys) and its pipeline cache in ``cache``; return its output.

    The run must succeed, and the test API key must appear neither in its output nor in
    any file of the cache.
    """

    def run(script: str, env: Mapping[str, str], cache: Path) -> str:
        base = {k: v for k, v in os.environ.items()
                if not k.endswith(("_API_KEY", "_BASE_URL", "_TOKEN", "_HOST"))}
        result = subprocess.run(
            [sys.executable, str(EXAMPLES / script)],
            env={**base, "HF_HUB_OFFLINE": "1", **env, "DISTILABEL_CACHE_DIR": str(cache)},
            capture_output=True, text=True, timeout=300, check=False,
        )
        output = result.stdout + result.stderr
        assert result.returncode == 0, output
        assert test_api_key not in output
        leaked = [p for p in cache.rglob("*")
                  if p.is_file() and test_api_key.encode() in p.read_bytes()]
        assert leaked == [], f"the API key was written to {leaked}"
        return output

    return run


@pytest.fixture
def hub_client_online(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lift huggingface_hub's offline mode (``HF_HUB_OFFLINE=1``, set by
    ``scripts/test.sh`` so nothing downloads from the Hub), which refuses every request,
    those to loopback servers too. For tests that only talk to loopback servers."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
