"""``examples/anthropic_llm.py`` against llama-server's Messages API, configured only by the
environment variables its docs name."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from protocol_servers import LlamaServer

if TYPE_CHECKING:
    from conftest import RunExample

pytestmark = pytest.mark.slow


def test_anthropic_example(
    run_example: RunExample, upstream_server: LlamaServer, test_api_key: str, tmp_path: Path
) -> None:
    output = run_example("anthropic_llm.py", {
        "ANTHROPIC_BASE_URL": upstream_server.url, "ANTHROPIC_API_KEY": test_api_key,
        "ANTHROPIC_MODEL": "smollm2",
    }, tmp_path)
    assert "generations: 2" in output
    assert "'output_tokens': [" in output
    assert sum(line.startswith("pipeline: ") for line in output.splitlines()) == 2
