"""The inputs of a convergence step: the step after steps a routing function feeds.

``load >> sample_n_steps(2) >> [gen_a, gen_b, gen_c] >> combine``: each batch of
``load`` reaches two of the generators, and ``combine`` must get, for that batch, the
rows those two made from it and nothing from the third. ``ConvergentInputs`` walks the
routing step's committed batches in order (their headers say where each went) and takes,
for each, as many rows from each chosen step as the batch had; the routed steps keep one
output row per input row, as tasks do.

It reads every predecessor as soon as it sends, whichever batch it waits for: a routed
step that is ahead never blocks on a full channel while another one, behind, waits for
rows the routing step cannot send (that would deadlock).
"""

from __future__ import annotations

import asyncio
from typing import Any, Optional

from distilabel.errors import DistilabelError
from distilabel.pipeline._channels import Channel, StepInputs, TakenBatch
from distilabel.pipeline.storage._store import BatchRecord, StepStore
from distilabel.steps.typing import Row

__all__ = ["ConvergentInputs"]


class ConvergentInputs(StepInputs):
    """Cut the rows of routed steps into input batches aligned with the routing step's
    batches."""

    def __init__(
        self,
        channels: dict[str, Channel],
        offsets: dict[str, int],
        source: StepStore,
        source_name: str,
    ) -> None:
        super().__init__(channels, offsets)
        self._source = source
        self._source_name = source_name
        self._pending: dict[str, asyncio.Future[Any]] = {}
        self._batch, self._within = self._resume_point()

    def _chosen(self, record: BatchRecord) -> list[str]:
        return [pred for pred in self.channels if record.reaches(pred)]

    def _resume_point(self) -> tuple[int, int]:
        """The routing step's batch to go on with, and the rows of it already taken."""
        counts = dict.fromkeys(self.channels, 0)
        for index, record in enumerate(self._source.records):
            chosen = self._chosen(record)
            if not chosen:
                continue
            left = min(self.offsets[pred] - counts[pred] for pred in chosen)
            if left < record.rows:
                return index, max(left, 0)
            for pred in chosen:
                counts[pred] += record.rows
        return len(self._source.records), 0

    async def _pull(self) -> None:
        """Wait until some predecessor still sending sends its next batch (or ends)."""
        for pred, channel in self.channels.items():
            if not self._ended[pred] and pred not in self._pending:
                self._pending[pred] = asyncio.ensure_future(channel.get())
        if not self._pending:
            return
        await asyncio.wait(self._pending.values(), return_when=asyncio.FIRST_COMPLETED)
        for pred in [p for p, future in self._pending.items() if future.done()]:
            batch = self._pending.pop(pred).result()
            if batch is None:
                self._ended[pred] = True
            else:
                self._buffers[pred].extend(batch)

    async def _record(self) -> Optional[BatchRecord]:
        """The routing step's current batch, once committed; ``None`` after its last."""
        while self._batch >= len(self._source.records):
            if all(self._ended.values()):
                return None
            await self._pull()
        return self._source.records[self._batch]

    def _mismatch(self, pred: str, which: str) -> DistilabelError:
        return DistilabelError(
            f"Step '{pred}' made {which} rows than step '{self._source_name}' routed to it, so"
            " its rows cannot be matched with the other routed steps' rows. Steps between a"
            " routing function and the step they feed must keep one output row per input"
            " row (as tasks do)."
        )

    async def take(self, size: Optional[int]) -> Optional[TakenBatch]:
        """Up to ``size`` rows of the routing step's current batch from each step it was
        routed to (everything left when ``None``), or ``None`` once all is taken."""
        if size is None:
            return await self._take_all()
        while (record := await self._record()) is not None:
            chosen = self._chosen(record)
            count = min(size, record.rows - self._within)
            if not chosen or count <= 0:
                self._batch, self._within = self._batch + 1, 0
                continue
            while any(
                len(self._buffers[p]) < count and not self._ended[p] for p in chosen
            ):
                await self._pull()
            parts: list[tuple[str, int, list[Row]]] = []
            for pred in chosen:
                buffer = self._buffers[pred]
                if len(buffer) < count:
                    raise self._mismatch(pred, "fewer")
                parts.append((pred, self.offsets[pred], [buffer.popleft() for _ in range(count)]))
                self.offsets[pred] += count
            self._within += count
            if self._within >= record.rows:
                self._batch, self._within = self._batch + 1, 0
            return TakenBatch(parts, dict(self.offsets))
        extra = next((p for p, buffer in self._buffers.items() if buffer), None)
        if extra is not None:
            raise self._mismatch(extra, "more")
        return None

    async def _take_all(self) -> Optional[TakenBatch]:
        while not all(self._ended.values()):
            await self._pull()
        parts: list[tuple[str, int, list[Row]]] = []
        for pred, buffer in self._buffers.items():
            rows = list(buffer)
            buffer.clear()
            parts.append((pred, self.offsets[pred], rows))
            self.offsets[pred] += len(rows)
        if not any(rows for _p, _s, rows in parts):
            return None
        return TakenBatch(parts, dict(self.offsets))

    def close(self) -> None:
        """Stop waiting on the predecessors (the step stopped)."""
        for future in self._pending.values():
            future.cancel()
        self._pending.clear()
