"""``examples/inference_endpoints_llm.py`` in base_url mode against llama-server,
configured only by the environment variables its docs name."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from protocol_servers import LlamaServer

if TYPE_CHECKING:
    from conftest import RunExample

pytestmark = pytest.mark.slow


def test_huggingface_example(
    run_example: RunExample, upstream_server: LlamaServer, test_api_key: str, tmp_path: Path
) -> None:
    output = run_example("inference_endpoints_llm.py", {
        "HF_BASE_URL": upstream_server.url, "HF_TOKEN": test_api_key,
        # huggingface_hub's offline mode refuses every request, loopback ones included
        "HF_HUB_OFFLINE": "0", "TRANSFORMERS_OFFLINE": "0",
    }, tmp_path)
    assert "generations: 2" in output
    assert "'output_tokens': [" in output
    assert sum(line.startswith("pipeline: ") for line in output.splitlines()) == 2
