"""Configuration, retry settings and structured-output conversion, without any server."""

from __future__ import annotations

from typing import Any, Optional

import pytest
from pydantic import BaseModel

from distilabel.errors import DistilabelUserError, RuntimeParameterError
from distilabel_openai import AnyscaleLLM, AzureOpenAILLM, OpenAILLM, TogetherLLM
from distilabel_openai._structured import as_json_object, to_response_format


class Person(BaseModel):
    name: str
    age: int


class Loose(BaseModel):
    name: str
    nickname: Optional[str] = None


@pytest.mark.parametrize(
    ("cls", "env_key", "env_url", "default_url"),
    [
        (OpenAILLM, "OPENAI_API_KEY", "OPENAI_BASE_URL", "https://api.openai.com/v1"),
        (TogetherLLM, "TOGETHER_API_KEY", "TOGETHER_BASE_URL", "https://api.together.xyz/v1"),
        (AnyscaleLLM, "ANYSCALE_API_KEY", "ANYSCALE_BASE_URL",
         "https://api.endpoints.anyscale.com/v1"),
    ],
)
def test_each_class_reads_its_own_environment_variables(
    cls: type[OpenAILLM], env_key: str, env_url: str, default_url: str,
    monkeypatch: pytest.MonkeyPatch, no_provider_env: Any,
) -> None:
    assert cls(model="m").base_url == default_url
    assert cls(model="m").api_key is None
    monkeypatch.setenv(env_key, "key-from-env")
    monkeypatch.setenv(env_url, "http://127.0.0.1:9/v1")
    llm = cls(model="m")
    assert llm.api_key is not None and llm.api_key.get_secret_value() == "key-from-env"
    assert llm.base_url == "http://127.0.0.1:9/v1"


def test_load_without_a_key_names_the_variable_to_set(no_provider_env: Any) -> None:
    with pytest.raises(RuntimeParameterError, match="TOGETHER_API_KEY") as info:
        TogetherLLM(model="m").load()
    assert "api_key='EMPTY'" in str(info.value)


def test_azure_without_an_endpoint_says_what_to_set(no_provider_env: Any) -> None:
    with pytest.raises(RuntimeParameterError, match="AZURE_OPENAI_ENDPOINT"):
        AzureOpenAILLM(model="gpt-4o", api_key="k").load()


def test_runtime_parameters_coerced_from_strings(no_provider_env: Any) -> None:
    llm = OpenAILLM(model="m")
    llm.set_runtime_parameters({"api_key": "sk-cli", "timeout": "2.5", "max_retries": "1",
                                "generation_kwargs": {"logprobs": "true", "stop": "END"}})
    assert llm.api_key is not None and llm.api_key.get_secret_value() == "sk-cli"
    assert (llm.timeout, llm.max_retries) == (2.5, 1)
    assert llm.generation_kwargs == {"logprobs": True, "stop": "END"}
    assert "sk-cli" not in str(llm.dump()) and "sk-cli" not in repr(llm)


def test_max_tokens_field_follows_the_server() -> None:
    assert OpenAILLM(model="m")._max_tokens_key() == "max_completion_tokens"
    local = OpenAILLM(model="m", base_url="http://127.0.0.1:8000/v1")
    assert local._max_tokens_key() == "max_tokens"


# -- retry settings --------------------------------------------------------------------------


def test_retry_settings_become_the_core_retry_policy() -> None:
    """The timing itself is the core's (tests/core/test_http.py); the plugin maps its knobs."""
    llm = OpenAILLM(model="m", max_retries=2, max_throttle_wait=40, max_retry_after=5)
    policy = llm._retry_policy()
    assert (policy.max_attempts, policy.max_total_wait, policy.max_server_wait) == (3, 40, 5)


# -- structured output -----------------------------------------------------------------------


def test_pydantic_model_becomes_a_strict_json_schema_format() -> None:
    fmt = to_response_format(Person)
    assert fmt is not None
    assert fmt["type"] == "json_schema"
    spec = fmt["json_schema"]
    assert spec["name"] == "Person" and spec["strict"] is True
    assert spec["schema"]["additionalProperties"] is False
    assert set(spec["schema"]["required"]) == {"name", "age"}


def test_model_with_optional_fields_is_sent_non_strict() -> None:
    fmt = to_response_format(Loose)
    assert fmt is not None and fmt["json_schema"]["strict"] is False
    # closed by the core (a pydantic model ignores extra keys), yet optional fields keep
    # it out of strict mode
    assert fmt["json_schema"]["schema"]["additionalProperties"] is False


def test_schema_dicts_and_ready_formats() -> None:
    schema = {"title": "my answer", "type": "object", "properties": {"a": {"type": "string"}}}
    fmt = to_response_format(schema)
    assert fmt is not None
    assert fmt["json_schema"] == {"name": "my_answer", "schema": schema, "strict": False}
    assert to_response_format({"type": "json_object"}) == {"type": "json_object"}
    assert as_json_object(fmt) == {"type": "json_object", "schema": schema}


def test_response_format_of_the_wrong_type_is_a_clear_error() -> None:
    with pytest.raises(DistilabelUserError, match="pydantic model class"):
        to_response_format("json")


def test_importing_the_plugin_imports_no_sdk() -> None:
    """Plugin discovery must stay cheap: openai and aiohttp load in ``load()`` only."""
    import subprocess
    import sys

    code = ("import sys; from distilabel.llms import OpenAILLM; OpenAILLM(model='m');"
            " print(sorted(m for m in ('openai', 'aiohttp', 'httpx2') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_proxy_from_environment_is_resolved_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from distilabel_openai._transport import env_proxy

    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    monkeypatch.setenv("NO_PROXY", "localhost,models.internal")
    assert env_proxy("https://api.openai.com/v1/chat/completions") == "http://proxy.internal:3128"
    assert env_proxy("https://models.internal/v1/chat/completions") is None
    assert env_proxy("http://localhost:8000/v1/chat/completions") is None
