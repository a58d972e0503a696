"""How rows travel between steps: bounded channels and the input batcher of a step.

A channel carries one predecessor's batches to one step: first the batches the
predecessor committed in earlier runs (read back from its store, skipping the rows the
step already consumed), then live batches through a bounded ``asyncio.Queue`` whose
size gives backpressure. ``StepInputs`` cuts the incoming rows of all predecessors into
the step's input batches and tracks how many rows of each it has taken.
"""

from __future__ import annotations

import asyncio
import collections
import json
from typing import Iterator, Optional

from distilabel.pipeline.storage._store import StepStore
from distilabel.steps.typing import Row

__all__ = ["Channel", "StepInputs", "TakenBatch"]


def _replay(
    store: StepStore, limit: int, skip: int, target: Optional[str]
) -> Iterator[list[Row]]:
    for record, body in store.iter_records(limit):
        if not record.reaches(target):
            continue
        if skip >= record.rows:
            skip -= record.rows
            continue
        rows: list[Row] = json.loads(body)
        if skip:
            rows = rows[skip:]
            skip = 0
        if rows:
            yield rows


class Channel:
    """Batches from one predecessor to one step: replayed ones, then live ones.

    ``target`` names the step; a batch the predecessor routed elsewhere (see
    ``_routing``) is not replayed to it, and ``skip`` counts only rows routed to it.
    """

    def __init__(
        self,
        source: StepStore,
        skip: int,
        live: bool,
        maxsize: int = 4,
        target: Optional[str] = None,
    ) -> None:
        self.queue: asyncio.Queue[Optional[list[Row]]] = asyncio.Queue(maxsize)
        self.target = target
        self._replay: Optional[Iterator[list[Row]]] = (
            _replay(source, source.committed_batches, skip, target)
            if source.committed_rows > skip else None
        )
        self.live = live

    async def get(self) -> Optional[list[Row]]:
        """The next batch, or ``None`` once the predecessor has finished."""
        if self._replay is not None:
            batch = next(self._replay, None)
            if batch is not None:
                return batch
            self._replay = None
        if not self.live:
            return None
        return await self.queue.get()


class TakenBatch:
    """One input batch of a step: rows per predecessor with their starting offsets."""

    __slots__ = ("consumed", "parts")

    def __init__(self, parts: list[tuple[str, int, list[Row]]], consumed: dict[str, int]) -> None:
        self.parts = parts
        self.consumed = consumed

    @property
    def size(self) -> int:
        """Rows in the batch, over all predecessors."""
        return sum(len(rows) for _p, _s, rows in self.parts)

    def concatenated(self) -> tuple[list[Row], list[str]]:
        """All rows one after the other, with a stable key (``pred:offset``) per row."""
        rows: list[Row] = []
        keys: list[str] = []
        for pred, start, part in self.parts:
            rows.extend(part)
            keys.extend(f"{pred}:{start + i}" for i in range(len(part)))
        return rows, keys


class StepInputs:
    """Cut the rows arriving from each predecessor into input batches."""

    def __init__(self, channels: dict[str, Channel], offsets: dict[str, int]) -> None:
        self.channels = channels
        self.offsets = {pred: offsets.get(pred, 0) for pred in channels}
        self._buffers: dict[str, collections.deque[Row]] = {
            pred: collections.deque() for pred in channels
        }
        self._ended = dict.fromkeys(channels, False)

    async def take(self, size: Optional[int]) -> Optional[TakenBatch]:
        """Up to ``size`` rows from each predecessor (all remaining when ``None``), or
        ``None`` when every predecessor is exhausted."""
        parts: list[tuple[str, int, list[Row]]] = []
        for pred, channel in self.channels.items():
            buffer = self._buffers[pred]
            while (size is None or len(buffer) < size) and not self._ended[pred]:
                batch = await channel.get()
                if batch is None:
                    self._ended[pred] = True
                else:
                    buffer.extend(batch)
            count = len(buffer) if size is None else min(size, len(buffer))
            rows = [buffer.popleft() for _ in range(count)]
            parts.append((pred, self.offsets[pred], rows))
            self.offsets[pred] += count
        if not any(rows for _p, _s, rows in parts):
            return None
        return TakenBatch(parts, dict(self.offsets))

    def close(self) -> None:
        """Stop taking (the step stopped); nothing to release here."""
