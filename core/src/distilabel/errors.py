"""Exceptions raised by distilabel.

Every error names the thing that is wrong, where it is, and what to do about it.
"""

from __future__ import annotations

from typing import Any, Optional

__all__ = [
    "DistilabelError",
    "DistilabelUserError",
    "FatalLLMError",
    "LLMCapabilityError",
    "LLMNotLoadedError",
    "LLMRequestError",
    "MissingRequirementsError",
    "PluginConflictError",
    "PluginNotAvailableError",
    "RuntimeParameterError",
    "StepStoppedError",
    "UnknownRuntimeParameterError",
]


class DistilabelError(Exception):
    """Base class of every exception raised by distilabel itself."""


class DistilabelUserError(DistilabelError, ValueError):
    """Raised when user input (parameters, configuration, data) is invalid."""


class MissingRequirementsError(DistilabelUserError, ModuleNotFoundError):
    """Raised before a run when packages the pipeline requires are missing or too old."""


class LLMNotLoadedError(DistilabelError, RuntimeError):
    """Raised when an LLM is used before its ``load()`` method was called."""


class LLMCapabilityError(DistilabelUserError):
    """Raised when an LLM is asked for something its backend cannot do (raw prompts, a
    structured-output format); the message names the LLM and what to use instead."""


class RuntimeParameterError(DistilabelUserError):
    """Raised when a runtime parameter value is invalid or a required one is missing."""


class UnknownRuntimeParameterError(RuntimeParameterError, KeyError):
    """Raised when a runtime parameter name is not accepted by the step or LLM."""

    def __str__(self) -> str:  # KeyError would otherwise quote the whole message
        return str(self.args[0]) if self.args else ""


class PluginNotAvailableError(DistilabelError, ImportError):
    """Raised when an LLM name cannot be resolved to an installed, working plugin."""


class PluginConflictError(PluginNotAvailableError):
    """Raised when two installed plugins register an LLM under the same name."""


class LLMRequestError(DistilabelError):
    """A request to an LLM's server failed for good (after any retries).

    The message names the LLM class, the URL (without user info or secret query values),
    the model, what went wrong on the last attempt and what to do; it never contains an API
    key. In a task it becomes that row's error.

    Attributes:
        llm: the LLM's class name, e.g. ``"OpenAILLM"``.
        url: the endpoint, safe to print (``None`` when unknown, e.g. an SDK call).
        status: the HTTP status of the last answer, or ``None`` when there was none
            (timeout, refused or dropped connection).
        retryable: whether the last failure was of a kind that is retried (a later run may
            succeed: 429, 5xx, timeouts); ``False`` for requests that cannot succeed as sent.
        attempts: how many requests were sent.
        kind: how the last failure was classified: ``"throttled"``, ``"transient"``,
            ``"rejected"`` (this request is refused) or ``"fatal"`` (every request will be).
    """

    def __init__(
        self,
        message: str,
        *,
        llm: str = "",
        url: Optional[str] = None,
        status: Optional[int] = None,
        retryable: bool = False,
        attempts: int = 1,
        kind: str = "rejected",
    ) -> None:
        super().__init__(message)
        self.llm = llm
        self.url = url
        self.status = status
        self.retryable = retryable
        self.attempts = attempts
        self.kind = kind

    def __reduce__(self) -> Any:  # keyword-only attributes survive pickling (Ray, processes)
        return (type(self), (str(self),), dict(self.__dict__))


class FatalLLMError(LLMRequestError):
    """A request failed in a way every further request will too: a rejected API key
    (401/403), an unknown model or endpoint (404), an exhausted quota, a malformed URL, or
    the same rejection of several different requests in a row.

    Never retryable. The pipeline stops the step after a small number of these instead of
    sending every remaining row to the same wall; finished rows are kept.
    """


class StepStoppedError(DistilabelError):
    """Raised when a step stopped early: its LLM failed with ``FatalLLMError`` several
    times in a row (a wrong API key, an unknown model), so no further row was sent.

    The engine reports it as the cause of a ``StepFailedError``; rows answered before are
    kept.

    Attributes:
        step: the step's name.
        llm: the LLM's class name, ``url`` its endpoint (safe to print), ``status`` the
            HTTP status (``None`` when there was none).
        count: how many fatal errors were seen in a row.
    """

    def __init__(self, message: str, *, step: str = "", llm: str = "",
                 url: Optional[str] = None, status: Optional[int] = None,
                 count: int = 0) -> None:
        super().__init__(message)
        self.step = step
        self.llm = llm
        self.url = url
        self.status = status
        self.count = count

    def __reduce__(self) -> Any:  # the keyword attributes survive pickling (Ray)
        return (type(self), (str(self),), dict(self.__dict__))
