"""Offline batch generation: a provider's batch API instead of one request per row.

Batch APIs (OpenAI's Batch API, Anthropic's Message Batches) take a file of requests,
answer them within hours at about half the price, and hand back a file of answers. An LLM
that can use one mixes in ``OfflineBatchGeneration`` and implements its provider hooks
(``batch_request``, ``submit_batch``, ``batch_status``, ``batch_results``, and
``find_batch`` where the provider can list jobs by metadata). With
``use_offline_batch_generation=True`` the local engine runs its task through
``pipeline.local._offline_runner``: the task's rows become request files, the jobs are
journaled in the run directory the moment they exist, and a rerun re-attaches to them.

``offline_batch_generate`` does the same outside a pipeline, blocking, without a journal.
"""

from __future__ import annotations

import inspect
import time
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Mapping, Optional, Sequence, Union

from pydantic import BaseModel, Field, NonNegativeFloat

from distilabel.errors import DistilabelError
from distilabel.llms.typing import GenerateOutput
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.typing import FormattedInput

__all__ = [
    "BATCH_FINISHED_STATES",
    "BatchJob",
    "BatchResults",
    "OfflineBatchGeneration",
    "OfflineBatchGenerationNotFinished",
    "generate_defaults",
    "split_ranges",
    "uses_offline_batch",
]

BATCH_FINISHED_STATES = frozenset({"completed", "expired", "cancelled", "failed"})
"""Job states after which a job answers nothing more (``running`` is the only other)."""

BatchResults = dict[str, Union[GenerateOutput, Exception]]
"""A finished job's answers by request id: the row's output, or why it failed."""


@dataclass(frozen=True)
class BatchJob:
    """What the provider says about one job, in the provider's own counts."""

    id: str
    state: str
    """``running`` (validating, queued, in progress, finalizing, cancelling), or one of
    ``BATCH_FINISHED_STATES``."""
    total: int = 0
    completed: int = 0
    failed: int = 0
    message: Optional[str] = None
    """The provider's reason when the job as a whole failed."""

    @property
    def finished(self) -> bool:
        """Whether the job will answer nothing more."""
        return self.state in BATCH_FINISHED_STATES


class OfflineBatchGenerationNotFinished(DistilabelError):
    """Raised when a step's rows wait in batch jobs that have not finished, and the LLM
    was not asked to wait for them (``offline_batch_generation_block_until_done=None``).

    The run stops there; the jobs are journaled in the run directory, and running the
    pipeline again re-attaches to them (nothing is submitted twice). ``jobs_ids`` names
    the jobs, ``step`` the step.
    """

    def __init__(self, message: str, *, step: str = "", jobs_ids: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.step = step
        self.jobs_ids = tuple(jobs_ids)

    def __reduce__(self) -> Any:
        return (type(self), (str(self),), dict(self.__dict__))


class OfflineBatchGeneration(BaseModel):
    """Mixed into an LLM whose provider has a batch API; see the module docstring.

    A provider implements the hooks below; the engine (or ``offline_batch_generate``)
    calls them from a worker thread, one at a time.
    """

    use_offline_batch_generation: bool = Field(
        default=False,
        description="Send the task's rows through the provider's batch API (about half the"
        " price, answers within hours) instead of one request per row. Jobs are journaled"
        " in the run directory; a rerun re-attaches to them.",
    )
    offline_batch_generation_block_until_done: Optional[RuntimeParameter[NonNegativeFloat]] = (
        Field(
            default=None,
            description="With use_offline_batch_generation: wait for the jobs, polling at"
            " most every this many seconds (polls start sooner and back off to it). None:"
            " submit, check once and stop the run; run again later to collect.",
        )
    )

    speed_only_fields: ClassVar[frozenset[str]] = frozenset(
        {"offline_batch_generation_block_until_done"}
    )

    batch_max_requests: ClassVar[int] = 50_000
    """The most requests one job may hold."""
    batch_max_bytes: ClassVar[int] = 200 * 1024 * 1024
    """The largest request file one job may take."""

    # -- provider hooks -------------------------------------------------------------------

    def batch_request(
        self, custom_id: str, input: FormattedInput, num_generations: int
    ) -> bytes:
        """One request of a job's input file (a newline-terminated JSON line) answering
        ``input`` with ``num_generations`` generations, with the LLM's generation kwargs."""
        raise NotImplementedError(f"{type(self).__name__} has no batch API")

    def submit_batch(self, content: bytes, metadata: Mapping[str, str]) -> str:
        """Upload ``content`` (request lines) and create a job tagged with ``metadata``;
        return the job's id."""
        raise NotImplementedError(f"{type(self).__name__} has no batch API")

    def find_batch(self, metadata: Mapping[str, str]) -> Optional[str]:
        """The id of a job created earlier with this ``metadata``, if the provider can
        list them (closes the window between creating a job and journaling its id)."""
        return None

    def batch_status(self, job_id: str) -> BatchJob:
        """The job's state and request counts."""
        raise NotImplementedError(f"{type(self).__name__} has no batch API")

    def batch_results(self, job_id: str) -> BatchResults:
        """A finished job's answers by request id (only the requests it reports on)."""
        raise NotImplementedError(f"{type(self).__name__} has no batch API")

    def cancel_batch(self, job_id: str) -> None:
        """Ask the provider to cancel the job (answers given so far stay readable)."""
        raise NotImplementedError(f"{type(self).__name__} cannot cancel batch jobs")

    # -- outside a pipeline ---------------------------------------------------------------

    def offline_batch_generate(
        self,
        inputs: Sequence[FormattedInput],
        num_generations: int = 1,
        poll_every: float = 10.0,
    ) -> list[Union[GenerateOutput, Exception]]:
        """Answer ``inputs`` through the batch API and wait for them, without a journal
        (a pipeline run journals its jobs; prefer it for anything costly).

        Returns one output per input, or the exception its request failed with.
        """
        lines = [self.batch_request(str(i), input, num_generations)
                 for i, input in enumerate(inputs)]
        ranges = split_ranges(lines, self.batch_max_requests, self.batch_max_bytes)
        jobs = [self.submit_batch(b"".join(lines[a:b]), {"distilabel_chunk": str(n)})
                for n, (a, b) in enumerate(ranges)]
        answers: BatchResults = {}
        wait = min(1.0, poll_every)
        while jobs:
            for job in list(jobs):
                if self.batch_status(job).finished:
                    answers.update(self.batch_results(job))
                    jobs.remove(job)
            if jobs:
                time.sleep(wait)
                wait = min(poll_every, wait * 2)
        return [answers.get(str(i), DistilabelError(f"batch request {i} got no answer"))
                for i in range(len(inputs))]


def split_ranges(
    lines: Sequence[bytes],
    max_requests: int,
    max_bytes: int,
    label: Callable[[int], str] = lambda index: f"{index}",
) -> list[tuple[int, int]]:
    """``(start, end)`` index ranges of ``lines`` (request lines), in order and each line
    whole, that fit one job file each: at most ``max_requests`` lines and ``max_bytes``.

    Raises:
        ValueError: one request (named by ``label(index)``) is larger than a file may be.
    """
    ranges: list[tuple[int, int]] = []
    start, size = 0, 0
    for index, line in enumerate(lines):
        if len(line) > max_bytes:
            raise ValueError(
                f"Batch request '{label(index)}' is {len(line)} bytes, more than a batch"
                f" file may hold ({max_bytes}); shorten its prompt or send it online."
            )
        if index > start and (index - start >= max_requests or size + len(line) > max_bytes):
            ranges.append((start, index))
            start, size = index, 0
        size += len(line)
    if start < len(lines):
        ranges.append((start, len(lines)))
    return ranges


def uses_offline_batch(llm: Any) -> bool:
    """Whether ``llm`` is set to answer through its provider's batch API."""
    return isinstance(llm, OfflineBatchGeneration) and bool(llm.use_offline_batch_generation)


def generate_defaults(cls: type) -> dict[str, Any]:
    """The defaults of ``cls.agenerate``'s (or ``generate``'s) generation keywords: what a
    batch request starts from before the LLM's ``generation_kwargs`` apply, so batched
    rows are asked exactly what online rows would be."""
    method = getattr(cls, "agenerate", None) or cls.generate  # type: ignore[attr-defined]
    return {name: p.default for name, p in inspect.signature(method).parameters.items()
            if name not in ("self", "input", "inputs", "num_generations")
            and p.default is not inspect.Parameter.empty}
