"""The Cohere protocol server, driven by the official ``cohere`` SDK: what the tests of
CohereLLM run against must be what the SDK sends and understands."""

from __future__ import annotations

import cohere
import pytest
from protocol_servers import CohereServer

pytestmark = pytest.mark.slow


def test_sdk_chat_reads_text_and_token_counts(cohere_server: CohereServer) -> None:
    client = cohere.ClientV2(api_key="k", base_url=cohere_server.url)
    response = client.chat(
        model="smollm2", max_tokens=5, temperature=0.0,
        messages=[{"role": "system", "content": "Be brief."},
                  {"role": "user", "content": "Say hello."}],
    )
    assert response.message is not None and response.message.content
    assert response.message.content[0].type == "text"
    assert response.message.content[0].text
    assert response.finish_reason in ("COMPLETE", "MAX_TOKENS")
    assert response.usage is not None and response.usage.tokens is not None
    assert response.usage.tokens.input_tokens and response.usage.tokens.output_tokens
    assert cohere_server.requests["/v2/chat"] >= 1


def test_sdk_sees_a_missing_key_as_unauthorized(cohere_server: CohereServer) -> None:
    client = cohere.ClientV2(api_key=lambda: "", base_url=cohere_server.url)
    with pytest.raises(cohere.core.ApiError) as raised:
        client.chat(model="smollm2", messages=[{"role": "user", "content": "hi"}])
    assert raised.value.status_code == 401
