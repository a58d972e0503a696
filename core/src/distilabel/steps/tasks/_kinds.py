"""The other kinds of task: several calls per row, no input rows, all rows at once.

- ``MultiCallTask``: ``async def generate_row(self, row, llm)`` awaits the LLM as often as
  the row needs (``llm.text(...)``, ``llm.generate(...)``) and returns the row's output
  columns; each call is journaled (see ``_calls``).
- ``GeneratorTask``: a task with no input rows (it is a generator step): it makes
  ``num_rows`` rows, ``batch_size`` at a time, each from ``seed_row(index)`` (``{}`` by
  default) through the task's ``format_input`` / ``format_output`` (or ``generate_row``
  when the class is also a ``MultiCallTask``).
- ``GlobalTask``: a task that receives every input row in one batch.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Callable, Optional, Sequence

from pydantic import Field, PositiveInt, PrivateAttr

from distilabel.llms import AsyncLLM
from distilabel.llms.typing import GenerateOutput
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.steps._base import GeneratorStep, GlobalStep
from distilabel.steps.tasks._base import METADATA_COLUMN, RowResult, Task
from distilabel.steps.tasks._calls import (
    CallJournal,
    LLMCalls,
    RowAnswer,
    calls_of,
    run_row,
    run_rows,
)
from distilabel.steps.typing import GeneratorStepOutput, Row, StepInput
from distilabel.typing import FormattedInput

__all__ = ["GeneratorTask", "GlobalTask", "MultiCallTask"]


class MultiCallTask(Task):
    """A task that calls its LLM several times per row.

    Define ``inputs``, ``outputs`` and ``async def generate_row(self, row, llm) -> dict``;
    ``llm`` is an :class:`~distilabel.steps.tasks.LLMCalls`: ``await llm.text(input)``
    returns one answer's text, ``await llm.generate(input, num_generations, **kwargs)``
    a ``GenerateOutput``. Inputs are what ``format_input`` returns in a one-call task (a
    conversation, a raw prompt string, a ``(input, structured_output)`` pair).

    Every call is journaled as it is answered, so a killed run resumed repeats no call
    that had finished; the rows' coroutines run concurrently (an ``AsyncLLM``'s calls
    through its limiter; a local LLM's pending calls batched together). A failing call
    fails its row only (unless ``generate_row`` catches it). ``distilabel_metadata`` keeps
    every call's input and output (``raw_input_<name>`` / ``raw_output_<name>``, lists)
    and ``statistics_<name>``: ``calls`` and the tokens of all calls.
    ``num_generations`` and ``group_generations`` do not apply: ``generate_row`` decides.
    """

    @abstractmethod
    async def generate_row(self, row: Row, llm: LLMCalls) -> dict[str, Any]:
        """The output columns of ``row``, from as many ``await llm...`` calls as needed."""

    def format_input(self, input: Row) -> FormattedInput:
        """Not used: ``generate_row`` builds each call's input."""
        raise NotImplementedError(f"{type(self).__name__} builds its inputs in generate_row")

    def format_output(self, output: Optional[str], input: Optional[Row] = None) -> dict[str, Any]:
        """Not used: ``generate_row`` returns the columns."""
        raise NotImplementedError(f"{type(self).__name__} returns its columns from generate_row")

    def format_row(self, row: Row) -> Any:
        return row

    def expected_output_rows(self, input_rows: Optional[int]) -> Optional[int]:
        return input_rows

    @property
    def reuses_answers(self) -> bool:
        return False

    async def agenerate_row(  # type: ignore[override]
        self, formatted: Any, journal: Optional[CallJournal] = None
    ) -> Any:
        """Run ``generate_row`` for one row (an ``AsyncLLM``), its calls journaled in
        ``journal`` when the engine gives one."""
        llm = self.llm
        assert isinstance(llm, AsyncLLM)

        async def send(input: FormattedInput, count: int, kwargs: dict[str, Any]) -> GenerateOutput:
            return await llm.agenerate_output(input, count, **kwargs)

        return await run_row(self.generate_row, formatted, send, journal)

    def process_rows(
        self,
        inputs: StepInput,
        known: Optional[Sequence[Optional[GenerateOutput]]] = None,
        journals: Optional[list[Optional[CallJournal]]] = None,
    ) -> list[Row]:
        """Run ``generate_row`` for every row of the batch (concurrently) and build the
        output rows; ``journals`` (one per row) journal the calls."""
        results: list[RowResult] = [ValueError("not generated")] * len(inputs)
        ask: list[int] = []
        for index in range(len(inputs)):
            answer = known[index] if known is not None else None
            if answer is not None:
                results[index] = answer
            else:
                ask.append(index)
        guard = self.fatal_guard
        if ask and guard.stopped is not None:
            for index in ask:
                results[index] = guard.stopped
        elif ask:
            outputs = run_rows(
                self.generate_row, self.llm, [inputs[i] for i in ask],
                [journals[i] for i in ask] if journals is not None else None,
            )
            guard.observe_all(outputs)
            for index, output in zip(ask, outputs, strict=True):
                results[index] = output  # type: ignore[assignment]
        return self.build_rows(inputs, list(inputs), results)

    def build_rows(
        self, inputs: StepInput, formatted: list[Any], results: list[RowResult]
    ) -> list[Row]:
        name = self.name
        model_name = self.llm.model_name
        empty = {c: None for c in self.output_column_names() if c != "model_name"}
        out: list[Row] = []
        for row, result in zip(inputs, results, strict=True):
            previous = row.get(METADATA_COLUMN)
            meta: dict[str, Any] = dict(previous) if isinstance(previous, dict) else {}
            new = dict(row)
            if isinstance(result, Exception):
                self._log_error(result)
                new.update(empty)
                meta[f"error_{name}"] = f"{type(result).__name__}: {result}"
                made = calls_of(result)
                if made is not None and made["raw_outputs"]:  # the texts that failed it
                    self._add_calls(meta, made)
            else:
                answer: dict[str, Any] = result  # type: ignore[assignment]
                new.update(answer["columns"])
                self._add_calls(meta, answer)
            new["model_name"] = model_name
            new[METADATA_COLUMN] = meta
            out.append(new)
        return out


    def _add_calls(self, meta: dict[str, Any], answer: RowAnswer) -> None:
        name = self.name
        meta[f"statistics_{name}"] = answer["statistics"]
        if self.add_raw_output:
            meta[f"raw_output_{name}"] = answer["raw_outputs"]
        if self.add_raw_input:
            meta[f"raw_input_{name}"] = answer["raw_inputs"]


class GeneratorTask(Task, GeneratorStep):  # type: ignore[misc]
    """A task with no input rows: it makes ``num_rows`` rows, ``batch_size`` at a time.

    Each row starts as ``seed_row(index)`` (``{}`` unless overridden) and goes through the
    task as an input row would: ``format_input`` / ``format_output``, or ``generate_row``
    when the class is also a ``MultiCallTask`` (``class G(GeneratorTask, MultiCallTask)``).
    A resumed run starts after the rows already committed. Subclasses that count in
    other units (1.x's ``num_instructions``) override ``num_seeds``.
    """

    num_rows: Optional[RuntimeParameter[PositiveInt]] = Field(
        default=None, description="How many rows to generate."
    )
    _call_journals: Optional[Callable[[int], CallJournal]] = PrivateAttr(default=None)
    """Set by the engine for a multi-call generator: the journal of seed row ``index``'s
    calls, so a resumed run repeats none that finished."""

    def process_applying_mappings(self, offset: int = 0) -> GeneratorStepOutput:  # type: ignore[override]
        return GeneratorStep.process_applying_mappings(self, offset)

    @property
    def inputs(self) -> list[str]:
        return []

    def num_seeds(self) -> int:
        """How many seed rows to generate (``num_rows``).

        Raises:
            ValueError: neither ``num_rows`` nor an override says how many.
        """
        if self.num_rows is None:
            raise ValueError(
                f"Generator task '{self.name}' needs `num_rows` (how many rows to generate);"
                " set it on the task or at run time."
            )
        return self.num_rows

    def seed_row(self, index: int) -> Row:
        """The input row the ``index``-th generated row starts from."""
        return {}

    def _rows_per_seed(self) -> int:
        if isinstance(self, MultiCallTask) or self.group_generations:
            return 1
        return self.num_generations

    def total_rows(self) -> Optional[int]:
        try:
            return self.num_seeds() * self._rows_per_seed()
        except ValueError:
            return None

    def expected_output_rows(self, input_rows: Optional[int]) -> Optional[int]:
        return self.total_rows()

    def process(self, offset: int = 0) -> GeneratorStepOutput:  # type: ignore[override]
        """Yield ``(rows, is_last)`` batches of generated rows from row ``offset``."""
        total = self.num_seeds()
        done = offset // self._rows_per_seed()
        size = self.batch_size or 50
        if done >= total:
            yield [], True
            return
        while done < total:
            count = min(size, total - done)
            seeds = [self.seed_row(done + i) for i in range(count)]
            journal = self._call_journals
            if journal is not None and isinstance(self, MultiCallTask):
                journals: list[Optional[CallJournal]] = [journal(done + i) for i in range(count)]
                rows = MultiCallTask.process_rows(self, seeds, None, journals)
            else:
                rows = self.process_rows(seeds)
            done += count
            yield rows, done >= total


class GlobalTask(Task, GlobalStep):  # type: ignore[misc]
    """A task that receives every input row in one batch (a judge that compares rows,
    a task whose prompt needs the whole dataset)."""
