"""``examples/litellm_llm.py`` against llama-server (LiteLLM's ``openai/`` provider),
configured only by the environment variables its docs name."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from protocol_servers import LlamaServer

if TYPE_CHECKING:
    from conftest import RunExample

pytestmark = pytest.mark.slow


def test_litellm_example(
    run_example: RunExample, upstream_server: LlamaServer, test_api_key: str, tmp_path: Path
) -> None:
    output = run_example("litellm_llm.py", {
        "LITELLM_MODEL": "openai/smollm2", "LITELLM_API_BASE": f"{upstream_server.url}/v1",
        "LITELLM_API_KEY": test_api_key,
    }, tmp_path)
    assert "generations: 2" in output
    assert "'output_tokens': [" in output
    assert sum(line.startswith("pipeline: ") for line in output.splitlines()) == 2
