"""Offline batch generation for ``AnthropicLLM`` through Message Batches.

A job is one ``POST /v1/messages/batches`` holding its requests inline (at most 100,000
requests and 256 MB); it is polled (``GET .../{id}``) until ``processing_status`` is
``ended`` and its results are read from ``results_url`` as JSONL, each ``succeeded``,
``errored``, ``canceled`` or ``expired``. The Messages API has no ``n``: a row asking for
several generations sends that many requests (request ids ``<row id>_g<k>``), joined again
when the results are read. Message batches carry no metadata, so a job created in the
instant before its id was journaled cannot be found again (``find_batch`` returns None).
The calls go through the official ``anthropic`` SDK.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, ClassVar, Mapping

from distilabel.errors import LLMRequestError
from distilabel.llms import (
    BatchJob,
    BatchResults,
    Generation,
    OfflineBatchGeneration,
    generate_defaults,
    join_generations,
)
from distilabel.typing import FormattedInput

__all__ = ["AnthropicBatchAPI", "message_params"]

_GENERATION = "_g"


def message_params(model: str, input: FormattedInput, max_tokens: int,
                   **options: Any) -> dict[str, Any]:
    """The Messages request for one conversation (``system`` messages become ``system``);
    ``options`` left ``None`` are left out.

    Raises:
        ValueError: ``input`` is a raw prompt string.
    """
    from distilabel.llms import split_system

    messages = input[0] if isinstance(input, tuple) else input
    if isinstance(messages, str):
        raise ValueError(
            "AnthropicLLM takes conversations, not raw prompt strings: the API applies"
            " the model's chat template itself. Give a list of messages."
        )
    system, turns = split_system(messages)
    params: dict[str, Any] = {"model": model, "messages": turns, "max_tokens": max_tokens}
    params.update({k: v for k, v in {"system": system, **options}.items() if v is not None})
    return params


class AnthropicBatchAPI(OfflineBatchGeneration):
    """The Message Batches hooks of ``AnthropicLLM``."""

    batch_max_requests: ClassVar[int] = 100_000
    batch_max_bytes: ClassVar[int] = 256 * 1024 * 1024

    def batch_request(self, custom_id: str, input: FormattedInput, num_generations: int) -> bytes:
        llm: Any = self
        kwargs = {**generate_defaults(type(self)), **(llm.generation_kwargs or {})}
        params = message_params(llm.model, input, **kwargs)
        ids = [custom_id] if num_generations == 1 else [
            f"{custom_id}{_GENERATION}{k}" for k in range(num_generations)]
        return "".join(json.dumps({"custom_id": i, "params": params}, ensure_ascii=False) + "\n"
                       for i in ids).encode("utf-8")

    def _batch_client(self) -> Any:
        import anthropic

        from distilabel.llms import require_api_key

        llm: Any = self
        key = require_api_key(type(self).__name__, llm.api_key, "ANTHROPIC_API_KEY")
        return anthropic.Anthropic(api_key=key, base_url=llm.base_url,
                                   max_retries=llm.max_retries, timeout=llm.timeout)

    def submit_batch(self, content: bytes, metadata: Mapping[str, str]) -> str:
        requests = [json.loads(line) for line in content.splitlines() if line.strip()]
        return str(self._batch_client().messages.batches.create(requests=requests).id)

    def batch_status(self, job_id: str) -> BatchJob:
        batch = self._batch_client().messages.batches.retrieve(job_id)
        counts = batch.request_counts
        failed = counts.errored + counts.canceled + counts.expired
        total = counts.processing + counts.succeeded + failed
        if batch.processing_status != "ended":
            state = "running"
        elif counts.succeeded == 0 and counts.expired:
            state = "expired"
        elif counts.canceled:
            state = "cancelled"
        else:
            state = "completed" if not counts.expired else "expired"
        return BatchJob(id=str(batch.id), state=state, total=total,
                        completed=counts.succeeded, failed=failed)

    def cancel_batch(self, job_id: str) -> None:
        self._batch_client().messages.batches.cancel(job_id)

    def batch_results(self, job_id: str) -> BatchResults:
        name = type(self).__name__
        parts: dict[str, list[tuple[int, Any]]] = defaultdict(list)
        for entry in self._batch_client().messages.batches.results(job_id):
            row, _, generation = entry.custom_id.partition(_GENERATION)
            parts[row].append((int(generation or 0), self._read(entry.result, job_id, name)))
        results: BatchResults = {}
        for row, found in parts.items():
            found.sort(key=lambda item: item[0])
            error = next((r for _, r in found if isinstance(r, Exception)), None)
            generations = [r for _, r in found]
            results[row] = error if error is not None else join_generations(
                generations, len(generations))
        return results

    @staticmethod
    def _read(result: Any, job_id: str, name: str) -> Any:
        kind = getattr(result, "type", None)
        if kind == "succeeded":
            message = result.message
            texts = [b.text for b in message.content if getattr(b, "type", None) == "text"]
            return Generation(text="".join(texts) if texts else None,
                              input_tokens=int(message.usage.input_tokens or 0),
                              output_tokens=int(message.usage.output_tokens or 0))
        if kind == "errored":
            error = getattr(getattr(result, "error", None), "error", None)
            what = f"{getattr(error, 'type', 'an error')}: {getattr(error, 'message', '')}"
            return LLMRequestError(f"{name}: batch {job_id} failed this request with {what}",
                                   llm=name, retryable=True, kind="transient")
        return LLMRequestError(
            f"{name}: batch {job_id} did not answer this request ({kind}); a rerun submits it"
            " again.", llm=name, retryable=True, kind="transient",
        )

