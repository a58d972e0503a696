"""huggingface_hub's offline mode refuses every request, a loopback ``base_url``'s too:
InferenceEndpointsLLM says so at load, naming the variable and the way out, instead of
failing every row later with a connection error."""

from __future__ import annotations

import pytest

from distilabel.errors import DistilabelUserError
from distilabel_huggingface import InferenceEndpointsLLM


def test_offline_mode_is_a_clear_error_at_load(monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    llm = InferenceEndpointsLLM(base_url="http://127.0.0.1:9", api_key="hf-offline-test")
    with pytest.raises(DistilabelUserError, match="HF_HUB_OFFLINE") as error:
        llm.load()
    message = str(error.value)
    assert "OpenAILLM(base_url=...)" in message
    assert "hf-offline-test" not in message
    assert llm._client is None, "a client was created although no request can succeed"


def test_online_mode_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    llm = InferenceEndpointsLLM(base_url="http://127.0.0.1:9", api_key="hf-offline-test")
    llm.load()
    try:
        assert llm._client is not None
    finally:
        llm.unload()
