"""The checks every LLM backend must pass, as a pytest base class plugins subclass."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar, Optional

import pytest
from pydantic import SecretStr

from distilabel.errors import (
    LLMCapabilityError,
    LLMNotLoadedError,
    UnknownRuntimeParameterError,
)
from distilabel.llms import LLM, AsyncLLM
from distilabel.llms.typing import GenerateOutput
from distilabel.typing import ChatType, FormattedInput

__all__ = ["LLMConformanceTests"]

_QUESTIONS = ("What is 2 + 2?", "Name a colour.", "Say hello.")


def _chat(text: str) -> ChatType:
    return [{"role": "user", "content": text}]


class LLMConformanceTests:
    """Subclass this in a plugin's test module to run the checks every LLM must pass.

    Set ``llm_class``, override the class-scoped ``llm_kwargs`` fixture to return the
    constructor arguments (pointing at a real local model or server), and set the
    capability flags your backend needs::

        class TestEchoLLM(LLMConformanceTests):
            llm_class = EchoLLM
            generation_kwargs = {"max_new_tokens": 8}

            @pytest.fixture(scope="class")
            @classmethod
            def llm_kwargs(cls):
                return {"model": "echo-1"}

    Every check's docstring says what to fix when it fails.
    """

    llm_class: ClassVar[type[LLM]]
    """The LLM class under test."""

    generation_kwargs: ClassVar[dict[str, Any]] = {}
    """Keyword arguments for every generation in the checks (keep outputs short)."""

    supports_num_generations: ClassVar[bool] = True
    """Whether ``num_generations > 1`` returns that many texts per input."""

    returns_statistics: ClassVar[bool] = True
    """Whether outputs carry ``statistics`` with input and output token counts."""

    supports_hidden_state: ClassVar[Optional[bool]] = None
    """Whether ``get_last_hidden_state`` works; ``None`` means "if the class overrides it"."""

    greedy_generation_kwargs: ClassVar[Optional[dict[str, Any]]] = None
    """Keyword arguments for deterministic (greedy) decoding, or ``None`` to skip that check."""

    raw_prompts_served: ClassVar[bool] = True
    """For a backend with ``supports_raw_prompts``: whether the server the checks run
    against completes raw prompts (``False`` skips that check, e.g. a chat-only fake)."""

    registered_name: ClassVar[Optional[str]] = None
    """The name the plugin registers through its entry point, or ``None`` to skip that check."""

    # -- fixtures ---------------------------------------------------------------------------

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls) -> dict[str, Any]:
        """Constructor arguments of the LLM under test.

        Override it as a class-scoped classmethod fixture (it may request other fixtures,
        e.g. a server's URL, of class scope or wider).
        """
        return {}

    @pytest.fixture(scope="class")
    @classmethod
    def llm(cls, llm_kwargs: dict[str, Any]) -> Iterator[LLM]:
        """One loaded instance shared by the read-only checks of the class."""
        instance = cls.llm_class(**llm_kwargs)
        instance.load()
        yield instance
        instance.unload()

    def _fresh(self, llm_kwargs: dict[str, Any]) -> LLM:
        return self.llm_class(**llm_kwargs)

    def _generate(self, llm: LLM, inputs: list[FormattedInput], n: int = 1) -> list[GenerateOutput]:
        return llm.generate_outputs(inputs, num_generations=n, **self.generation_kwargs)

    # -- life cycle -------------------------------------------------------------------------

    def test_is_an_llm_with_a_model_name(self, llm: LLM) -> None:
        """The class must subclass ``distilabel.llms.LLM`` (or ``AsyncLLM``) and, once loaded,
        ``model_name`` must be a non-empty string (it fills the ``model_name`` column)."""
        assert isinstance(llm, LLM), f"{self.llm_class!r} does not subclass distilabel LLM"
        assert isinstance(llm.model_name, str) and llm.model_name, (
            "model_name must return a non-empty str"
        )

    def test_generate_requires_load(self, llm_kwargs: dict[str, Any]) -> None:
        """Generating before ``load()`` must raise ``LLMNotLoadedError``. Constructing the LLM
        must not connect or load weights: do that in ``load()``."""
        fresh = self._fresh(llm_kwargs)
        with pytest.raises(LLMNotLoadedError):
            fresh.generate([_chat("hi")], **self.generation_kwargs)

    def test_unload_then_reload(self, llm_kwargs: dict[str, Any]) -> None:
        """After ``unload()`` the LLM must refuse to generate until loaded again, and a second
        ``load()`` must work. Free clients/weights in ``unload`` and recreate them in ``load``."""
        fresh = self._fresh(llm_kwargs)
        fresh.load()
        try:
            assert len(self._generate(fresh, [_chat("hi")])) == 1
        finally:
            fresh.unload()
        assert not fresh.is_loaded
        with pytest.raises(LLMNotLoadedError):
            fresh.generate([_chat("hi")], **self.generation_kwargs)
        fresh.load()
        try:
            assert len(self._generate(fresh, [_chat("hi again")])) == 1
        finally:
            fresh.unload()

    # -- outputs ----------------------------------------------------------------------------

    def test_one_result_per_input(self, llm: LLM) -> None:
        """``generate`` must return exactly one entry per input, in input order, each a list of
        strings or a ``GenerateOutput`` dict."""
        inputs: list[FormattedInput] = [_chat(q) for q in _QUESTIONS]
        raw = llm.generate(inputs, num_generations=1, **self.generation_kwargs)
        assert isinstance(raw, list) and len(raw) == len(inputs)

    def test_output_shape_with_num_generations(self, llm: LLM) -> None:
        """For several inputs x ``num_generations`` the result must hold ``num_generations``
        strings per input. Honour ``num_generations`` (or set supports_num_generations=False)."""
        n = 2 if self.supports_num_generations else 1
        outputs = self._generate(llm, [_chat(q) for q in _QUESTIONS], n=n)
        assert len(outputs) == len(_QUESTIONS)
        for output in outputs:
            assert len(output["generations"]) == n, (
                f"expected {n} generations, got {len(output['generations'])}"
            )
            for text in output["generations"]:
                assert isinstance(text, str), f"generation is {type(text).__name__}, not str"

    def test_statistics_well_formed(self, llm: LLM) -> None:
        """``statistics`` must hold ``input_tokens`` and ``output_tokens``: lists of
        non-negative ints, ``output_tokens`` one per generation. Read them from the
        backend's usage data or tokenizer (or set returns_statistics=False)."""
        if not self.returns_statistics:
            pytest.skip("backend declares returns_statistics=False")
        n = 2 if self.supports_num_generations else 1
        for output in self._generate(llm, [_chat(q) for q in _QUESTIONS[:2]], n=n):
            stats = output["statistics"]
            assert "input_tokens" in stats and "output_tokens" in stats, f"statistics: {stats}"
            assert len(stats["output_tokens"]) == n
            assert len(stats["input_tokens"]) in (1, n)
            for count in [*stats["input_tokens"], *stats["output_tokens"]]:
                assert isinstance(count, int) and count >= 0, f"bad token count {count!r}"
            assert all(c > 0 for c in stats["input_tokens"]), "a non-empty prompt has tokens"

    def test_greedy_decoding_is_deterministic(self, llm: LLM) -> None:
        """With ``greedy_generation_kwargs`` the same input must give the same text twice."""
        if self.greedy_generation_kwargs is None:
            pytest.skip("backend declares no greedy_generation_kwargs")
        kwargs = {**self.generation_kwargs, **self.greedy_generation_kwargs}
        first = llm.generate_outputs([_chat(_QUESTIONS[0])], **kwargs)[0]["generations"]
        second = llm.generate_outputs([_chat(_QUESTIONS[0])], **kwargs)[0]["generations"]
        assert first == second

    # -- runtime parameters -----------------------------------------------------------------

    def test_generation_kwargs_are_listed_and_described(self, llm: LLM) -> None:
        """Every keyword of ``generate``/``agenerate`` must appear under ``generation_kwargs``
        with a description: document each one in the method's docstring ``Args:`` section."""
        infos = {info["name"]: info for info in llm.get_runtime_parameters_info()}
        assert "generation_kwargs" in infos
        keys = infos["generation_kwargs"].get("keys", [])
        schema = type(llm).generation_kwargs_schema()
        assert [k["name"] for k in keys] == list(schema.keys)
        undocumented = [k["name"] for k in keys if not k.get("description")]
        assert not undocumented, f"undocumented generate keywords: {undocumented}"
        for info in llm.get_runtime_parameters_info():
            if "runtime_parameters_info" not in info and info["name"] != "generation_kwargs":
                assert info.get("description"), (
                    f"runtime parameter {info['name']!r} needs Field(description=...)"
                )

    def test_runtime_parameters_settable_from_strings(self, llm_kwargs: dict[str, Any]) -> None:
        """Numbers and booleans given as strings (from a CLI or YAML) must be coerced to the
        annotated type, and unknown names rejected. Annotate generate keywords precisely."""
        fresh = self._fresh(llm_kwargs)
        schema = type(fresh).generation_kwargs_schema()
        as_strings: dict[str, str] = {}
        expected: dict[str, Any] = {}
        for name, spec in schema.keys.items():
            if spec.annotation in (int, float, bool) and spec.default is not None:
                as_strings[name] = str(spec.default).lower() if spec.annotation is bool else (
                    str(spec.default)
                )
                expected[name] = spec.default
        if not as_strings:
            pytest.skip("no int/float/bool generate keyword with a default to coerce")
        fresh.set_runtime_parameters({"generation_kwargs": as_strings})
        assert fresh.generation_kwargs is not None
        for name, value in expected.items():
            got = fresh.generation_kwargs[name]
            assert got == value and type(got) is type(value), f"{name}: {got!r} != {value!r}"
        if not schema.allow_extra:
            with pytest.raises(UnknownRuntimeParameterError):
                fresh.set_runtime_parameters({"generation_kwargs": {"no_such_kwarg_xyz": 1}})
        with pytest.raises(UnknownRuntimeParameterError):
            fresh.set_runtime_parameters({"no_such_parameter_xyz": 1})

    # -- serialization ----------------------------------------------------------------------

    def test_serialization_round_trip_without_secrets(self, llm_kwargs: dict[str, Any]) -> None:
        """``dump()`` must be JSON-serialisable, rebuild an equal LLM with ``from_dict``, and
        contain no secret: declare API keys as ``SecretStr`` (they are then never dumped)."""
        fresh = self._fresh(llm_kwargs)
        dumped = fresh.dump()
        text = json.dumps(dumped)
        rebuilt = LLM.from_dict(json.loads(text))
        assert type(rebuilt) is type(fresh)
        assert rebuilt.dump() == dumped
        for name in type(fresh).secret_fields():
            value = getattr(fresh, name)
            if isinstance(value, SecretStr) and value.get_secret_value():
                secret = value.get_secret_value()
                assert secret not in text, f"secret field {name!r} leaked into dump()"
                assert secret not in repr(fresh), f"secret field {name!r} leaked into repr()"

    def test_raw_prompts_are_completed_or_refused_clearly(self, llm: LLM) -> None:
        """A raw prompt string (what Magpie-style tasks send) is completed by a backend
        that declares ``supports_raw_prompts = True``; any other refuses it with
        ``LLMCapabilityError`` naming the LLM, before it sends anything. Fix: read inputs
        with ``self.prepare_input(input)`` (or ``HostedLLM.conversation``), which refuses
        them for you, or declare ``supports_raw_prompts`` and complete the text."""
        if llm.supports_raw_prompts:
            if not self.raw_prompts_served:
                pytest.skip("the server behind does not complete raw prompts")
            [output] = self._generate(llm, ["The capital of France is"])
            assert len(output["generations"]) == 1
            return
        with pytest.raises(LLMCapabilityError, match=type(llm).__name__):
            self._generate(llm, ["The capital of France is"])

    # -- optional capabilities --------------------------------------------------------------

    def test_hidden_state_shape(self, llm: LLM) -> None:
        """``get_last_hidden_state`` must return one 2-D array ``(num_tokens, hidden_size)``
        per input, with the same ``hidden_size`` for all (or declare it unsupported)."""
        supported = self.supports_hidden_state
        if supported is None:
            supported = type(llm).supports_hidden_state()
        if not supported:
            pytest.skip("backend does not expose hidden states")
        states = llm.get_last_hidden_state([_chat(q) for q in _QUESTIONS[:2]])
        assert len(states) == 2
        sizes = set()
        for state in states:
            shape = tuple(state.shape)
            assert len(shape) == 2 and shape[0] > 0 and shape[1] > 0, f"shape {shape}"
            sizes.add(shape[1])
        assert len(sizes) == 1, f"hidden sizes differ: {sizes}"

    def test_async_agenerate_output(self, llm: LLM) -> None:
        """An ``AsyncLLM``'s per-row path (``agenerate_output`` on its event loop, used by the
        pipeline engine) must return a ``GenerateOutput`` like ``generate`` does."""
        if not isinstance(llm, AsyncLLM):
            pytest.skip("synchronous LLM")
        output = llm.run_coroutine(
            llm.agenerate_output(_chat(_QUESTIONS[0]), 1, **self.generation_kwargs)
        )
        assert len(output["generations"]) == 1

    def test_registered_through_entry_point(self) -> None:
        """The plugin's ``distilabel.llms`` entry point must register the class under
        ``registered_name`` so ``from distilabel.llms import <name>`` finds it."""
        if self.registered_name is None:
            pytest.skip("registered_name not set")
        from distilabel.plugins import get_registry

        assert get_registry().get_llm_class(self.registered_name) is self.llm_class
