"""Offline batch generation for ``OpenAILLM`` through the OpenAI Batch API.

Requests are the bodies the online path would send (``_request.chat_body`` with the LLM's
generation kwargs, ``n``, structured output), one JSONL line each; the file is uploaded
(``POST /files``, purpose ``batch``), the job created (``POST /batches``, 24 h window)
with metadata that tags it, polled (``GET /batches/{id}``) and its output and error
files read (``GET /files/{id}/content``). These calls go through the official ``openai``
SDK (imported here, when a batch is used), with its own retries.

Azure OpenAI differs in the client (``AzureOpenAI``: endpoint, api-version, api-key),
the request URLs (``/chat/completions``, no ``/v1``) and the model of each request (the
deployment); ``AzureOpenAILLM`` sets those.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, Mapping, Optional

from distilabel.errors import LLMRequestError
from distilabel.llms import (
    BatchJob,
    BatchResults,
    InvalidLLMOutputError,
    OfflineBatchGeneration,
    generate_defaults,
)
from distilabel.typing import FormattedInput
from distilabel_openai._batch_files import MAX_FILE_BYTES, MAX_REQUESTS_PER_FILE, request_line
from distilabel_openai._request import chat_body
from distilabel_openai._response import MalformedResponseError, merge_completions, read_completion
from distilabel_openai._structured import as_json_object, from_structured, to_response_format

__all__ = ["OpenAIBatchAPI"]

_RUNNING = {"validating", "in_progress", "finalizing", "cancelling"}
_FIND_LIMIT = 1000
"""The most recent jobs ``find_batch`` looks through."""


class OpenAIBatchAPI(OfflineBatchGeneration):
    """The Batch API hooks of ``OpenAILLM`` (see ``distilabel.llms.OfflineBatchGeneration``)."""

    batch_max_requests: ClassVar[int] = MAX_REQUESTS_PER_FILE
    batch_max_bytes: ClassVar[int] = MAX_FILE_BYTES
    batch_url_prefix: ClassVar[str] = "/v1"
    """What request URLs in a batch file start with (Azure's have none)."""

    # -- requests ------------------------------------------------------------------------

    def _batch_model(self) -> str:
        llm: Any = self
        return str(llm.model)

    def batch_request(self, custom_id: str, input: FormattedInput, num_generations: int) -> bytes:
        llm: Any = self
        kwargs = {**generate_defaults(type(self)), **(llm.generation_kwargs or {})}
        max_new_tokens = kwargs.pop("max_new_tokens")
        response_format = kwargs.pop("response_format", None)
        prepared = llm.prepare_input(input)
        content = (
            prepared.messages if prepared.is_chat
            else prepared.text(llm._render if llm._template is not None else None)
        )
        body = chat_body(self._batch_model(), content,
                         {llm._max_tokens_key(): max_new_tokens}, **kwargs)
        if num_generations > 1:
            body["n"] = num_generations
        own = isinstance(input, tuple) and input[1] is not None
        spec = prepared.structured_output
        fmt = (from_structured(spec) if spec is not None and (own or response_format is None)
               else to_response_format(response_format))
        if fmt is not None:
            body["response_format"] = as_json_object(fmt) if llm._json_object_schemas else fmt
        path = "/chat/completions" if prepared.is_chat else "/completions"
        return request_line(custom_id, body, url=f"{self.batch_url_prefix}{path}")

    # -- jobs ------------------------------------------------------------------------------

    def _batch_client(self) -> Any:
        import openai

        llm: Any = self
        return openai.OpenAI(
            base_url=llm.base_url, api_key=llm._require_api_key(),
            max_retries=llm.max_retries, timeout=llm.timeout,
        )

    def submit_batch(self, content: bytes, metadata: Mapping[str, str]) -> str:
        client = self._batch_client()
        upload = client.files.create(file=("requests.jsonl", content), purpose="batch")
        first = json.loads(content.split(b"\n", 1)[0])
        batch = client.batches.create(
            input_file_id=upload.id, endpoint=first["url"], completion_window="24h",
            metadata=dict(metadata),
        )
        return str(batch.id)

    def find_batch(self, metadata: Mapping[str, str]) -> Optional[str]:
        for seen, batch in enumerate(self._batch_client().batches.list(limit=100)):
            if seen >= _FIND_LIMIT:
                break
            found = batch.metadata or {}
            if all(found.get(k) == v for k, v in metadata.items()):
                return str(batch.id)
        return None

    def batch_status(self, job_id: str) -> BatchJob:
        batch = self._batch_client().batches.retrieve(job_id)
        counts = batch.request_counts
        state = "running" if batch.status in _RUNNING else str(batch.status)
        message = None
        errors = getattr(batch.errors, "data", None) if batch.errors else None
        if errors:
            message = "; ".join(str(getattr(e, "message", e)) for e in errors[:3])
        return BatchJob(
            id=str(batch.id), state=state,
            total=counts.total if counts else 0,
            completed=counts.completed if counts else 0,
            failed=counts.failed if counts else 0,
            message=message,
        )

    def cancel_batch(self, job_id: str) -> None:
        self._batch_client().batches.cancel(job_id)

    def batch_results(self, job_id: str) -> BatchResults:
        client = self._batch_client()
        batch = client.batches.retrieve(job_id)
        logprobs = bool((getattr(self, "generation_kwargs", None) or {}).get("logprobs"))
        results: BatchResults = {}
        for file_id in (batch.output_file_id, batch.error_file_id):
            if not file_id:
                continue
            for raw in client.files.content(file_id).content.splitlines():
                if raw.strip():
                    line = json.loads(raw)
                    results[str(line.get("custom_id"))] = self._read_line(line, job_id, logprobs)
        return results

    def _read_line(self, line: dict[str, Any], job_id: str, logprobs: bool) -> Any:
        """One line of an output or error file: the row's output, or why it failed."""
        name = type(self).__name__
        response = line.get("response") or {}
        status = response.get("status_code")
        body: dict[str, Any] = response.get("body") or {}
        if line.get("error") or status != 200:
            error = line.get("error") or body.get("error") or {}
            message = error.get("message") if isinstance(error, dict) else str(error)
            code = error.get("code") if isinstance(error, dict) else None
            what = f"HTTP {status}" if status else str(code or "an error")
            return LLMRequestError(
                f"{name}: batch job {job_id} failed this request with {what}: {message}",
                llm=name, status=status,
                retryable=status is None or status == 429 or status >= 500,
                kind="transient" if status is None or status >= 500 else "rejected",
            )
        try:
            text = body.get("object") == "text_completion"
            completion = read_completion(body, logprobs, text=text)
        except MalformedResponseError as exc:
            error = InvalidLLMOutputError(
                f"{name}: the answer in batch job {job_id} for model"
                f" '{self._batch_model()}' {exc}. The row is recorded as failed, with the raw"
                " response."
            )
            error.raw = body  # type: ignore[attr-defined]
            return error
        return merge_completions([completion], max(1, len(completion.texts)), logprobs)

