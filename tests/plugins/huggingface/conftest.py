"""huggingface_hub's offline mode (``HF_HUB_OFFLINE=1``, which ``scripts/test.sh`` sets so
nothing downloads from the Hub) refuses every request, those to loopback servers too. These
tests only talk to loopback servers and load tokenizers from local directories, so they
lift it for the client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("huggingface_hub")


@pytest.fixture(autouse=True)
def hub_client_online(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Let ``AsyncInferenceClient`` reach the loopback servers."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    yield
