"""What a rerun redoes: the rows that failed, and what was made from them.

A failed row is committed like any other (its outputs ``None``, its error in
``distilabel_metadata``), so a run never loses a batch for one bad row. Rerun with
``retry_failed=True`` (the default), each step whose committed output holds failed rows
is *rewound* before the engines start:

1. its batches from the first one with a failed row on are dropped, and so are the
   batches of every step after it that consumed rows from the dropped part;
2. before they go, the answers of the rows that *succeeded* in them are put in the
   step's journal, keyed by a digest of the row they answered (its content, not its
   position: rows after a redone filter may move), so they are reused, never asked
   again; only the failed rows (and rows whose input changed) reach the LLM.

Answers are recovered from the rows' ``raw_output_<task>`` metadata, so a task with
``add_raw_output=False`` cannot reuse them: its succeeded rows in a dropped batch are
asked again (the log says how many). A crash at any moment of a rewind is safe: the
journal is written first, then the batches are cut from the last step to the first, and
a step whose successors consumed more than it holds is always rewound.

``Answers`` is how the runners look answers up: by row key (``pred:offset``, written by
the async runners as answers arrive, for kill -9 resumes) or by the row's digest.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Optional

from distilabel.llms.typing import GenerateOutput
from distilabel.pipeline._dag import DAG
from distilabel.pipeline.storage._store import StepStore, json_default
from distilabel.steps.tasks._base import Task
from distilabel.steps.tasks._calls import strip_call_key
from distilabel.steps.tasks._outcome import METADATA_COLUMN
from distilabel.steps.typing import Row

__all__ = ["Answers", "Rewound", "is_digest_key", "keeps_answer", "rewind_failed", "row_digest"]

_logger = logging.getLogger("distilabel.pipeline")
_DIGEST_PREFIX = "#"


def row_digest(row: Row) -> str:
    """A digest of a row's content (key order does not matter)."""
    text = json.dumps(
        row, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=json_default
    )
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def is_digest_key(key: str) -> bool:
    """Whether a journal key is a digest key (not ``pred:offset``)."""
    return key.startswith(_DIGEST_PREFIX)


def keeps_answer(key: str, offsets: dict[str, int]) -> bool:
    """Whether a journaled answer is still wanted by a step that has consumed
    ``offsets`` rows of each predecessor: a digest key always, a ``pred:offset`` key (or
    a call's ``@n|pred:offset``) when that row is still to come."""
    if is_digest_key(key):
        return True
    pred, _, offset = strip_call_key(key).rpartition(":")
    return pred in offsets and int(offset) >= offsets[pred]


def _digest_key(digest: str, occurrence: int) -> str:
    return f"{_DIGEST_PREFIX}{digest}#{occurrence}"


class Answers:
    """LLM answers known before a step runs: from its journal, by row key or digest.

    Each answer is used once. Equal rows (the same content twice) each get their own
    answer, in order, as they did in the earlier run.
    """

    def __init__(self, entries: dict[str, Any]) -> None:
        self.by_key: dict[str, Any] = {}
        self.by_digest: dict[str, list[tuple[str, Any]]] = {}
        for key, value in entries.items():
            if is_digest_key(key):
                digest = key[len(_DIGEST_PREFIX):].partition("#")[0]
                self.by_digest.setdefault(digest, []).append((key, value))
            else:
                self.by_key[key] = value
        for found in self.by_digest.values():
            found.sort(key=lambda item: int(item[0].rpartition("#")[2]))
        self.reused = 0

    def __bool__(self) -> bool:
        return bool(self.by_key) or bool(self.by_digest)

    def take(self, key: str, row: Optional[Row]) -> Optional[GenerateOutput]:
        """The known answer for the row ``row`` (key ``key``), removed; ``None`` if none
        (by key only when ``row`` is not given)."""
        value = self.by_key.pop(key, None)
        if value is None and self.by_digest and row is not None:
            found = self.by_digest.get(row_digest(row))
            if found:
                value = found.pop(0)[1]
        if value is not None:
            self.reused += 1
        return value  # type: ignore[no-any-return]

    def remaining(self) -> list[tuple[str, Any]]:
        """The answers not taken yet, as journal entries."""
        entries = list(self.by_key.items())
        for found in self.by_digest.values():
            entries.extend(found)
        return entries


@dataclass
class Rewound:
    """What rewinding did to one step."""

    kept_batches: int
    dropped_batches: int
    retried: int
    """Failed rows (of this step) in the dropped batches: this run retries them."""
    reusable: int
    """Succeeded answers saved to the journal, to be reused instead of asked again."""
    lost: int = 0
    """Succeeded rows whose answers could not be saved (no raw output recorded)."""


def rewind_failed(dag: DAG, order: list[str], stores: dict[str, StepStore]) -> dict[str, Rewound]:
    """Rewind every step with failed rows (and the steps after them); see the module
    docstring. Returns what was done, per rewound step."""
    cuts = _cuts(dag, order, stores)
    if not cuts:
        return {}
    rewound: dict[str, Rewound] = {}
    for name in order:
        if name not in cuts:
            continue
        store, cut = stores[name], cuts[name]
        step = dag.steps[name]
        saved, lost = 0, 0
        if isinstance(step, Task) and step.reuses_answers:
            saved, lost = _save_answers(dag, name, step, stores, cuts)
        rewound[name] = Rewound(
            kept_batches=cut,
            dropped_batches=store.committed_batches - cut,
            retried=sum(r.errors for r in store.records[cut:]),
            reusable=saved,
            lost=lost,
        )
    for name in reversed(order):  # the last first: a crash midway leaves a rewindable state
        if name in cuts:
            stores[name].truncate(cuts[name])
    for name, info in rewound.items():
        _log(name, info)
    return rewound


def _log(name: str, info: Rewound) -> None:
    reasons = []
    if info.retried:
        reasons.append(f"retrying {info.retried} failed rows")
    else:
        reasons.append("redoing rows made from rows retried before it")
    if info.reusable:
        reasons.append(f"{info.reusable} earlier answers reused, not asked again")
    if info.lost:
        reasons.append(
            f"{info.lost} succeeded rows asked again: the task keeps no raw output"
            " (add_raw_output=False)"
        )
    _logger.info(
        "Step '%s': %s (from batch %d on; %s).", name, reasons[0], info.kept_batches,
        "; ".join(reasons[1:]) or "nothing else to reuse",
    )


def _cuts(dag: DAG, order: list[str], stores: dict[str, StepStore]) -> dict[str, int]:
    """Per step to rewind, how many of its committed batches stay."""
    cuts: dict[str, int] = {}
    kept: dict[str, int] = {}

    def kept_rows(pred: str, target: str) -> int:
        """Rows ``pred`` keeps that went to ``target`` (a routing function may have sent
        some of its batches elsewhere)."""
        return sum(r.rows for r in stores[pred].records[: kept[pred]] if r.reaches(target))

    for name in order:
        store = stores[name]
        records = store.records
        cut = next((i for i, r in enumerate(records) if r.errors), len(records))
        for pred in dag.predecessors[name]:
            # Rows of ``pred`` beyond what it keeps are redone (or were never committed):
            # whatever consumed them is redone too.
            limit = kept_rows(pred, name)
            beyond = (i for i, r in enumerate(records) if r.consumed.get(pred, 0) > limit)
            cut = min(cut, next(beyond, len(records)))
        if not records and store.done and any(p in cuts for p in dag.predecessors[name]):
            cut = -1  # a step that made no rows from what is now redone
        if cut < len(records):
            cuts[name] = max(cut, 0)
        kept[name] = cuts.get(name, len(records))
    return cuts


class _RowCursor:
    """The committed rows of one store that went to step ``target``, read forward from
    an offset (counted in those rows)."""

    def __init__(self, store: StepStore, start: int, target: str) -> None:
        self._batches = self._iter(store, start, target)
        self._buffer: list[Row] = []
        self.offset = start

    @staticmethod
    def _iter(store: StepStore, start: int, target: str) -> Iterator[list[Row]]:
        offset = 0
        for record, body in store.iter_records():
            if not record.reaches(target):
                continue
            end = offset + record.rows
            if end > start:
                rows: list[Row] = json.loads(body)
                yield rows[max(0, start - offset):]
            offset = end

    def take(self, count: int) -> list[Row]:
        """The next ``count`` rows (fewer at the end)."""
        while len(self._buffer) < count:
            batch = next(self._batches, None)
            if batch is None:
                break
            self._buffer.extend(batch)
        taken, self._buffer = self._buffer[:count], self._buffer[count:]
        self.offset += len(taken)
        return taken


def _save_answers(
    dag: DAG, name: str, task: Task, stores: dict[str, StepStore], cuts: dict[str, int]
) -> tuple[int, int]:
    """Put the answers of the succeeded rows of ``name``'s batches that will be dropped
    into its journal, keyed by the digest of the row they answered; the journal's own
    answers keyed by position in a predecessor that is rewound too become digest keys.
    Returns ``(saved, lost)``: answers saved, succeeded rows without a raw output."""
    store, cut = stores[name], cuts[name]
    preds = dag.predecessors[name]
    start = store.records[cut - 1].consumed if cut else {}
    cursors = {p: _RowCursor(stores[p], start.get(p, 0), name) for p in preds}
    per_input = 1 if task.group_generations else task.num_generations
    entries: dict[str, Any] = {}
    occurrences: dict[str, int] = {}
    saved = lost = 0

    def add(row: Row, output: GenerateOutput) -> None:
        digest = row_digest(row)
        occurrence = occurrences.get(digest, 0)
        occurrences[digest] = occurrence + 1
        entries[_digest_key(digest, occurrence)] = output

    previous = dict(start)
    for record, body in itertools.islice(store.iter_records(), cut, None):
        inputs: list[Row] = []
        for pred in preds:
            count = record.consumed.get(pred, 0) - previous.get(pred, 0)
            inputs.extend(cursors[pred].take(count))
        previous = dict(record.consumed)
        outputs: list[Row] = json.loads(body)
        if len(outputs) != per_input * len(inputs):
            continue  # not one group of rows per input row: nothing can be matched
        for index, row in enumerate(inputs):
            answer, succeeded = _recover(task, outputs[index * per_input:(index + 1) * per_input])
            if answer is not None:
                add(row, answer)
                saved += 1
            elif succeeded:
                lost += 1
    journal = store.load_journal(lambda _key: True)
    by_position: list[tuple[str, int, Any]] = []
    for key, output in journal.items():
        pred, _, position = key.rpartition(":")
        if is_digest_key(key) or pred not in cuts or pred not in cursors:
            entries.setdefault(key, output)
        else:
            by_position.append((pred, int(position), output))
    for pred, offset, output in sorted(by_position, key=lambda item: (item[0], item[1])):
        cursor = cursors[pred]
        if offset >= cursor.offset:
            cursor.take(offset - cursor.offset)
            found = cursor.take(1)
            if found:
                add(found[0], output)
    store.rewrite_journal(list(entries.items()))
    return saved, lost


def _recover(task: Task, rows: list[Row]) -> tuple[Optional[GenerateOutput], bool]:
    """``(answer, succeeded)`` for the output rows one input row made: the LLM answer
    rebuilt from their metadata (``None`` when a row failed or no raw output was
    recorded), and whether every row succeeded."""
    name = task.name
    metas: list[dict[str, Any]] = [r.get(METADATA_COLUMN) for r in rows]  # type: ignore[misc]
    if not metas or any(type(m) is not dict or m.get(f"error_{name}") for m in metas):
        return None, False
    raw_key, stats_key, logprobs_key = (
        f"raw_output_{name}", f"statistics_{name}", f"logprobs_{name}")
    if any(raw_key not in m for m in metas):
        return None, True
    if task.group_generations:
        meta = metas[0]
        generations = meta[raw_key]
        if not isinstance(generations, list):
            return None, True
        statistics = meta.get(stats_key) or {}
        answer: dict[str, Any] = {"generations": generations, "statistics": statistics}
        if meta.get(logprobs_key) is not None:
            answer["logprobs"] = meta[logprobs_key]
        return answer, True  # type: ignore[return-value]
    generations = [m[raw_key] for m in metas]
    if not all(isinstance(g, str) for g in generations):
        return None, True
    per_row = [m.get(stats_key) or {} for m in metas]
    statistics = {
        key: [stats.get(key) for stats in per_row]
        for key in dict.fromkeys(k for stats in per_row for k in stats)
    }
    answer = {"generations": generations, "statistics": statistics}
    logprobs = [m.get(logprobs_key) for m in metas]
    if any(lp is not None for lp in logprobs):
        answer["logprobs"] = logprobs
    return answer, True  # type: ignore[return-value]
