"""Custom LLMs written the way the original distilabel docs show, and AsyncLLM's contract."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, List

import pytest
from pydantic import validate_call

from distilabel.errors import LLMNotLoadedError
from distilabel.llms import LLM, AsyncLLM, InvalidLLMOutputError
from distilabel.llms.typing import GenerateOutput, HiddenState
from distilabel.steps.tasks.typing import ChatType

# -- the docs' custom LLM, verbatim apart from the bodies ------------------------------------


class CustomLLM(LLM):
    @property
    def model_name(self) -> str:
        return "my-model"

    @validate_call
    def generate(
        self, inputs: List[ChatType], num_generations: int = 1, **kwargs: Any
    ) -> List[GenerateOutput]:
        outputs = []
        for input in inputs:
            text = input[-1]["content"]
            outputs.append([f"{text} #{i}" for i in range(num_generations)])
        return outputs  # type: ignore[return-value]  # lists of strings, as the docs' LLMs do

    def get_last_hidden_state(self, inputs: List[ChatType]) -> List[HiddenState]:
        return [[[float(len(m["content"])) for m in i]] for i in inputs]


class CustomAsyncLLM(AsyncLLM):
    @property
    def model_name(self) -> str:
        return "my-model"

    @validate_call
    async def agenerate(
        self, input: ChatType, num_generations: int = 1, **kwargs: Any
    ) -> GenerateOutput:
        await asyncio.sleep(0)
        return [input[-1]["content"].upper()] * num_generations  # type: ignore[return-value]


class TypedLLM(LLM):
    """A custom LLM whose generate keywords are typed: validate_call coerces strings."""

    @property
    def model_name(self) -> str:
        return "typed"

    @validate_call
    def generate(
        self,
        inputs: List[ChatType],
        num_generations: int = 1,
        temperature: float = 1.0,
        max_new_tokens: int = 16,
    ) -> List[GenerateOutput]:
        return [  # type: ignore[return-value]
            [f"{type(temperature).__name__}={temperature} {type(max_new_tokens).__name__}="
             f"{max_new_tokens}"] * num_generations
            for _ in inputs
        ]


def chat(text: str) -> ChatType:
    return [{"role": "user", "content": text}]


# -- LLM -----------------------------------------------------------------------------------


def test_docs_custom_llm_generates_after_load() -> None:
    llm = CustomLLM()
    llm.load()
    assert llm.is_loaded
    assert llm.model_name == "my-model"
    assert llm.generate(inputs=[chat("hello"), chat("bye")], num_generations=2) == [
        ["hello #0", "hello #1"],
        ["bye #0", "bye #1"],
    ]


def test_generate_before_load_is_a_clear_error() -> None:
    llm = CustomLLM()
    with pytest.raises(LLMNotLoadedError, match=r"CustomLLM\.generate was called before "
                       r"CustomLLM\.load\(\)\. Call `llm\.load\(\)` first"):
        llm.generate(inputs=[chat("hello")])


def test_hidden_state_before_load_is_a_clear_error() -> None:
    with pytest.raises(LLMNotLoadedError, match="get_last_hidden_state"):
        CustomLLM().get_last_hidden_state([chat("x")])


def test_validate_call_coerces_cli_strings() -> None:
    llm = TypedLLM()
    llm.load()
    out = llm.generate(
        inputs=[chat("x")], num_generations="2", temperature="0.3", max_new_tokens="5"
    )  # type: ignore[arg-type]
    assert out == [["float=0.3 int=5", "float=0.3 int=5"]]


def test_validate_call_rejects_malformed_inputs() -> None:
    llm = TypedLLM()
    llm.load()
    with pytest.raises(ValueError, match="role"):
        llm.generate(inputs=[[{"content": "no role"}]])  # type: ignore[list-item]


def test_plain_string_lists_are_normalised_to_generate_output() -> None:
    llm = CustomLLM()
    llm.load()
    assert llm.generate_outputs([chat("hi")], num_generations=2) == [
        {"generations": ["hi #0", "hi #1"], "statistics": {}}
    ]


class RichLLM(LLM):
    """Returns statistics and logprobs (tuples and scalars are normalised to lists)."""

    @property
    def model_name(self) -> str:
        return "rich"

    def generate(self, inputs: List[ChatType], num_generations: int = 1) -> List[Any]:
        return [
            {
                "generations": ["a"] * num_generations,
                "statistics": {"input_tokens": 3, "output_tokens": (1,) * num_generations},
                "logprobs": [[[{"token": "a", "logprob": -0.1}]]] * num_generations,
            }
            for _ in inputs
        ]


def test_richer_outputs_are_normalised() -> None:
    llm = RichLLM()
    llm.load()
    assert llm.generate_outputs([chat("x")], num_generations=2) == [
        {
            "generations": ["a", "a"],
            "statistics": {"input_tokens": [3], "output_tokens": [1, 1]},
            "logprobs": [[[{"token": "a", "logprob": -0.1}]]] * 2,
        }
    ]


class WrongCountLLM(LLM):
    @property
    def model_name(self) -> str:
        return "wrong"

    def generate(self, inputs: List[ChatType], num_generations: int = 1) -> List[Any]:
        return [["x"]]


def test_wrong_number_of_results_is_reported() -> None:
    llm = WrongCountLLM()
    llm.load()
    with pytest.raises(InvalidLLMOutputError, match="returned 1 results for 2 inputs"):
        llm.generate_outputs([chat("a"), chat("b")])


def test_a_failing_batch_is_retried_row_by_row() -> None:
    class Picky(LLM):
        @property
        def model_name(self) -> str:
            return "picky"

        def generate(self, inputs: List[ChatType], num_generations: int = 1) -> List[Any]:
            if any(i[-1]["content"] == "bad" for i in inputs):
                raise ValueError("bad row")
            return [[i[-1]["content"]] for i in inputs]

    llm = Picky()
    llm.load()
    results = llm.generate_outputs_isolated([chat("a"), chat("bad"), chat("c")])
    assert results[0] == {"generations": ["a"], "statistics": {}}
    assert isinstance(results[1], ValueError)
    assert results[2] == {"generations": ["c"], "statistics": {}}


def test_unload_requires_a_new_load() -> None:
    llm = CustomLLM()
    llm.load()
    llm.unload()
    assert not llm.is_loaded
    with pytest.raises(LLMNotLoadedError):
        llm.generate(inputs=[chat("x")])
    llm.load()
    assert llm.generate(inputs=[chat("x")]) == [["x #0"]]


def test_subclass_load_and_unload_are_wrapped_without_super() -> None:
    events: list[str] = []

    class Client(CustomLLM):
        def load(self) -> None:
            events.append("load")

        def unload(self) -> None:
            events.append("unload")

    llm = Client()
    llm.load()
    assert llm.is_loaded
    llm.unload()
    assert events == ["load", "unload"] and not llm.is_loaded


def test_hidden_state_unsupported_says_so() -> None:
    class NoHidden(TypedLLM):
        pass

    llm = NoHidden()
    llm.load()
    assert not NoHidden.supports_hidden_state()
    assert CustomLLM.supports_hidden_state()
    with pytest.raises(NotImplementedError, match=r"NoHidden does not expose hidden states; use"
                       r" an LLM that implements `get_last_hidden_state`"):
        llm.get_last_hidden_state([chat("x")])


def test_dump_round_trip() -> None:
    llm = TypedLLM(generation_kwargs={"temperature": "0.2"})
    dumped = llm.dump()
    assert dumped == {
        "generation_kwargs": {"temperature": 0.2},
        "type_info": {"module": __name__, "name": "TypedLLM"},
    }
    assert LLM.from_dict(dumped).generation_kwargs == {"temperature": 0.2}


# -- AsyncLLM ------------------------------------------------------------------------------


def test_docs_custom_async_llm_generates() -> None:
    llm = CustomAsyncLLM()
    llm.load()
    try:
        assert llm.generate([chat("a"), chat("b")], num_generations=2) == [
            ["A", "A"],
            ["B", "B"],
        ]
    finally:
        llm.unload()


def test_async_generate_is_final() -> None:
    with pytest.raises(TypeError, match=r"must not define `generate`.*Implement `agenerate`"):

        class Overrides(AsyncLLM):
            @property
            def model_name(self) -> str:
                return "x"

            async def agenerate(self, input: ChatType, num_generations: int = 1) -> Any:
                return ["x"]

            def generate(self, inputs: Any, num_generations: int = 1, **kw: Any) -> Any:
                return []


class InFlightLLM(AsyncLLM):
    """Counts how many ``agenerate`` calls run at once."""

    @property
    def model_name(self) -> str:
        return "in-flight"

    async def agenerate(self, input: ChatType, num_generations: int = 1) -> List[str]:
        state = COUNTS[id(self)]
        state["now"] += 1
        state["max"] = max(state["max"], state["now"])
        try:
            for _ in range(5):  # yield several times so other calls can start meanwhile
                await asyncio.sleep(0.001)
        finally:
            state["now"] -= 1
        return [input[-1]["content"]] * num_generations


COUNTS: dict[int, dict[str, int]] = {}


def _in_flight_llm(max_concurrency: int) -> InFlightLLM:
    llm = InFlightLLM(max_concurrency=max_concurrency)
    COUNTS[id(llm)] = {"now": 0, "max": 0}
    return llm


@pytest.mark.parametrize("limit", [1, 3])
def test_concurrency_is_bounded_by_max_concurrency(limit: int) -> None:
    llm = _in_flight_llm(limit)
    llm.load()
    try:
        out = llm.generate([chat(str(i)) for i in range(20)])
    finally:
        llm.unload()
    assert out == [[str(i)] for i in range(20)]  # in input order
    assert COUNTS[id(llm)]["max"] == limit


def test_max_concurrency_set_as_runtime_parameter_string() -> None:
    llm = _in_flight_llm(64)
    llm.set_runtime_parameters({"max_concurrency": "2"})
    llm.load()
    try:
        llm.generate([chat(str(i)) for i in range(10)])
    finally:
        llm.unload()
    assert COUNTS[id(llm)]["max"] == 2


def test_async_generate_works_inside_a_running_event_loop() -> None:
    llm = CustomAsyncLLM()
    llm.load()

    async def notebook_cell() -> Any:
        asyncio.get_running_loop()  # we are inside a loop, as in Jupyter
        return llm.generate([chat("in loop")])

    try:
        assert asyncio.run(notebook_cell()) == [["IN LOOP"]]
    finally:
        llm.unload()


def test_async_generate_works_from_threads() -> None:
    llm = CustomAsyncLLM()
    llm.load()
    results: dict[int, Any] = {}

    def worker(n: int) -> None:
        results[n] = llm.generate([chat(f"t{n}")])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    llm.unload()
    assert results == {n: [[f"T{n}"]] for n in range(4)}


def test_async_generate_before_load_is_a_clear_error() -> None:
    with pytest.raises(LLMNotLoadedError, match=r"CustomAsyncLLM\.generate"):
        CustomAsyncLLM().generate([chat("x")])


def test_async_unload_stops_its_loop_thread_and_reload_works() -> None:
    llm = CustomAsyncLLM()
    llm.load()
    llm.generate([chat("x")])
    loop = llm.event_loop
    assert llm._loop_thread is not None
    thread = llm._loop_thread.thread
    assert thread.is_alive() and thread.name == f"distilabel-{type(llm).__name__}"
    llm.unload()
    assert not thread.is_alive()
    assert loop.is_closed()
    with pytest.raises(LLMNotLoadedError):
        llm.generate([chat("x")])
    llm.load()
    try:
        assert llm.generate([chat("again")]) == [["AGAIN"]]
    finally:
        llm.unload()


def test_first_agenerate_error_propagates() -> None:
    class Failing(CustomAsyncLLM):
        async def agenerate(
            self, input: ChatType, num_generations: int = 1, **kwargs: Any
        ) -> GenerateOutput:
            raise ValueError(f"cannot answer {input[-1]['content']}")

    llm = Failing()
    llm.load()
    try:
        with pytest.raises(ValueError, match="cannot answer x"):
            llm.generate([chat("x")])
        isolated = llm.generate_outputs_isolated([chat("y")])
        assert isinstance(isolated[0], ValueError)
    finally:
        llm.unload()


def test_agenerate_output_merges_generation_kwargs_and_normalises() -> None:
    class Kw(AsyncLLM):
        @property
        def model_name(self) -> str:
            return "kw"

        async def agenerate(
            self, input: ChatType, num_generations: int = 1, top_p: float = 1.0
        ) -> List[str]:
            return [f"top_p={top_p}"] * num_generations

    llm = Kw(generation_kwargs={"top_p": "0.5"})
    llm.load()
    try:
        assert llm.run_coroutine(llm.agenerate_output(chat("x"))) == {
            "generations": ["top_p=0.5"], "statistics": {}
        }
        assert llm.run_coroutine(llm.agenerate_output(chat("x"), 2, top_p=0.9)) == {
            "generations": ["top_p=0.9", "top_p=0.9"], "statistics": {}
        }
    finally:
        llm.unload()
