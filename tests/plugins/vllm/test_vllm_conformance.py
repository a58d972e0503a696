"""The conformance kit for both vLLM backends.

- ``ClientvLLM`` against llama.cpp's llama-server (it speaks the same OpenAI-compatible
  API as ``vllm serve``), including finding the served model by itself.
- ``vLLM`` in process on the embedded GGUF: only on a machine with a CUDA GPU and the
  ``vllm`` package (``pip install './plugins/vllm[engine]'``); skipped elsewhere, with the
  reason shown by ``pytest -rs``.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path
from typing import Any

import pytest
from protocol_servers import LlamaServer

from distilabel.testing import LLMConformanceTests
from distilabel_vllm import ClientvLLM, vLLM

pytestmark = pytest.mark.slow


def _gpu_skip_reason() -> str | None:
    try:  # not find_spec: tests/plugins/vllm/ itself looks like a namespace package
        importlib.metadata.distribution("vllm")
    except importlib.metadata.PackageNotFoundError:
        return ("in-process vLLM needs the vllm package and a CUDA GPU: pip install"
                " './plugins/vllm[engine]' on a GPU machine")
    try:
        import torch
    except ImportError:
        return "in-process vLLM needs torch with CUDA"
    if not torch.cuda.is_available():
        return "in-process vLLM needs a CUDA GPU; this machine has none"
    return None


class TestClientvLLMConformance(LLMConformanceTests):
    llm_class = ClientvLLM
    generation_kwargs = {"max_new_tokens": 6}
    greedy_generation_kwargs = {"temperature": 0.0}
    registered_name = "ClientvLLM"

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls, upstream_server: LlamaServer, test_api_key: str) -> dict[str, Any]:
        return {"base_url": f"{upstream_server.url}/v1", "api_key": test_api_key}


def test_client_finds_the_served_model(upstream_server: LlamaServer) -> None:
    llm = ClientvLLM(base_url=f"{upstream_server.url}/v1")
    llm.load()
    try:
        assert llm.model_name == "smollm2"  # llama-server's --alias
        assert llm.generate_outputs([[{"role": "user", "content": "hi"}]],
                                    max_new_tokens=3)[0]["generations"][0]
    finally:
        llm.unload()


@pytest.mark.gpu
@pytest.mark.skipif(_gpu_skip_reason() is not None, reason=str(_gpu_skip_reason()))
class TestvLLMConformance(LLMConformanceTests):
    llm_class = vLLM
    generation_kwargs = {"max_new_tokens": 6}
    greedy_generation_kwargs = {"temperature": 0.0}
    registered_name = "vLLM"

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls, embedded_gguf_path: Path) -> dict[str, Any]:
        return {"model": str(embedded_gguf_path), "tokenizer": str(embedded_gguf_path),
                "gpu_memory_utilization": 0.3, "max_model_len": 2048}
