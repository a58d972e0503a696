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
from typing import Any, Callable, Coroutine, Optional, TypeVar, Union, final

from pydantic import ConfigDict, Field, PositiveFloat, PositiveInt, PrivateAttr, model_validator

from distilabel.errors import FatalLLMError, LLMNotLoadedError, RuntimeParameterError
from distilabel.llms._limiter import RequestLimiter
from distilabel.llms._loop import LoopThread
from distilabel.llms._outputs import (
    InvalidLLMOutputError,
    normalize_output,
    normalize_outputs,
    normalize_results,
)
from distilabel.llms._signature import generation_kwargs_schema
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
    """

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

    _loaded: bool = PrivateAttr(default=False)

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
        validate each result into a ``GenerateOutput``.

        Raises:
            LLMNotLoadedError: ``load()`` has not been called.
            InvalidLLMOutputError: ``generate`` returned an unusable answer (wrong shape or
                count, a ``None`` or non-text generation).
        """
        raw = self._generate_merged(inputs, num_generations, kwargs)
        return normalize_outputs(raw, len(inputs), type(self).__name__, num_generations)

    def _generate_merged(
        self, inputs: list[FormattedInput], num_generations: int, kwargs: dict[str, Any]
    ) -> Any:
        merged = {**(self.generation_kwargs or {}), **kwargs}
        return self.generate(inputs=inputs, num_generations=num_generations, **merged)

    def generate_outputs_isolated(
        self, inputs: list[FormattedInput], num_generations: int = 1, **kwargs: Any
    ) -> list[Union[GenerateOutput, Exception]]:
        """Like ``generate_outputs``, but a failure costs only the inputs that fail.

        When the batch call raises, each input is retried alone, so the result holds a
        ``GenerateOutput`` for every input that works and the exception for each that
        does not; a ``FatalLLMError`` (a wrong API key...) is every remaining input's
        error at once, without asking again. An unusable answer is not asked again
        either: an unusable entry is its input's ``InvalidLLMOutputError``, and a result
        of the wrong length (which cannot be matched to the inputs) is every input's.
        Used by tasks so one bad row never loses a batch.
        """
        owner = type(self).__name__
        try:
            raw = self._generate_merged(inputs, num_generations, kwargs)
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
                raw = self._generate_merged([single], num_generations, kwargs)
                results.extend(normalize_results(raw, 1, owner, num_generations))
            except LLMNotLoadedError:
                raise
            except FatalLLMError as exc:
                results.extend([exc] * (len(inputs) - len(results)))
                break
            except Exception as exc:
                results.append(exc)
        return results

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
        raw = await self._agenerate_limited(input, num_generations, merged)
        return normalize_output(raw, type(self).__name__, num_generations)

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
