"""One request, tried under a ``RetryPolicy`` until it succeeds or cannot.

``RequestRetrier.call`` runs an attempt (a coroutine function: one HTTP request, or one
SDK call with the SDK's own retries off), classifies what it raised, waits and tries again,
or raises an ``LLMRequestError`` / ``FatalLLMError`` that names the LLM, the URL, the
status and the fix, with secrets scrubbed.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from typing import Any, Callable, Optional, TypeVar

from distilabel.errors import FatalLLMError, LLMRequestError
from distilabel.http._classify import (
    ExceptionAdapter,
    Failure,
    FailureKind,
    failure_from_exception,
)
from distilabel.http._policy import RetryPolicy, Wait
from distilabel.http._redact import scrub
from distilabel.http._urls import redact_url, url_secrets

__all__ = ["RequestRetrier"]

_T = TypeVar("_T")
_log = logging.getLogger("distilabel.http")


class _Tries:
    """What one request has been through so far."""

    __slots__ = ("attempts", "throttled", "transient", "waited")

    def __init__(self) -> None:
        self.attempts = 0
        self.transient = 0
        self.throttled = 0
        self.waited = 0.0


class RequestRetrier:
    """Run requests of one LLM under a retry policy; raise clear errors when they fail.

    Build one in ``load()`` and keep it: it also notices when different requests keep
    getting the same rejection (``RetryPolicy.repeated_rejections``), which makes that
    rejection fatal, and it logs a clamped server wait once at WARNING, then at DEBUG.

    Args:
        llm: the LLM the requests are for (its class name, ``model_name`` and, for an
            ``AsyncLLM``, its ``limiter`` are used), or just a name for messages.
        url: the endpoint, for messages (user info and secret query values are removed).
        policy: attempts and waits.
        secrets: values (API keys) that must never appear in a message; credentials in
            ``url`` are added.
        api_key_env_var: the key's environment variable, named in the fix of a 401/403.
        adapters: readers for exceptions the built-in ones do not know (see
            ``failure_from_exception``), tried first.
        parameters: the LLM's own names for the policy's knobs, used in messages, e.g.
            ``{"max_attempts": "max_retries", "max_total_wait": "max_throttle_wait"}``;
            each value may be ``"name=value"`` text or a plain name.
        logger: where waits and retries are logged (default ``distilabel.http``).
    """

    def __init__(
        self,
        llm: Any,
        url: Optional[str] = None,
        *,
        policy: Optional[RetryPolicy] = None,
        secrets: Iterable[str] = (),
        api_key_env_var: Optional[str] = None,
        adapters: Sequence[ExceptionAdapter] = (),
        parameters: Optional[Mapping[str, str]] = None,
        logger: Optional[logging.Logger] = None,
    ) -> None:
        self.llm = llm
        self.llm_name = llm if isinstance(llm, str) else type(llm).__name__
        self.url = redact_url(url) if url else None
        self.policy = policy or RetryPolicy()
        self.secrets = tuple(s for s in (*secrets, *url_secrets(url or "")) if s)
        self.api_key_env_var = api_key_env_var
        self.adapters = tuple(adapters)
        self.parameters = dict(parameters or {})
        self.logger = logger or _log
        self._rejection: Optional[tuple[Optional[int], str]] = None
        self._rejection_count = 0
        self._clamp_logged = False
        self._lock = threading.Lock()

    # -- running requests ------------------------------------------------------------------

    async def call(self, attempt: Callable[[], Awaitable[_T]]) -> _T:
        """Await ``attempt()`` until it returns, retrying the failures the policy retries.

        While throttled (429) the request waits outside the LLM's concurrency limiter
        (``RequestLimiter.pause``) and reports the throttling to it, so the limiter can
        slow all requests down when 429s are sustained.

        Raises:
            FatalLLMError: every request would fail this way (401/403, unknown model...).
            LLMRequestError: this request failed for good (retries exhausted, or rejected).
            Exception: anything ``attempt`` raised that is not a request failure, as is.
        """
        tries = _Tries()
        while True:
            try:
                return self._succeeded(await attempt())
            except Exception as exc:
                failure = self._failure_of(exc, tries)
            wait = self._next_wait(failure, tries)  # outside `except`: no chained SDK error
            limiter = getattr(self.llm, "limiter", None) if failure.kind is (
                FailureKind.THROTTLED
            ) else None
            if limiter is not None and hasattr(limiter, "pause"):
                limiter.throttled(wait.seconds)
                await limiter.pause(wait.seconds)  # wait without holding a slot
            else:
                await asyncio.sleep(wait.seconds)

    def call_sync(self, attempt: Callable[[], _T]) -> _T:
        """``call`` for synchronous clients: retries ``attempt()`` with ``time.sleep``."""
        tries = _Tries()
        while True:
            try:
                return self._succeeded(attempt())
            except Exception as exc:
                failure = self._failure_of(exc, tries)
            time.sleep(self._next_wait(failure, tries).seconds)

    def _succeeded(self, result: _T) -> _T:
        if self._rejection is not None:
            self._forget_rejection()
        return result

    def _failure_of(self, exc: Exception, tries: _Tries) -> Failure:
        """Classify ``exc``; re-raise it when it is not a request failure."""
        tries.attempts += 1
        if isinstance(exc, LLMRequestError):
            raise exc
        failure = failure_from_exception(exc, self.adapters)
        if failure is None:
            raise exc
        return failure

    # -- deciding --------------------------------------------------------------------------

    def _next_wait(self, failure: Failure, tries: _Tries) -> Wait:
        """The wait before the next attempt, or the error that ends the request."""
        policy = self.policy
        kind = failure.kind
        if kind is FailureKind.FATAL:
            raise self.error(failure, tries.attempts)
        if kind is FailureKind.REJECTED:
            raise self._rejected(failure, tries.attempts)
        if kind is FailureKind.THROTTLED:
            tries.throttled += 1
            if tries.throttled >= policy.max_throttled:
                raise self.error(failure, tries.attempts, self._gave_up(
                    f"still rate limited after {tries.throttled} answers"
                    f" ({self._knob('max_throttled')})", tries))
            wait = policy.wait(tries.throttled, failure.retry_after)
        else:
            tries.transient += 1
            if tries.transient >= policy.max_attempts:
                raise self.error(failure, tries.attempts, self._gave_up(
                    f"gave up after {tries.transient} such failures"
                    f" ({self._knob('max_attempts')})", tries))
            wait = policy.wait(tries.transient, failure.retry_after)
        if tries.waited + wait.seconds > policy.max_total_wait:
            asked = (f"; the server asked to wait {wait.asked:g} s more" if wait.asked is not None
                     else "")
            still = "still rate limited; " if kind is FailureKind.THROTTLED else ""
            raise self.error(failure, tries.attempts, self._gave_up(
                f"{still}waiting again would take this request past"
                f" {self._knob('max_total_wait')} of waiting{asked}", tries))
        tries.waited += wait.seconds
        if wait.clamped:
            self._log_clamped(failure, wait)
        if self.logger.isEnabledFor(logging.DEBUG):
            self.logger.debug(
                "%s: %s; retrying in %.2f s (attempt %d)", self.llm_name,
                self._scrub(failure.problem), wait.seconds, tries.attempts + 1,
            )
        return wait

    def _gave_up(self, why: str, tries: _Tries) -> str:
        return f"{why}, after {tries.waited:.1f} s of waiting"

    def _knob(self, name: str) -> str:
        label = self.parameters.get(name)
        if label and "=" in label:
            return label
        return f"{label or name}={getattr(self.policy, name):g}"

    def _rejected(self, failure: Failure, attempts: int) -> LLMRequestError:
        key = (failure.status, failure.detail)
        with self._lock:
            if self._rejection == key:
                self._rejection_count += 1
            else:
                self._rejection, self._rejection_count = key, 1
            count = self._rejection_count
        if count >= self.policy.repeated_rejections:
            return self.error(failure, attempts, (
                f"{count} different requests in a row got this same answer, so it is the"
                " settings, not the rows"
            ), fatal=True)
        return self.error(failure, attempts)

    def _forget_rejection(self) -> None:
        with self._lock:
            self._rejection, self._rejection_count = None, 0

    def _log_clamped(self, failure: Failure, wait: Wait) -> None:
        """A cut wait, or an ask for none at all, is worth a WARNING (once); a short wait
        raised to the floor only a DEBUG line."""
        asked = wait.asked or 0.0
        notable = asked > self.policy.max_server_wait or asked <= 0
        level = logging.DEBUG if self._clamp_logged or not notable else logging.WARNING
        self._clamp_logged = self._clamp_logged or notable
        if not self.logger.isEnabledFor(level):
            return
        bound = "max_server_wait" if (wait.asked or 0) > self.policy.max_server_wait else (
            "min_wait")
        self.logger.log(
            level,
            "%s: the server at %s asked to wait %s s (%s); waiting %.2f s instead (%s).%s",
            self.llm_name, self.url or "?", f"{wait.asked:g}", self._scrub(failure.problem),
            wait.seconds, self._knob(bound),
            "" if level == logging.DEBUG else " Further clamped waits are logged at DEBUG.",
        )

    # -- errors ----------------------------------------------------------------------------

    def error(
        self, failure: Failure, attempts: int = 1, why: str = "", fatal: Optional[bool] = None
    ) -> LLMRequestError:
        """The exception that reports ``failure`` after ``attempts`` attempts.

        A ``FatalLLMError`` for fatal failures (or with ``fatal=True``), else an
        ``LLMRequestError``; the message is scrubbed of every secret.
        """
        is_fatal = failure.kind is FailureKind.FATAL if fatal is None else fatal
        model = _model_of(self.llm)
        where = f" to {self.url}" if self.url else ""
        for_model = f" for model '{model}'" if model else ""
        plural = "s" if attempts != 1 else ""
        hint = failure.hint.replace("{env}", self.api_key_env_var or "the key's variable")
        if is_fatal:
            why = why or "not retried: every request would fail the same way"
        message = (
            f"{self.llm_name} request{where}{for_model} failed ({attempts} attempt{plural}):"
            f" {failure.problem.rstrip('. ')}"
            + (f"; {why}" if why else "") + "." + (f" {hint}" if hint else "")
        )
        cls = FatalLLMError if is_fatal else LLMRequestError
        return cls(
            self._scrub(message), llm=self.llm_name, url=self.url, status=failure.status,
            retryable=failure.kind.retryable and not is_fatal, attempts=attempts,
            kind="fatal" if is_fatal else failure.kind.value,
        )

    def _scrub(self, text: str) -> str:
        return scrub(text, self.secrets)


def _model_of(llm: Any) -> Optional[str]:
    if isinstance(llm, str):
        return None
    try:
        name = llm.model_name
    except Exception:
        return None
    return name if isinstance(name, str) and name else None
