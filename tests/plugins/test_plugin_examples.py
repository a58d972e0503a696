"""``examples/{cohere,ollama,gemini}_llm.py`` and ``examples/vllm_client.py`` against real
model output: the protocol servers in front of llama-server for Cohere, Ollama and Gemini,
llama-server's own OpenAI API for ClientvLLM (a vLLM server speaks the same API), each
configured only by the environment variables its docs name."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from protocol_servers import CohereServer, GeminiServer, LlamaServer, OllamaServer

if TYPE_CHECKING:
    from conftest import RunExample

pytestmark = pytest.mark.slow


def _check(output: str, key: str) -> None:
    assert "generations: 2" in output
    assert "'output_tokens': [" in output
    assert sum(line.startswith("pipeline: ") for line in output.splitlines()) == 2
    assert key not in output


def test_cohere_example(run_example: RunExample, cohere_server: CohereServer,
                        test_api_key: str, tmp_path: Path) -> None:
    _check(run_example("cohere_llm.py", {
        "COHERE_BASE_URL": cohere_server.url, "COHERE_API_KEY": test_api_key,
        "COHERE_MODEL": "smollm2",
    }, tmp_path), test_api_key)


def test_ollama_example(run_example: RunExample, ollama_server: OllamaServer,
                        test_api_key: str, tmp_path: Path) -> None:
    _check(run_example("ollama_llm.py", {
        "OLLAMA_HOST": ollama_server.url, "OLLAMA_MODEL": "smollm2",
    }, tmp_path), test_api_key)


def test_gemini_example(run_example: RunExample, gemini_server: GeminiServer,
                        test_api_key: str, tmp_path: Path) -> None:
    _check(run_example("gemini_llm.py", {
        "GEMINI_BASE_URL": gemini_server.url, "GEMINI_API_KEY": test_api_key,
        "GEMINI_MODEL": "smollm2",
    }, tmp_path), test_api_key)


def test_vllm_client_example(run_example: RunExample, upstream_server: LlamaServer,
                             test_api_key: str, tmp_path: Path) -> None:
    output = run_example("vllm_client.py", {
        "VLLM_BASE_URL": f"{upstream_server.url}/v1", "VLLM_API_KEY": test_api_key,
    }, tmp_path)
    assert "model: " in output
    _check(output, test_api_key)
