"""OpenAILLM features against a real OpenAI-compatible server (llama.cpp with SmolLM2)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from distilabel.llms import LLM
from distilabel.typing import ChatType
from distilabel_openai import AzureOpenAILLM, OpenAILLM
from distilabel_openai.testing import FakeOpenAIServer

pytestmark = pytest.mark.slow


class City(BaseModel):
    name: str
    country: str


def _chat(text: str) -> ChatType:
    return [{"role": "user", "content": text}]


@pytest.fixture(scope="module")
def llm(llama_server: str) -> Iterator[OpenAILLM]:
    instance = OpenAILLM(model="smollm2", base_url=llama_server, api_key="EMPTY")
    instance.load()
    yield instance
    instance.unload()


def test_structured_output_from_a_pydantic_model(llm: OpenAILLM) -> None:
    [output] = llm.generate_outputs(
        [_chat("Give a city as JSON.")], num_generations=2, max_new_tokens=40,
        temperature=0.0, response_format=City,
    )
    assert len(output["generations"]) == 2
    for text in output["generations"]:
        assert text is not None
        City.model_validate_json(text)


def test_structured_output_from_a_schema_in_the_input(llm: OpenAILLM) -> None:
    schema = {"type": "object", "properties": {"answer": {"type": "integer"}},
              "required": ["answer"]}
    [output] = llm.generate_outputs([(_chat("What is 2 + 2?"), schema)], max_new_tokens=16,
                                    temperature=0.0)
    [text] = output["generations"]
    assert text is not None
    assert isinstance(json.loads(text)["answer"], int)


def test_logprobs_one_list_of_candidates_per_token(llm: OpenAILLM) -> None:
    [output] = llm.generate_outputs([_chat("Say hello.")], max_new_tokens=5, temperature=0.0,
                                    logprobs=True, top_logprobs=3)
    [token_lists] = output["logprobs"]
    assert len(token_lists) == output["statistics"]["output_tokens"][0] == 5
    for candidates in token_lists:
        assert len(candidates) == 3
        assert all(c["logprob"] <= 0.0 for c in candidates)


def test_stop_sequence_ends_generation(llm: OpenAILLM) -> None:
    free = llm.generate_outputs([_chat("Count: 1, 2, 3, 4")], max_new_tokens=12,
                                temperature=0.0)[0]["generations"][0]
    assert free is not None and len(free) > 3
    stopped = llm.generate_outputs([_chat("Count: 1, 2, 3, 4")], max_new_tokens=12,
                                   temperature=0.0, stop=[free[3]])[0]["generations"][0]
    assert stopped == free[:3]


def test_generation_kwargs_accept_a_model_class_and_dump_its_schema(llama_server: str) -> None:
    built = OpenAILLM(model="smollm2", base_url=llama_server, api_key="EMPTY",
                      generation_kwargs={"response_format": City, "max_new_tokens": 40,
                                         "temperature": 0.0})
    dumped = json.loads(json.dumps(built.dump()))
    fmt = dumped["generation_kwargs"]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["name"] == "City"
    rebuilt = LLM.from_dict(dumped)
    rebuilt.set_runtime_parameters({"api_key": "EMPTY"})  # keys are never dumped
    rebuilt.load()
    try:
        [output] = rebuilt.generate_outputs([_chat("Give a city as JSON.")])
    finally:
        rebuilt.unload()
    City.model_validate_json(output["generations"][0] or "")


def test_azure_requests_use_the_deployment_path_version_and_key_header(
    llama_server: str,
) -> None:
    front = FakeOpenAIServer(upstream=llama_server).start_in_thread()
    try:
        llm = AzureOpenAILLM(model="smollm2", deployment="my-deployment", api_key="EMPTY",
                             azure_endpoint=f"http://127.0.0.1:{front.port}",
                             api_version="2024-10-21")
        llm.load()
        try:
            [output] = llm.generate_outputs([_chat("Hi")], max_new_tokens=4)
        finally:
            llm.unload()
        assert output["statistics"]["output_tokens"] == [4]
        assert list(front.stats.paths) == [
            "/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21"
        ]
    finally:
        front.stop_thread()


def test_environment_supplies_key_and_base_url(
    llama_server: str, monkeypatch: pytest.MonkeyPatch, no_provider_env: Any
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "EMPTY")
    monkeypatch.setenv("OPENAI_BASE_URL", llama_server)
    llm = OpenAILLM(model="smollm2")
    assert llm.base_url == llama_server
    llm.load()
    try:
        assert len(llm.generate_outputs([_chat("Hi")], max_new_tokens=2)) == 1
    finally:
        llm.unload()


def test_magpie_on_llama_server_makes_the_model_write_the_user_turn(
    upstream_server: Any,
) -> None:
    """Magpie (arXiv:2406.08464) through /v1/completions: the template llama-server
    publishes stops at an open user turn, so the model writes a user's request."""
    llm = OpenAILLM(
        model="smollm2", base_url=f"{upstream_server.url}/v1", api_key="EMPTY",
        use_magpie_template=True,
    )
    llm.load()
    try:
        system = [{"role": "system", "content": "You are a chef who answers cooking questions."}]
        outs = llm.generate([system, []], temperature=0.0, max_new_tokens=60)
    finally:
        llm.unload()
    for out in outs:
        text = out["generations"][0]
        assert text.strip() and "<|im_" not in text and "?" in text, text  # a request
        assert out["statistics"]["output_tokens"][0] < 60  # the turn ended by itself
