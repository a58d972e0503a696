"""``examples/groq_llm.py`` against llama-server (behind the ``/openai`` prefix front),
configured only by the environment variables its docs name."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from protocol_servers import FaultFront

if TYPE_CHECKING:
    from conftest import RunExample

pytestmark = pytest.mark.slow


def test_groq_example(
    run_example: RunExample, groq_front: FaultFront, test_api_key: str, tmp_path: Path
) -> None:
    output = run_example("groq_llm.py", {
        "GROQ_BASE_URL": groq_front.url, "GROQ_API_KEY": test_api_key, "GROQ_MODEL": "smollm2",
    }, tmp_path)
    assert "generations: 2" in output
    assert "'output_tokens': [" in output
    assert sum(line.startswith("pipeline: ") for line in output.splitlines()) == 2
