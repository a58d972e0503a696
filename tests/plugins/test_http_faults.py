"""Fault behaviour of every HTTP plugin, through the fault-injecting front in front of the
real server each one talks to: retried failures end in the answer, the rest in a clear
error of their own (``LLMRequestError`` / ``FatalLLMError`` from ``distilabel.http``),
retries happen as configured, and the API key never leaks.

The front chooses the fault by the model name (``fault:<kind>:<times>``): see
``protocol_servers/_fault_front.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Callable

import pytest
from protocol_servers import FaultFront

from distilabel.errors import FatalLLMError, LLMRequestError
from distilabel.llms import LLM

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Backend:
    """How to build one plugin's LLM on a fault front."""

    name: str
    front: str
    build: Callable[[str, str, str, dict[str, Any]], LLM]
    generation: dict[str, Any]
    sends_key: bool = True


def _anthropic(url: str, model: str, key: str, kw: dict[str, Any]) -> LLM:
    from distilabel_anthropic import AnthropicLLM

    return AnthropicLLM(model=model, base_url=url, api_key=key, **kw)


def _groq(url: str, model: str, key: str, kw: dict[str, Any]) -> LLM:
    from distilabel_groq import GroqLLM

    return GroqLLM(model=model, base_url=url, api_key=key, **kw)


def _mistral(url: str, model: str, key: str, kw: dict[str, Any]) -> LLM:
    from distilabel_mistral import MistralLLM

    return MistralLLM(model=model, endpoint=url, api_key=key, **kw)


def _litellm(url: str, model: str, key: str, kw: dict[str, Any]) -> LLM:
    from distilabel_litellm import LiteLLM

    return LiteLLM(model=f"openai/{model}", api_base=f"{url}/v1", api_key=key, **kw)


def _huggingface(url: str, model: str, key: str, kw: dict[str, Any]) -> LLM:
    from distilabel_huggingface import InferenceEndpointsLLM

    return InferenceEndpointsLLM(base_url=url, model_id=model, api_key=key, **kw)


def _cohere(url: str, model: str, key: str, kw: dict[str, Any]) -> LLM:
    from distilabel_cohere import CohereLLM

    return CohereLLM(model=model, base_url=url, api_key=key, **kw)


def _ollama(url: str, model: str, key: str, kw: dict[str, Any]) -> LLM:
    from distilabel_ollama import OllamaLLM

    return OllamaLLM(model=model, host=url, **kw)


def _gemini(url: str, model: str, key: str, kw: dict[str, Any]) -> LLM:
    from distilabel_google import GeminiLLM

    return GeminiLLM(model=model, base_url=url, api_key=key, **kw)


def _vertex(url: str, model: str, key: str, kw: dict[str, Any]) -> LLM:
    from distilabel_google import VertexAILLM

    return VertexAILLM(model=model, base_url=url, project="p", location="us-central1",
                       access_token=key, **kw)


BACKENDS = [
    Backend("anthropic", "upstream_fault_front", _anthropic, {"max_tokens": 4}),
    Backend("groq", "groq_front", _groq, {"max_new_tokens": 4}),
    Backend("mistral", "upstream_fault_front", _mistral, {"max_new_tokens": 4}),
    Backend("litellm", "upstream_fault_front", _litellm, {"max_tokens": 4}),
    Backend("huggingface", "upstream_fault_front", _huggingface, {"max_new_tokens": 4}),
    Backend("cohere", "cohere_fault_front", _cohere, {"max_tokens": 4}),
    Backend("ollama", "ollama_fault_front", _ollama, {"options": {"num_predict": 4}},
            sends_key=False),
    Backend("gemini", "gemini_fault_front", _gemini, {"max_output_tokens": 4}),
    Backend("vertexai", "gemini_fault_front", _vertex, {"max_output_tokens": 4}),
]


@pytest.fixture(params=BACKENDS, ids=[b.name for b in BACKENDS])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param.name == "huggingface":
        request.getfixturevalue("hub_client_online")
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def front(backend: Backend, request: pytest.FixtureRequest) -> FaultFront:
    front: FaultFront = request.getfixturevalue(backend.front)
    front.reset()
    return front


@pytest.fixture
def make(backend: Backend, front: FaultFront, test_api_key: str) -> Iterator[Any]:
    """Build and load the backend's LLM asking for ``model`` on the front."""
    made: list[LLM] = []

    def build(model: str, **kwargs: Any) -> LLM:
        llm = backend.build(front.url, model, test_api_key, kwargs)
        llm.load()
        made.append(llm)
        return llm

    yield build
    for llm in made:
        llm.unload()


def _one(llm: LLM, backend: Backend, prompt: str = "Say hi.") -> Any:
    [result] = llm.generate_outputs_isolated(
        [[{"role": "user", "content": prompt}]], **backend.generation
    )
    return result


def _answered(result: Any) -> bool:
    return isinstance(result, dict) and all(isinstance(g, str) for g in result["generations"])


def test_server_errors_are_retried_until_answered(
    make: Any, backend: Backend, front: FaultFront
) -> None:
    result = _one(make("fault:500:2", max_retries=2), backend)
    assert _answered(result), result
    assert front.attempts_for("fault:500:2") == 3


def test_server_errors_past_max_retries_fail_with_a_clear_error(
    make: Any, backend: Backend, front: FaultFront
) -> None:
    llm = make("fault:500:*", max_retries=1)
    result = _one(llm, backend)
    assert isinstance(result, LLMRequestError), result
    assert (result.status, result.attempts) == (500, 2)
    assert front.attempts_for("fault:500:*") == 2
    message = str(result)
    assert type(llm).__name__ in message and "500" in message and "max_retries=1" in message


def test_rate_limits_are_waited_out_without_spending_retries(
    make: Any, backend: Backend, front: FaultFront
) -> None:
    result = _one(make("fault:429:2", max_retries=0), backend)
    assert _answered(result), result
    assert front.attempts_for("fault:429:2") == 3


def test_dropped_connections_are_retried(make: Any, backend: Backend, front: FaultFront) -> None:
    result = _one(make("fault:reset:1", max_retries=1), backend)
    assert _answered(result), result
    assert front.attempts_for("fault:reset:1") == 2


def test_a_hanging_request_times_out_and_is_retried(
    make: Any, backend: Backend, front: FaultFront
) -> None:
    result = _one(make("fault:hang:1", max_retries=1, timeout=1.0), backend)
    assert _answered(result), result
    assert front.attempts_for("fault:hang:1") == 2


def test_a_refused_key_is_fatal_at_once_and_never_shown(
    make: Any, backend: Backend, front: FaultFront, test_api_key: str
) -> None:
    if not backend.sends_key:
        pytest.skip(f"{backend.name} sends no API key")
    result = _one(make("fault:401:*", max_retries=5), backend)
    assert isinstance(result, FatalLLMError), result
    assert (result.status, result.attempts) == (401, 1)
    assert front.attempts_for("fault:401:*") == 1
    assert test_api_key not in str(result) and test_api_key not in repr(result.args)
