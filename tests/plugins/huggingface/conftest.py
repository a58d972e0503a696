"""The Hugging Face client talks only to loopback servers here: lift its offline mode."""

from __future__ import annotations

import pytest

pytest.importorskip("huggingface_hub")


@pytest.fixture(autouse=True)
def _hub_online(hub_client_online: None) -> None:
    """Every test of this directory may reach the loopback servers."""
