"""The exception a request raises when it finally fails, with secrets scrubbed."""

from __future__ import annotations

import json
import re
from typing import Optional

from distilabel.errors import DistilabelError

__all__ = ["HINTS", "OpenAIRequestError", "error_detail", "scrub"]

_BEARER = re.compile(r"(Bearer\s+)\S+", re.IGNORECASE)


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """Replace every secret (and any bearer token) in ``text`` by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return _BEARER.sub(r"\1***", text)


class OpenAIRequestError(DistilabelError):
    """A chat completion request failed for good (after any retries).

    The message names the LLM, the endpoint, the model, what went wrong on the last attempt
    and what to do; it never contains the API key. In a task this becomes the row's error.

    Attributes:
        status: the HTTP status of the last answer, or ``None`` when there was none
            (timeout, dropped connection).
        attempts: how many requests were sent.
        retryable: whether the last failure was of a kind that is retried.
        rejected_json_schema: the server refused a ``json_schema`` response format.
    """

    def __init__(
        self,
        message: str,
        *,
        status: Optional[int],
        attempts: int,
        retryable: bool,
        rejected_json_schema: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.attempts = attempts
        self.retryable = retryable
        self.rejected_json_schema = rejected_json_schema


HINTS: dict[int, str] = {  # what to check, by HTTP status
    400: " The server rejected the request: check the generation kwargs and the input.",
    401: " Check the API key (api_key / ${env}).",
    403: " Check the API key (api_key / ${env}) and its permissions.",
    404: " Check the model name and base_url.",
}


def error_detail(body: bytes) -> str:
    """`` (code): message`` from an error body (JSON ``error`` object or plain text)."""
    try:
        data = json.loads(body)
    except ValueError:
        text = body[:200].decode("utf-8", "replace").strip()
        return f": {text}" if text else ""
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        code = error.get("code") or error.get("type")
        message = str(error.get("message") or "").strip()[:500]
        return f" ({code}): {message}" if code else f": {message}"
    if isinstance(error, str):
        return f": {error[:500]}"
    detail = data.get("detail") if isinstance(data, dict) else None
    return f": {str(detail)[:500]}" if detail else ""
