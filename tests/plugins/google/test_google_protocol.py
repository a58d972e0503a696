"""The Gemini protocol server, driven by the official ``google-genai`` SDK in both of its
modes: what the tests of GeminiLLM and VertexAILLM run against must be what the SDK sends
and understands."""

from __future__ import annotations

import pytest
from google import genai
from google.genai import errors, types
from google.oauth2.credentials import Credentials
from protocol_servers import GeminiServer

pytestmark = pytest.mark.slow

_CONFIG = types.GenerateContentConfig(
    system_instruction="Be brief.", max_output_tokens=5, temperature=0.0, candidate_count=2
)


def test_gemini_api_mode_reads_candidates_and_usage(gemini_server: GeminiServer) -> None:
    client = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=gemini_server.url))
    response = client.models.generate_content(model="smollm2", contents="Say hello.",
                                              config=_CONFIG)
    assert response.candidates is not None and len(response.candidates) == 2
    assert all(c.content and c.content.parts and c.content.parts[0].text
               for c in response.candidates)
    assert response.usage_metadata is not None
    assert response.usage_metadata.prompt_token_count
    assert response.usage_metadata.candidates_token_count
    assert gemini_server.calls[-1]["version"].startswith("v1")
    assert gemini_server.calls[-1]["api_key"]


def test_vertex_mode_sends_project_location_and_bearer_token(
    gemini_server: GeminiServer,
) -> None:
    client = genai.Client(
        vertexai=True, project="proj-1", location="europe-west4",
        credentials=Credentials(token="ya29.test"),
        http_options=types.HttpOptions(base_url=gemini_server.url),
    )
    response = client.models.generate_content(model="smollm2", contents="Say hello.",
                                              config=types.GenerateContentConfig(
                                                  max_output_tokens=4))
    assert response.text
    call = gemini_server.calls[-1]
    assert (call["project"], call["location"], call["bearer"]) == (
        "proj-1", "europe-west4", True)


def test_missing_credentials_are_an_sdk_client_error(gemini_server: GeminiServer) -> None:
    client = genai.Client(api_key="k", http_options=types.HttpOptions(
        base_url=gemini_server.url, headers={"x-goog-api-key": ""}))
    with pytest.raises(errors.ClientError) as raised:
        client.models.generate_content(model="smollm2", contents="hi")
    assert raised.value.code == 401
