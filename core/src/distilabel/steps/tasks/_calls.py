"""Several LLM calls per row: ``LLMCalls``, the journal of each call, and the drivers.

A multi-call task (``MultiCallTask``) writes one coroutine per row that awaits its LLM
through an ``LLMCalls`` object as often as it needs (Evol rounds, multi-turn
conversations, generate-then-refine)::

    async def generate_row(self, row, llm):
        draft = await llm.text([{"role": "user", "content": row["instruction"]}])
        return {"answer": await llm.text([{"role": "user", "content": "Improve: " + draft}])}

Each call is numbered within its row and, when the engine gives a journal, recorded
there as soon as it is answered (keyed by the row and the call's number, with a digest of
what was asked), so a run killed with SIGKILL and resumed replays finished calls from the
journal instead of asking again; a call whose input differs from the journaled one (a
changed prompt) is asked again.

How the calls reach the LLM depends on its kind:

- an ``AsyncLLM``: every row's coroutine runs concurrently and each call goes through
  the LLM's limiter (``max_concurrency``, ``requests_per_minute``), so calls of different
  rows are in flight together;
- a synchronous ``LLM`` (a local model that batches): the rows' coroutines run in
  lockstep on a private loop, and the calls pending when every row is waiting are sent
  as one batch (grouped by ``num_generations`` and generation kwargs), so the model still
  batches.

A call that fails raises in its row's coroutine: that row fails (its error recorded, its
finished calls kept in the journal for a retry) and the other rows go on.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import hashlib
import json
from collections.abc import Awaitable
from typing import Any, Callable, Optional, Protocol, Union

from distilabel.llms import LLM, AsyncLLM
from distilabel.llms.typing import GenerateOutput
from distilabel.steps.typing import Row
from distilabel.typing import FormattedInput

__all__ = [
    "CALL_KEY_PREFIX",
    "CallJournal",
    "LLMCalls",
    "RowAnswer",
    "call_key",
    "calls_of",
    "run_rows",
    "strip_call_key",
]

CALL_KEY_PREFIX = "@"
"""Journal keys of single calls: ``@<call>|<row key>``."""

RowAnswer = dict[str, Any]
"""What a multi-call row produced: ``columns``, ``statistics`` (summed over the calls),
``raw_inputs`` / ``raw_outputs`` (per call) and ``calls`` (how many)."""

Send = Callable[[FormattedInput, int, dict[str, Any]], Awaitable[GenerateOutput]]


def call_key(row_key: str, index: int) -> str:
    """The journal key of call ``index`` of the row keyed ``row_key``."""
    return f"{CALL_KEY_PREFIX}{index}|{row_key}"


def strip_call_key(key: str) -> str:
    """The row key of a call's journal key (``key`` itself for a row's key)."""
    if key.startswith(CALL_KEY_PREFIX):
        return key.partition("|")[2]
    return key


class CallJournal(Protocol):
    """Where one row's calls are journaled (given by the engine; see the runners)."""

    def get(self, index: int) -> Optional[dict[str, Any]]:
        """The journaled entry of call ``index`` (``{"input": digest, "output": ...}``)."""

    def record(self, index: int, entry: dict[str, Any]) -> None:
        """Journal call ``index``'s entry, durably before the next call is made."""


def _digest(input: Any, num_generations: int, kwargs: dict[str, Any]) -> str:
    text = json.dumps(
        [input, num_generations, kwargs], sort_keys=True, ensure_ascii=False,
        default=repr,
    )
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class LLMCalls:
    """The LLM as one row's coroutine sees it: ``await llm.text(input)`` or
    ``await llm.generate(input, num_generations)``, as many times as the row needs.

    Inputs are what ``format_input`` would return: a conversation, a raw prompt string,
    or either paired with a structured-output request. Generation kwargs given here
    override the LLM's ``generation_kwargs`` for that call.
    """

    def __init__(self, send: Send, journal: Optional[CallJournal] = None) -> None:
        self._send = send
        self._journal = journal
        self.calls = 0
        """Calls made so far (journaled ones included)."""
        self.replayed = 0
        """Calls answered from the journal instead of the LLM."""
        self.raw_inputs: list[Any] = []
        self.raw_outputs: list[Any] = []
        self.input_tokens = 0
        self.output_tokens = 0

    async def generate(
        self, input: FormattedInput, num_generations: int = 1, **kwargs: Any
    ) -> GenerateOutput:
        """One call: ``num_generations`` answers to ``input`` (a ``GenerateOutput``).

        Raises:
            Exception: whatever the LLM raised; the row fails with it unless caught.
        """
        index = self.calls
        self.calls += 1
        digest = _digest(input, num_generations, kwargs)
        output: Optional[GenerateOutput] = None
        if self._journal is not None:
            entry = self._journal.get(index)
            if isinstance(entry, dict) and entry.get("input") == digest:
                output = entry.get("output")
                self.replayed += 1
        if output is None:
            output = await self._send(input, num_generations, kwargs)
            if self._journal is not None:
                self._journal.record(index, {"input": digest, "output": output})
        self.raw_inputs.append(input)
        generations = output["generations"]
        self.raw_outputs.append(generations[0] if len(generations) == 1 else generations)
        stats: dict[str, Any] = output.get("statistics") or {}  # type: ignore[assignment]
        self.input_tokens += _tokens(stats.get("input_tokens"))
        self.output_tokens += _tokens(stats.get("output_tokens"))
        return output

    async def text(self, input: FormattedInput, **kwargs: Any) -> str:
        """One call, one answer: its text.

        Raises:
            ValueError: the LLM gave no text.
        """
        output = await self.generate(input, 1, **kwargs)
        text = output["generations"][0]
        if text is None:
            raise ValueError(f"call {self.calls} of this row got no text from the LLM")
        return text

    def answer(self, columns: dict[str, Any]) -> RowAnswer:
        """The row's answer: its columns and what the calls cost."""
        statistics: dict[str, Any] = {"calls": self.calls}
        if self.input_tokens or self.output_tokens:
            statistics["input_tokens"] = self.input_tokens
            statistics["output_tokens"] = self.output_tokens
        return {
            "columns": columns,
            "statistics": statistics,
            "raw_inputs": self.raw_inputs,
            "raw_outputs": self.raw_outputs,
        }


def _tokens(value: Any) -> int:
    values = value if isinstance(value, list) else [value]
    return sum(v for v in values if isinstance(v, int) and not isinstance(v, bool))


RowCoroutine = Callable[[Row, LLMCalls], Awaitable[dict[str, Any]]]
Result = Union[RowAnswer, Exception]


async def run_row(
    generate_row: RowCoroutine, row: Row, send: Send, journal: Optional[CallJournal]
) -> RowAnswer:
    """Run one row's coroutine; its answer (columns and the calls' cost)."""
    calls = LLMCalls(send, journal)
    try:
        columns = await generate_row(row, calls)
    except Exception as exc:
        raise _with_calls(exc, calls.answer({})) from None
    if not isinstance(columns, dict):
        raise TypeError(
            f"generate_row must return a dict of output columns, got {type(columns).__name__}"
        )
    return calls.answer(columns)


_CALLS_ATTRIBUTE = "distilabel_row_calls"


def _with_calls(exc: Exception, answer: RowAnswer) -> Exception:
    """``exc`` carrying the failed row's calls (what was asked and answered before it
    failed), so the row keeps its raw texts; a copy when another row's failure already
    carries this exception object (one LLM error shared by a batch)."""
    failure = copy.copy(exc) if hasattr(exc, _CALLS_ATTRIBUTE) else exc
    setattr(failure, _CALLS_ATTRIBUTE, answer)
    return failure


def calls_of(exc: Exception) -> Optional[RowAnswer]:
    """The calls a failed row made before failing (``raw_inputs``, ``raw_outputs``,
    ``statistics``), or ``None`` when it failed before any call was recorded."""
    answer = getattr(exc, _CALLS_ATTRIBUTE, None)
    return answer if isinstance(answer, dict) else None


class _Batcher:
    """Collects the calls of rows running in lockstep and sends them to a sync LLM in
    batches."""

    def __init__(self, llm: LLM) -> None:
        self.llm = llm
        self.pending: list[tuple[FormattedInput, int, dict[str, Any], asyncio.Future[Any]]] = []

    async def send(
        self, input: FormattedInput, num_generations: int, kwargs: dict[str, Any]
    ) -> GenerateOutput:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending.append((input, num_generations, kwargs, future))
        return await future  # type: ignore[no-any-return]

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        groups: dict[str, list[tuple[FormattedInput, int, dict[str, Any], asyncio.Future[Any]]]]
        groups = {}
        for item in pending:
            groups.setdefault(_digest(None, item[1], item[2]), []).append(item)
        for items in groups.values():
            _, count, kwargs, _ = items[0]
            outputs = self.llm.generate_outputs_isolated(
                [i[0] for i in items], num_generations=count, **kwargs
            )
            for item, output in zip(items, outputs, strict=True):
                if isinstance(output, Exception):
                    item[3].set_exception(output)
                else:
                    item[3].set_result(output)


_SETTLE_ROUNDS = 3
"""Loop turns without progress after which every row is taken to be waiting for a call."""


async def _lockstep(
    generate_row: RowCoroutine,
    rows: list[Row],
    journals: list[Optional[CallJournal]],
    batcher: _Batcher,
) -> list[Result]:
    tasks = [
        asyncio.ensure_future(run_row(generate_row, row, batcher.send, journal))
        for row, journal in zip(rows, journals, strict=True)
    ]
    quiet = 0
    last: tuple[int, int] = (-1, -1)
    while not all(t.done() for t in tasks):
        await asyncio.sleep(0)
        state = (len(batcher.pending), sum(t.done() for t in tasks))
        quiet = quiet + 1 if state == last else 0
        last = state
        if batcher.pending and quiet >= _SETTLE_ROUNDS:
            batcher.flush()
            quiet = 0
    return [_result(t) for t in tasks]


def _result(task: asyncio.Future[Any]) -> Result:
    exc = task.exception()
    return exc if isinstance(exc, Exception) else task.result()  # type: ignore[no-any-return]


async def _concurrent(
    generate_row: RowCoroutine,
    rows: list[Row],
    journals: list[Optional[CallJournal]],
    llm: AsyncLLM,
) -> list[Result]:
    async def send(input: FormattedInput, count: int, kwargs: dict[str, Any]) -> GenerateOutput:
        return await llm.agenerate_output(input, count, **kwargs)

    results = await asyncio.gather(
        *(run_row(generate_row, r, send, j) for r, j in zip(rows, journals, strict=True)),
        return_exceptions=True,
    )
    out: list[Result] = []
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, Exception):
            raise result
        out.append(result)  # type: ignore[arg-type]
    return out


def run_rows(
    generate_row: RowCoroutine,
    llm: LLM,
    rows: list[Row],
    journals: Optional[list[Optional[CallJournal]]] = None,
) -> list[Result]:
    """Run every row's coroutine to its answer (or its error), from a thread without a
    running event loop or from one with (a notebook)."""
    slots: list[Optional[CallJournal]] = (
        journals if journals is not None else [None] * len(rows)
    )
    if isinstance(llm, AsyncLLM):
        return llm.run_coroutine(_concurrent(generate_row, rows, slots, llm))
    batcher = _Batcher(llm)

    def run() -> list[Result]:
        return asyncio.run(_lockstep(generate_row, rows, slots, batcher))

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()
