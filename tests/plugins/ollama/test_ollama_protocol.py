"""The Ollama protocol server, driven by the official ``ollama`` client: what the tests of
OllamaLLM run against must be what the client sends and understands."""

from __future__ import annotations

import json

import ollama
import pytest
from protocol_servers import OllamaServer

pytestmark = pytest.mark.slow


def test_client_chat_reads_text_and_eval_counts(ollama_server: OllamaServer) -> None:
    client = ollama.Client(host=ollama_server.url)
    response = client.chat(model="smollm2", messages=[{"role": "user", "content": "Say hi."}],
                           options={"num_predict": 5, "temperature": 0.0})
    assert response.message.content
    assert response.done and response.done_reason in ("stop", "length")
    assert response.prompt_eval_count and response.eval_count


def test_client_raw_generate_continues_the_prompt(ollama_server: OllamaServer) -> None:
    client = ollama.Client(host=ollama_server.url)
    response = client.generate(model="smollm2", prompt="One, two, three,", raw=True,
                               options={"num_predict": 4, "temperature": 0.0})
    assert response.response and response.eval_count


def test_client_format_schema_gives_json(ollama_server: OllamaServer) -> None:
    client = ollama.Client(host=ollama_server.url)
    schema = {"type": "object", "properties": {"colour": {"type": "string"}},
              "required": ["colour"]}
    response = client.chat(model="smollm2", format=schema,
                           messages=[{"role": "user", "content": "Name a colour as JSON."}],
                           options={"num_predict": 30, "temperature": 0.0})
    assert isinstance(json.loads(response.message.content or "")["colour"], str)


def test_client_lists_models(ollama_server: OllamaServer) -> None:
    assert [m.model for m in ollama.Client(host=ollama_server.url).list().models] == ["smollm2"]
