"""The ``LLM`` and ``AsyncLLM`` base classes every backend subclasses.

Life cycle: build (pydantic validation) -> ``set_runtime_parameters`` (optional) ->
``load()`` -> ``generate`` / ``agenerate`` -> ``unload()``. The core wraps each
subclass's ``load``, ``unload``, ``generate``, ``agenerate`` and ``get_last_hidden_state``
so the life cycle holds whether or not the subclass calls ``super()``: using an LLM
before ``load()`` is a clear ``LLMNotLoadedError``.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from abc import ABC, abstractmethod
from typing import Any, Callable, ClassVar, Coroutine, Optional, TypeVar, Union, final

from pydantic import (
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    PrivateAttr,
    model_validator,
)

from distilabel.errors import (
    DistilabelUserError,
    FatalLLMError,
    LLMCapabilityError,
    LLMNotLoadedError,
    RuntimeParameterError,
)
from distilabel.llms._checking import acheck_output, generate_checked
from distilabel.llms._limiter import RequestLimiter
from distilabel.llms._loop import LoopThread
from distilabel.llms._outputs import (
    InvalidLLMOutputError,
    normalize_output,
    normalize_outputs,
    normalize_results,
)
from distilabel.llms._prompts import (
    MAGPIE_PRE_QUERY_TEMPLATES,
    LLMInput,
    resolve_pre_query_template,
)
from distilabel.llms._signature import generation_kwargs_schema
from distilabel.llms._structured import StructuredOutput, StructuredOutputSpec
from distilabel.llms.typing import GenerateOutput, HiddenState, LLMOutput
from distilabel.runtime_parameters import (
    KeySchema,
    RuntimeParameter,
    RuntimeParametersModel,
    validate_keyed,
)
from distilabel.serialization import Serializable
from distilabel.typing import FormattedInput

__all__ = ["LLM", "AsyncLLM"]

_F = TypeVar("_F", bound=Callable[..., Any])
_T = TypeVar("_T")
_WRAPPED = "__distilabel_wrapped__"


def _not_loaded(llm: LLM, method: str) -> LLMNotLoadedError:
    name = type(llm).__name__
    return LLMNotLoadedError(
        f"{name}.{method} was called before {name}.load(). Call `llm.load()` first"
        " (a Pipeline or a Task's load() does it for you)."
    )


def _wrap_load(func: _F) -> _F:
    @functools.wraps(func)
    def load(self: LLM, *args: Any, **kwargs: Any) -> Any:
        self._check_required_runtime_parameters()
        self._check_capabilities()
        result = func(self, *args, **kwargs)
        self._after_load()
        return result

    setattr(load, _WRAPPED, True)
    return load  # type: ignore[return-value]


def _wrap_unload(func: _F) -> _F:
    @functools.wraps(func)
    def unload(self: LLM, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(self, *args, **kwargs)
        finally:
            self._after_unload()

    setattr(unload, _WRAPPED, True)
    return unload  # type: ignore[return-value]


def _wrap_requires_load(func: _F) -> _F:
    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def async_wrapper(self: LLM, *args: Any, **kwargs: Any) -> Any:
            # __pydantic_private__ directly: `self._loaded` goes through pydantic's
            # __getattr__ (several µs), and this runs once per request.
            if not self.__pydantic_private__["_loaded"]:  # type: ignore[index]
                raise _not_loaded(self, func.__name__)
            return await func(self, *args, **kwargs)

        setattr(async_wrapper, _WRAPPED, True)
        return async_wrapper  # type: ignore[return-value]

    @functools.wraps(func)
    def wrapper(self: LLM, *args: Any, **kwargs: Any) -> Any:
        if not self._loaded:
            raise _not_loaded(self, func.__name__)
        return func(self, *args, **kwargs)

    setattr(wrapper, _WRAPPED, True)
    return wrapper  # type: ignore[return-value]


_OMITTED_AT_DEFAULT = (
    "structured_output",
    "structured_output_retries",
    "use_magpie_template",
    "magpie_pre_query_template",
)

_LIFECYCLE_WRAPPERS: dict[str, Callable[[Any], Any]] = {
    "load": _wrap_load,
    "unload": _wrap_unload,
    "generate": _wrap_requires_load,
    "agenerate": _wrap_requires_load,
    "get_last_hidden_state": _wrap_requires_load,
}


class LLM(RuntimeParametersModel, Serializable, ABC):
    """Base class of synchronous LLMs.

    Subclasses define ``model_name`` and ``generate`` and usually ``load`` (create the
    client or load the weights). ``generate`` takes a list of inputs (chat conversations)
    and returns, per input, ``num_generations`` texts: a plain list of strings or a
    ``GenerateOutput`` dict with statistics. Its keyword arguments other than ``inputs``
    and ``num_generations`` are the keys ``generation_kwargs`` accepts.

    An input may also be a raw prompt string or carry a structured-output request; a
    backend reads either through ``prepare_input`` and declares what it supports with
    ``supports_raw_prompts`` and ``structured_output_formats``.
    """

    supports_raw_prompts: ClassVar[bool] = False
    """Whether the backend completes raw prompt strings and Magpie pre-query templates
    (``prepare_input`` gives it ``LLMInput.prompt`` / ``LLMInput.magpie``)."""

    structured_output_formats: ClassVar[Optional[frozenset[str]]] = None
    """The structured-output formats (``"json"``, ``"regex"``) the backend constrains
    natively; ``None`` when it does not say (requests reach it, answers are validated)."""

    model_config = ConfigDict(
        arbitrary_types_allowed=True,
        protected_namespaces=(),
        validate_default=True,
        extra="forbid",
    )

    generation_kwargs: Optional[RuntimeParameter[dict[str, Any]]] = Field(
        default_factory=dict,
        description="The keyword arguments passed to `generate`/`agenerate` for every call,"
        " e.g. `temperature` or `max_new_tokens`.",
    )

    structured_output: Optional[RuntimeParameter[StructuredOutputSpec]] = Field(
        default=None,
        description="Structured output for every answer: {'format': 'json', 'schema':"
        " <pydantic model or JSON schema>} or {'format': 'regex', 'schema': <pattern>}."
        " An input (or a row's `structured_output` column) may bring its own.",
    )
    structured_output_retries: RuntimeParameter[NonNegativeInt] = Field(
        default=2,
        description="How often an answer that does not follow its structured output is"
        " generated again before its row fails (with the raw text kept).",
    )
    use_magpie_template: bool = Field(
        default=False,
        description="Magpie: for conversations that do not end with a user message, apply"
        " the chat template up to a new user turn so the model writes the user's text.",
    )
    magpie_pre_query_template: Optional[str] = Field(
        default=None,
        description="Magpie: the text that opens a user turn: a preset ("
        + ", ".join(MAGPIE_PRE_QUERY_TEMPLATES)
        + "), a custom string, or None for the model's own chat template.",
    )

    _loaded: bool = PrivateAttr(default=False)
    _default_output: tuple[Any, Optional[StructuredOutput]] = PrivateAttr(
        default=(None, None)
    )

    def __getstate__(self) -> dict[Any, Any]:
        """A pickled LLM is an unloaded one: clients, pools and threads stay behind (they
        may hold the API key, and cannot travel), ``load()`` rebuilds them where it lands."""
        state = super().__getstate__()
        private = {
            name: attr.get_default()
            for name, attr in self.__private_attributes__.items()
        }
        return {**state, "__pydantic_private__": private}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        for name, wrap in _LIFECYCLE_WRAPPERS.items():
            func = cls.__dict__.get(name)
            if inspect.isfunction(func) and not getattr(func, _WRAPPED, False):
                setattr(cls, name, wrap(func))

    @model_validator(mode="after")
    def _validate_generation_kwargs(self) -> LLM:
        if self.generation_kwargs:
            problems: list[str] = []
            self.generation_kwargs = validate_keyed(
                self.generation_kwargs, self.generation_kwargs_schema(), "generation_kwargs",
                type(self).__name__, problems,
            )
            if problems:
                raise ValueError("\n".join(problems))
        return self

    # -- life cycle ------------------------------------------------------------------------

    def load(self) -> None:
        """Prepare the LLM for generation (create clients, load weights).

        Subclasses override it; the core marks the LLM loaded when it returns.

        Raises:
            RuntimeParameterError: a required runtime parameter has no value.
        """

    def unload(self) -> None:
        """Free what ``load`` acquired. The LLM must be loaded again before further use."""

    @property
    def is_loaded(self) -> bool:
        """Whether ``load()`` has run (and ``unload()`` has not since)."""
        return self._loaded

    def _check_required_runtime_parameters(self) -> None:
        for name, secret in self.missing_secrets().items():
            where = f"export {secret.env_var}" if secret.env_var else f"pass `{name}=...`"
            raise RuntimeParameterError(
                f"{type(self).__name__} cannot load: its {name!r} did not travel with it"
                f" ({secret.problem}). Pickled LLMs (as the Ray engine ships them) never carry"
                f" secrets; {where} where it runs (on Ray: on every node, or"
                f" `ray.init(runtime_env={{'env_vars': {{...}}}})`)."
            )
        missing = self.missing_runtime_parameters()
        if missing:
            raise RuntimeParameterError(
                f"{type(self).__name__} cannot load: required runtime parameter(s)"
                f" {', '.join(repr(m) for m in missing)} have no value. Pass them to the"
                " constructor or set them with `set_runtime_parameters` (in a pipeline:"
                " `pipeline.run(parameters={step_name: {'llm': {...}}})`)."
            )

    def _after_load(self) -> None:
        self._loaded = True

    def dump(self) -> dict[str, Any]:
        """A JSON/YAML-friendly dict of this LLM, without secrets; the recipe fields
        (structured output, Magpie) appear only when set, so dumps and cache signatures
        of LLMs that do not use them stay as they were."""
        data = super().dump()
        for name in _OMITTED_AT_DEFAULT:
            if name in data and data[name] == type(self).model_fields[name].get_default(
                call_default_factory=True
            ):
                del data[name]
        return data

    # -- what inputs ask for -----------------------------------------------------------------

    def unsupported_features(self) -> list[str]:
        """What this LLM's configuration asks for that its backend cannot do, one line each.

        Checked when a pipeline is validated and again at ``load()``. Backends whose
        support depends on their configuration (a server's chat template) extend it.
        """
        name = type(self).__name__
        problems: list[str] = []
        if self.use_magpie_template and not self.supports_raw_prompts:
            problems.append(
                f"{name} cannot complete raw prompts, so it cannot use Magpie pre-query"
                " templates (use_magpie_template=True); use a backend that can, such as"
                " LlamaCppLLM, TransformersLLM or OpenAILLM (/v1/completions)."
            )
        spec = self.default_structured_output()
        formats = self.structured_output_formats
        if spec is not None and formats is not None and spec.format not in formats:
            problems.append(self._format_problem(spec.format))
        return problems

    def _format_problem(self, fmt: str) -> str:
        formats = self.structured_output_formats or frozenset()
        can = f"it supports {', '.join(sorted(formats))}" if formats else "it supports none"
        return (
            f"{type(self).__name__} cannot constrain its output to structured output format"
            f" {fmt!r} ({can}); use another format or a backend that supports {fmt!r}."
        )

    def _check_capabilities(self) -> None:
        problems = self.unsupported_features()
        if problems:
            raise LLMCapabilityError(" ".join(problems))

    def default_structured_output(self) -> Optional[StructuredOutput]:
        """The LLM's own ``structured_output``, normalised (``None`` for free text)."""
        value = self.structured_output
        cached_for, spec = self._default_output
        if cached_for is not value:
            spec = StructuredOutput.of(value, f"{type(self).__name__}.structured_output")
            self._default_output = (value, spec)
        return spec

    def prepare_input(self, input: FormattedInput) -> LLMInput:
        """What ``input`` asks for, with the LLM's own settings applied.

        A conversation, a raw prompt string, or either paired with a structured-output
        request (which wins over ``structured_output``). With ``use_magpie_template`` a
        conversation that does not end with a user message asks for the next user turn.

        Raises:
            LLMCapabilityError: the backend cannot do what the input asks for.
            DistilabelUserError: the input has none of the accepted shapes.
        """
        name = type(self).__name__
        item: Any = input
        if isinstance(item, tuple):
            if len(item) != 2:
                raise DistilabelUserError(
                    f"{name}: a structured input is a pair (conversation or prompt, request),"
                    f" got a tuple of {len(item)}."
                )
            item, request = item
            spec = (
                StructuredOutput.of(request, f"{name} input") if request is not None
                else self.default_structured_output()
            )
        else:
            spec = self.default_structured_output()
        if spec is not None:
            formats = self.structured_output_formats
            if formats is not None and spec.format not in formats:
                raise LLMCapabilityError(self._format_problem(spec.format))
        if isinstance(item, str):
            if not self.supports_raw_prompts:
                raise LLMCapabilityError(
                    f"{name} cannot complete raw prompt strings (it takes conversations);"
                    " send [{'role': 'user', 'content': ...}] or use a backend that completes"
                    " raw text (LlamaCppLLM, TransformersLLM, OpenAILLM)."
                )
            return LLMInput(prompt=item, structured_output=spec)
        if not isinstance(item, list):
            raise DistilabelUserError(
                f"{name}: an input must be a conversation (a list of {{'role', 'content'}}"
                f" dicts), a prompt string or a (input, structured_output) pair; got"
                f" {type(item).__name__}."
            )
        if self.use_magpie_template and (not item or item[-1].get("role") != "user"):
            if not self.supports_raw_prompts:
                raise LLMCapabilityError(self.unsupported_features()[0])
            return LLMInput(
                messages=item, magpie=True,
                pre_query_template=resolve_pre_query_template(self.magpie_pre_query_template),
                structured_output=spec,
            )
        return LLMInput(messages=item, structured_output=spec)

    def _after_unload(self) -> None:
        self._loaded = False

    # -- generation ------------------------------------------------------------------------

    @property
    @abstractmethod
    def model_name(self) -> str:
        """The name of the model behind this LLM (recorded in the ``model_name`` column)."""

    @abstractmethod
    def generate(
        self, inputs: list[FormattedInput], num_generations: int = 1, **kwargs: Any
    ) -> list[LLMOutput]:
        """Generate ``num_generations`` texts for each input.

        Args:
            inputs: the conversations to answer, one per result.
            num_generations: how many texts to generate per input.
            **kwargs: generation parameters declared by the subclass.

        Returns:
            One entry per input: a list of strings or a ``GenerateOutput``.
        """

    @classmethod
    def generate_method(cls) -> Callable[..., Any]:
        """The method whose keywords define ``generation_kwargs`` (``generate`` here)."""
        return cls.generate

    @classmethod
    def generation_kwargs_schema(cls) -> KeySchema:
        """The keys ``generation_kwargs`` accepts, from the generate method's signature."""
        return generation_kwargs_schema(cls.generate_method())

    @classmethod
    def runtime_parameter_keys(cls, name: str) -> Optional[KeySchema]:
        if name == "generation_kwargs":
            return cls.generation_kwargs_schema()
        return None

    def generate_outputs(
        self, inputs: list[FormattedInput], num_generations: int = 1, **kwargs: Any
    ) -> list[GenerateOutput]:
        """Call ``generate`` with ``generation_kwargs`` (overridden by ``kwargs``) and
        validate each result into a ``GenerateOutput`` (structured answers checked and
        regenerated up to ``structured_output_retries`` times).

        Raises:
            LLMNotLoadedError: ``load()`` has not been called.
            InvalidLLMOutputError: ``generate`` returned an unusable answer (wrong shape or
                count, a ``None`` or non-text generation).
            StructuredOutputError: an answer never followed its structured output.
        """
        merged = {**(self.generation_kwargs or {}), **kwargs}
        results = generate_checked(
            self.prepare_input, self.structured_output_retries or 0, inputs, num_generations,
            merged, self._generate_all,
        )
        for result in results:
            if isinstance(result, Exception):
                raise result
        return results  # type: ignore[return-value]

    def _generate_all(
        self, inputs: list[FormattedInput], num_generations: int, kwargs: dict[str, Any]
    ) -> list[Union[GenerateOutput, Exception]]:
        raw = self.generate(inputs=inputs, num_generations=num_generations, **kwargs)
        return list(normalize_outputs(raw, len(inputs), type(self).__name__, num_generations))

    def _generate_isolated(
        self, inputs: list[FormattedInput], num_generations: int, kwargs: dict[str, Any]
    ) -> list[Union[GenerateOutput, Exception]]:
        owner = type(self).__name__
        try:
            raw = self.generate(inputs=inputs, num_generations=num_generations, **kwargs)
        except LLMNotLoadedError:
            raise
        except FatalLLMError as exc:  # every row would fail the same way: ask no more
            return [exc] * len(inputs)
        except Exception as exc:
            if len(inputs) == 1:
                return [exc]
        else:
            try:
                return list(normalize_results(raw, len(inputs), owner, num_generations))
            except InvalidLLMOutputError as exc:
                return [exc] * len(inputs)
        results: list[Union[GenerateOutput, Exception]] = []
        for single in inputs:
            try:
                raw = self.generate(inputs=[single], num_generations=num_generations, **kwargs)
                results.extend(normalize_results(raw, 1, owner, num_generations))
            except LLMNotLoadedError:
                raise
            except FatalLLMError as exc:
                results.extend([exc] * (len(inputs) - len(results)))
                break
            except Exception as exc:
                results.append(exc)
        return results

    def generate_outputs_isolated(
        self, inputs: list[FormattedInput], num_generations: int = 1, **kwargs: Any
    ) -> list[Union[GenerateOutput, Exception]]:
        """Like ``generate_outputs``, but a failure costs only the inputs that fail.

        When the batch call raises, each input is retried alone, so the result holds a
        ``GenerateOutput`` for every input that works and the exception for each that
        does not (an input the backend cannot take, an answer that never followed its
        structured output); a ``FatalLLMError`` (a wrong API key...) is every remaining
        input's error at once, without asking again. An unusable answer is not asked
        again either: an unusable entry is its input's ``InvalidLLMOutputError``, and a
        result of the wrong length (which cannot be matched to the inputs) is every
        input's. Used by tasks so one bad row never loses a batch.
        """
        merged = {**(self.generation_kwargs or {}), **kwargs}
        return generate_checked(
            self.prepare_input, self.structured_output_retries or 0, inputs, num_generations,
            merged, self._generate_isolated,
        )

    # -- hidden states ---------------------------------------------------------------------

    def get_last_hidden_state(self, inputs: list[FormattedInput]) -> list[HiddenState]:
        """Return, for each input, the last hidden state ``(num_tokens, hidden_size)``.

        Optional: backends with access to the model's activations override it.

        Raises:
            NotImplementedError: this LLM does not expose hidden states.
        """
        raise NotImplementedError(
            f"{type(self).__name__} does not expose hidden states; use an LLM that"
            " implements `get_last_hidden_state` (e.g. TransformersLLM)."
        )

    @classmethod
    def supports_hidden_state(cls) -> bool:
        """Whether this class overrides ``get_last_hidden_state``."""
        return cls.get_last_hidden_state is not LLM.get_last_hidden_state


LLM.load = _wrap_load(LLM.load)  # type: ignore[method-assign]
LLM.unload = _wrap_unload(LLM.unload)  # type: ignore[method-assign]


class AsyncLLM(LLM):
    """Base class of LLMs that answer one input per coroutine (HTTP APIs).

    Subclasses define ``model_name``, ``agenerate`` and usually ``load``. ``generate`` is
    provided and final: it runs ``agenerate`` for all inputs concurrently, bounded by
    ``max_concurrency`` and ``requests_per_minute``, on the LLM's own event loop (a
    daemon thread), so it works in scripts, in Jupyter and inside a running loop.
    Defining ``generate`` in a subclass is a ``TypeError``.
    """

    max_concurrency: RuntimeParameter[PositiveInt] = Field(
        default=64,
        description="The most `agenerate` calls in flight at once, across all batches.",
    )
    requests_per_minute: Optional[RuntimeParameter[PositiveFloat]] = Field(
        default=None,
        description="The most requests started per minute, or None for no rate limit.",
    )

    _loop_thread: Optional[LoopThread] = PrivateAttr(default=None)
    _external_loop: Optional[asyncio.AbstractEventLoop] = PrivateAttr(default=None)
    _limiter: Optional[RequestLimiter] = PrivateAttr(default=None)
    _limiter_config: Optional[tuple[int, Optional[float]]] = PrivateAttr(default=None)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        if "generate" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__} must not define `generate`: AsyncLLM.generate is provided by"
                " distilabel and runs `agenerate` concurrently. Implement `agenerate` instead."
            )
        super().__pydantic_init_subclass__(**kwargs)

    @abstractmethod
    async def agenerate(
        self, input: FormattedInput, num_generations: int = 1, **kwargs: Any
    ) -> LLMOutput:
        """Generate ``num_generations`` texts for one input.

        Args:
            input: the conversation to answer.
            num_generations: how many texts to generate.
            **kwargs: generation parameters declared by the subclass.

        Returns:
            A list of strings or a ``GenerateOutput``.
        """

    @classmethod
    def generate_method(cls) -> Callable[..., Any]:
        return cls.agenerate

    # -- event loop and limits ---------------------------------------------------------------

    @property
    def event_loop(self) -> asyncio.AbstractEventLoop:
        """The loop ``agenerate`` runs on: one attached by an engine, else the LLM's own."""
        if self._external_loop is not None:
            return self._external_loop
        if self._loop_thread is None or self._loop_thread.loop.is_closed():
            self._loop_thread = LoopThread(name=f"distilabel-{type(self).__name__}")
        return self._loop_thread.loop

    def use_event_loop(self, loop: Optional[asyncio.AbstractEventLoop]) -> None:
        """Run ``agenerate`` on ``loop`` (an engine's running loop) instead of a private one.

        Call before ``load()`` so clients bind to that loop; ``None`` restores the default.
        """
        self._external_loop = loop

    @property
    def limiter(self) -> RequestLimiter:
        """The shared concurrency/rate limiter, built from the current runtime parameters.

        Changing ``max_concurrency`` or ``requests_per_minute`` builds a new limiter for the
        calls that start afterwards; calls in flight release their slots on the old one.
        """
        wanted = (self.max_concurrency or 1, self.requests_per_minute)
        private: dict[str, Any] = self.__pydantic_private__  # type: ignore[assignment]
        limiter = private["_limiter"]  # hot path: skip pydantic's __getattr__
        if limiter is None or private["_limiter_config"] != wanted:
            limiter = private["_limiter"] = RequestLimiter(*wanted)
            private["_limiter_config"] = wanted
        return limiter  # type: ignore[no-any-return]

    def run_coroutine(self, coro: Coroutine[Any, Any, _T]) -> _T:
        """Run ``coro`` on the LLM's event loop from synchronous code and return its result.

        Plugins use it in ``load``/``unload`` to open or close async clients.

        Raises:
            RuntimeError: called from the LLM's own loop thread, where it would deadlock.
        """
        loop = self.event_loop
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            coro.close()
            raise RuntimeError(
                f"{type(self).__name__}: a synchronous call was made from inside the event loop"
                " the LLM runs on; `await llm.agenerate(...)` there instead."
            )
        return asyncio.run_coroutine_threadsafe(coro, loop).result()

    def _after_load(self) -> None:
        super()._after_load()
        self._limiter = None

    def _after_unload(self) -> None:
        super()._after_unload()
        self._limiter = None
        if self._loop_thread is not None:
            self._loop_thread.stop()
            self._loop_thread = None

    # -- generation ------------------------------------------------------------------------

    async def _agenerate_limited(
        self, input: FormattedInput, num_generations: int, kwargs: dict[str, Any]
    ) -> LLMOutput:
        limiter = self.limiter
        slot = await limiter.slot()
        try:
            result = await self.agenerate(input=input, num_generations=num_generations, **kwargs)
        finally:
            limiter.free(slot)
        limiter.succeeded()
        return result

    async def agenerate_output(
        self, input: FormattedInput, num_generations: int = 1, **kwargs: Any
    ) -> GenerateOutput:
        """Await one limited ``agenerate`` with ``generation_kwargs`` merged in, normalised.

        This is what tasks and the engine call per row, on ``event_loop``.
        """
        merged = {**(self.generation_kwargs or {}), **kwargs} if kwargs else (
            self.generation_kwargs or {}
        )
        if type(input) is list and self.structured_output is None and (
            not self.use_magpie_template
        ):  # a plain conversation: nothing to prepare or check (the hot path)
            raw = await self._agenerate_limited(input, num_generations, merged)
            return normalize_output(raw, type(self).__name__, num_generations)
        spec = self.prepare_input(input).structured_output
        raw = await self._agenerate_limited(input, num_generations, merged)
        output = normalize_output(raw, type(self).__name__, num_generations)
        if spec is None:
            return output

        async def again(count: int) -> GenerateOutput:
            fresh = await self._agenerate_limited(input, count, merged)
            return normalize_output(fresh, type(self).__name__, count)

        return await acheck_output(self.structured_output_retries or 0, spec, output, again)

    @final
    def generate(  # type: ignore[override]
        self, inputs: list[FormattedInput], num_generations: int = 1, **kwargs: Any
    ) -> list[LLMOutput]:
        """Run ``agenerate`` for every input concurrently and return the results in order.

        Concurrency is bounded by ``max_concurrency`` (and ``requests_per_minute``).

        Raises:
            LLMNotLoadedError: ``load()`` has not been called.
            Exception: the first error any ``agenerate`` call raised.
        """
        if not self._loaded:
            raise _not_loaded(self, "generate")

        async def _gather() -> list[LLMOutput]:
            return list(
                await asyncio.gather(
                    *(self._agenerate_limited(i, num_generations, kwargs) for i in inputs)
                )
            )

        return self.run_coroutine(_gather())

    def generate_outputs_isolated(
        self, inputs: list[FormattedInput], num_generations: int = 1, **kwargs: Any
    ) -> list[Union[GenerateOutput, Exception]]:
        if not self._loaded:
            raise _not_loaded(self, "generate")

        async def _gather() -> list[Union[GenerateOutput, Exception]]:
            results = await asyncio.gather(
                *(self.agenerate_output(i, num_generations, **kwargs) for i in inputs),
                return_exceptions=True,
            )
            for r in results:
                if isinstance(r, BaseException) and not isinstance(r, Exception):
                    raise r
            return list(results)  # type: ignore[arg-type]

        return self.run_coroutine(_gather())
