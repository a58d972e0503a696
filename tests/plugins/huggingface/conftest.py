"""The Hugging Face client talks only to loopback servers here: lift its offline mode."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("huggingface_hub")


@pytest.fixture(autouse=True, scope="module")
def _hub_online() -> Iterator[None]:
    """Every test of this directory may reach the loopback servers.

    Module scope, so that the conformance kit's class-scoped ``llm`` fixture, which loads
    the LLM before any function-scoped fixture runs, already sees offline mode lifted
    (``InferenceEndpointsLLM.load()`` refuses to start in offline mode)."""
    from huggingface_hub import constants

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(constants, "HF_HUB_OFFLINE", False)
        yield
