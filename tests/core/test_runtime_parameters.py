"""Runtime parameters: declaring, listing, validating, coercing and setting them."""

from __future__ import annotations

from typing import Any, List, Literal, Optional

import pytest
from pydantic import ConfigDict, Field, SecretStr

from distilabel.errors import RuntimeParameterError, UnknownRuntimeParameterError
from distilabel.llms import LLM, AsyncLLM
from distilabel.runtime_parameters import RuntimeParameter, RuntimeParametersModel
from distilabel.typing import ChatType


class ServerLLM(LLM):
    """An LLM with runtime parameters of several kinds."""

    base_url: RuntimeParameter[str] = Field(default=None, description="The server's URL.")
    timeout: RuntimeParameter[float] = Field(default=30.0, description="Seconds per request.")
    retries: RuntimeParameter[int] = Field(default=3, description="Attempts per request.")
    stop_ids: RuntimeParameter[List[int]] = Field(
        default_factory=list, description="Token ids that end a generation."
    )
    api_key: Optional[RuntimeParameter[SecretStr]] = Field(
        default=None, description="The API key."
    )
    revision: str = Field(default="main", description="Not a runtime parameter.")

    @property
    def model_name(self) -> str:
        return "server"

    def generate(
        self,
        inputs: List[ChatType],
        num_generations: int = 1,
        temperature: float = 0.7,
        max_new_tokens: int = 128,
        stop: Optional[List[str]] = None,
        mode: Literal["fast", "slow"] = "fast",
    ) -> List[Any]:
        """Generate with the server.

        Args:
            inputs: the conversations.
            num_generations: texts per conversation.
            temperature: the sampling temperature; 0 is greedy.
            max_new_tokens: the most tokens to generate,
                continued on a second line.
            stop: strings that end a generation.
            mode: how hard to think.

        Returns:
            The generations.
        """
        return [[f"{temperature}/{max_new_tokens}/{stop}/{mode}"] * num_generations for _ in inputs]


def keys_info(llm: LLM) -> dict[str, dict[str, Any]]:
    infos = {i["name"]: i for i in llm.get_runtime_parameters_info()}
    return {k["name"]: dict(k) for k in infos["generation_kwargs"].get("keys", [])}


# -- generation_kwargs from the signature -----------------------------------------------------


def test_generation_kwargs_keys_come_from_the_signature() -> None:
    assert keys_info(ServerLLM(base_url="u")) == {
        "temperature": {
            "name": "temperature", "type": "float", "default": 0.7, "required": False,
            "optional": True, "description": "the sampling temperature; 0 is greedy.",
        },
        "max_new_tokens": {
            "name": "max_new_tokens", "type": "int", "default": 128, "required": False,
            "optional": True,
            "description": "the most tokens to generate, continued on a second line.",
        },
        "stop": {
            "name": "stop", "type": "Optional[list[str]]", "default": None, "required": False,
            "optional": True, "description": "strings that end a generation.",
        },
        "mode": {
            "name": "mode", "type": "Literal['fast', 'slow']", "default": "fast",
            "required": False, "optional": True, "description": "how hard to think.",
        },
    }


def test_async_llm_keys_come_from_agenerate() -> None:
    class Api(AsyncLLM):
        @property
        def model_name(self) -> str:
            return "api"

        async def agenerate(
            self, input: ChatType, num_generations: int = 1, top_p: float = 1.0, seed: int = 0
        ) -> List[str]:
            """Call the API.

            Args:
                top_p: nucleus sampling mass.
                seed: the sampling seed.
            """
            return ["x"]

    keys = keys_info(Api())
    assert list(keys) == ["top_p", "seed"]
    assert keys["top_p"]["description"] == "nucleus sampling mass."
    assert keys["seed"]["type"] == "int"


def test_generation_kwargs_set_and_coerced_from_strings() -> None:
    llm = ServerLLM(base_url="u")
    llm.set_runtime_parameters(
        {"generation_kwargs": {"temperature": "0.3", "max_new_tokens": "5", "stop": "[a, b]"}}
    )
    assert llm.generation_kwargs == {"temperature": 0.3, "max_new_tokens": 5, "stop": ["a", "b"]}
    llm.load()
    assert llm.generate_outputs([[{"role": "user", "content": "q"}]])[0]["generations"] == [
        "0.3/5/['a', 'b']/fast"
    ]


def test_generation_kwargs_merge_with_earlier_values() -> None:
    llm = ServerLLM(base_url="u", generation_kwargs={"temperature": 0.1})
    llm.set_runtime_parameters({"generation_kwargs": {"max_new_tokens": "9"}})
    assert llm.generation_kwargs == {"temperature": 0.1, "max_new_tokens": 9}


def test_unknown_generation_kwarg_names_the_valid_ones_and_the_closest() -> None:
    llm = ServerLLM(base_url="u")
    with pytest.raises(UnknownRuntimeParameterError) as info:
        llm.set_runtime_parameters({"generation_kwargs": {"temprature": 0.3}})
    assert str(info.value) == (
        "Unknown runtime parameter 'temprature' in 'generation_kwargs' (ServerLLM); did you"
        " mean 'temperature'? Valid: max_new_tokens, mode, stop, temperature."
    )


def test_unknown_generation_kwarg_in_the_constructor_fails() -> None:
    with pytest.raises(ValueError, match="did you mean 'max_new_tokens'"):
        ServerLLM(generation_kwargs={"max_tokens": 5})


def test_generation_kwarg_of_the_wrong_type_fails() -> None:
    llm = ServerLLM(base_url="u")
    with pytest.raises(RuntimeParameterError, match=r"'generation_kwargs\.mode'.*Expected"
                       r" Literal\['fast', 'slow'\]"):
        llm.set_runtime_parameters({"generation_kwargs": {"mode": "medium"}})


def test_kwargs_catch_all_lets_extra_keys_through() -> None:
    class Open(LLM):
        @property
        def model_name(self) -> str:
            return "open"

        def generate(
            self, inputs: List[ChatType], num_generations: int = 1, top_k: int = 5,
            **kwargs: Any,
        ) -> List[Any]:
            return [[str(sorted(kwargs))] for _ in inputs]

    llm = Open()
    llm.set_runtime_parameters({"generation_kwargs": {"top_k": "7", "extra_body": {"x": 1}}})
    assert llm.generation_kwargs == {"top_k": 7, "extra_body": {"x": 1}}


# -- fields ------------------------------------------------------------------------------------


def test_strings_are_coerced() -> None:
    llm = ServerLLM()
    llm.set_runtime_parameters(
        {"base_url": "http://localhost:8080", "timeout": "0.3", "retries": "5",
         "stop_ids": "[1, 2]"}
    )
    assert (llm.base_url, llm.timeout, llm.retries, llm.stop_ids) == (
        "http://localhost:8080", 0.3, 5, [1, 2]
    )
    assert type(llm.timeout) is float and type(llm.retries) is int


def test_unknown_name_lists_valid_names_and_the_closest_match() -> None:
    with pytest.raises(UnknownRuntimeParameterError) as info:
        ServerLLM().set_runtime_parameters({"timout": 1})
    assert str(info.value) == (
        "Unknown runtime parameter 'timout' (ServerLLM); did you mean 'timeout'? Valid:"
        " api_key, base_url, generation_kwargs, retries, stop_ids, structured_output,"
        " structured_output_retries, timeout."
    )
    assert isinstance(info.value, KeyError)


def test_plain_fields_are_not_runtime_parameters() -> None:
    with pytest.raises(UnknownRuntimeParameterError, match="'revision'"):
        ServerLLM().set_runtime_parameters({"revision": "dev"})


def test_invalid_value_names_the_parameter_and_the_type() -> None:
    with pytest.raises(RuntimeParameterError) as info:
        ServerLLM().set_runtime_parameters({"retries": "many"})
    message = str(info.value)
    assert "Invalid value 'many' for runtime parameter 'retries' (ServerLLM)" in message
    assert message.endswith("Expected int.")


def test_setting_is_atomic() -> None:
    llm = ServerLLM(generation_kwargs={"temperature": 0.5})
    with pytest.raises(RuntimeParameterError) as info:
        llm.set_runtime_parameters(
            {"timeout": "1.5", "base_url": "http://x", "retries": "many",
             "generation_kwargs": {"max_new_tokens": "7", "temprature": 1}}
        )
    assert str(info.value).startswith("2 problems with runtime parameters:")
    assert (llm.timeout, llm.base_url, llm.retries) == (30.0, None, 3)
    assert llm.generation_kwargs == {"temperature": 0.5}


def test_secret_values_never_appear_in_errors_or_dumps() -> None:
    llm = ServerLLM(base_url="u")
    llm.set_runtime_parameters({"api_key": "sk-very-secret"})
    assert isinstance(llm.api_key, SecretStr)
    assert llm.api_key.get_secret_value() == "sk-very-secret"
    assert "sk-very-secret" not in str(llm.dump()) and "sk-very-secret" not in repr(llm)
    assert "api_key" not in llm.dump()


# -- required parameters ------------------------------------------------------------------------


def test_required_runtime_parameter_is_reported_missing() -> None:
    llm = ServerLLM()
    assert llm.missing_runtime_parameters() == ["base_url"]
    assert llm.runtime_parameters_names["base_url"] is False  # not optional
    assert llm.runtime_parameters_names["api_key"] is True  # Optional[...]: may stay None
    llm.set_runtime_parameters({"base_url": "http://x"})
    assert llm.missing_runtime_parameters() == []


def test_load_enforces_required_runtime_parameters() -> None:
    llm = ServerLLM()
    with pytest.raises(RuntimeParameterError, match=r"ServerLLM cannot load: required runtime"
                       r" parameter\(s\) 'base_url' have no value"):
        llm.load()
    assert not llm.is_loaded
    llm.set_runtime_parameters({"base_url": "http://x"})
    llm.load()
    assert llm.is_loaded


# -- listing -------------------------------------------------------------------------------------


def test_info_lists_type_default_required_and_description() -> None:
    infos = {i["name"]: i for i in ServerLLM().get_runtime_parameters_info()}
    assert list(infos) == [
        "generation_kwargs", "structured_output", "structured_output_retries", "base_url",
        "timeout", "retries", "stop_ids", "api_key",
    ]
    assert infos["base_url"] == {
        "name": "base_url", "type": "str", "default": None, "required": True,
        "optional": False, "description": "The server's URL.",
    }
    assert infos["timeout"] == {
        "name": "timeout", "type": "float", "default": 30.0, "required": False,
        "optional": True, "description": "Seconds per request.",
    }
    assert infos["stop_ids"]["type"] == "list[int]" and infos["stop_ids"]["default"] == []
    assert infos["api_key"]["type"] == "Optional[SecretStr]"
    assert infos["api_key"]["required"] is False
    assert infos["generation_kwargs"]["description"]


def test_async_llm_lists_its_limits() -> None:
    class Api(AsyncLLM):
        @property
        def model_name(self) -> str:
            return "api"

        async def agenerate(self, input: ChatType, num_generations: int = 1) -> List[str]:
            return ["x"]

    infos = {i["name"]: i for i in Api().get_runtime_parameters_info()}
    assert infos["max_concurrency"]["type"] == "int"
    assert infos["max_concurrency"]["default"] == 64
    assert infos["requests_per_minute"]["type"] == "Optional[float]"
    with pytest.raises(RuntimeParameterError, match="max_concurrency"):
        Api().set_runtime_parameters({"max_concurrency": "0"})


# -- nested models (a task holding an llm) --------------------------------------------------


class FakeTask(RuntimeParametersModel):
    """Stands in for a task: runtime parameters of its own plus an ``llm``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    llm: LLM = Field(description="The LLM the task calls.")
    input_batch_size: RuntimeParameter[int] = Field(default=50, description="Rows per batch.")

    def runtime_parameters_owner(self) -> str:
        return "step 'fake_task'"


def test_nested_parameters_are_set_from_nested_dicts() -> None:
    task = FakeTask(llm=ServerLLM())
    task.set_runtime_parameters(
        {"input_batch_size": "10",
         "llm": {"base_url": "http://x", "generation_kwargs": {"temperature": "0"}}},
        path="fake_task.",
    )
    assert task.input_batch_size == 10
    assert isinstance(task.llm, ServerLLM)
    assert task.llm.base_url == "http://x"
    assert task.llm.generation_kwargs == {"temperature": 0.0}


def test_nested_unknown_name_names_the_path() -> None:
    task = FakeTask(llm=ServerLLM())
    with pytest.raises(UnknownRuntimeParameterError) as info:
        task.set_runtime_parameters({"llm": {"generation_kwargs": {"temperatur": 1}}},
                                    path="fake_task.")
    assert "Unknown runtime parameter 'temperatur' in 'fake_task.llm.generation_kwargs'" in str(
        info.value
    )
    with pytest.raises(UnknownRuntimeParameterError) as info:
        task.set_runtime_parameters({"lm": {}}, path="fake_task.")
    assert str(info.value) == (
        "Unknown runtime parameter 'lm' in 'fake_task' (step 'fake_task'); did you mean"
        " 'llm'? Valid: input_batch_size, llm."
    )


def test_nested_setting_is_atomic_across_levels() -> None:
    task = FakeTask(llm=ServerLLM())
    with pytest.raises(RuntimeParameterError):
        task.set_runtime_parameters({"input_batch_size": "10", "llm": {"timeout": "soon"}})
    assert task.input_batch_size == 50


def test_nested_missing_and_info() -> None:
    task = FakeTask(llm=ServerLLM())
    assert task.missing_runtime_parameters() == ["llm.base_url"]
    assert task.runtime_parameters_names["llm"]["base_url"] is False
    assert task.runtime_parameters_names["llm"]["generation_kwargs"] == {
        "temperature": True, "max_new_tokens": True, "stop": True, "mode": True
    }
    infos = {i["name"]: i for i in task.get_runtime_parameters_info()}
    assert infos["input_batch_size"]["default"] == 50
    assert infos["llm"]["type"] == "ServerLLM"
    assert infos["llm"]["description"] == "The LLM the task calls."
    nested = {i["name"]: i for i in infos["llm"]["runtime_parameters_info"]}
    assert nested["base_url"]["required"] is True


def test_a_group_must_be_a_mapping() -> None:
    task = FakeTask(llm=ServerLLM())
    with pytest.raises(RuntimeParameterError, match="'llm' must be a mapping"):
        task.set_runtime_parameters({"llm": "gpt"})
