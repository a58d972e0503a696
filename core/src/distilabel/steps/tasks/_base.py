"""``Task``: a step that turns each row into an LLM input and the LLM's answer into columns.

A task defines ``format_input(row) -> conversation`` and ``format_output(text, row) ->
columns``. The base class calls the LLM, keeps going when single rows fail, and adds the
``model_name`` column and a ``distilabel_metadata`` column holding, per task, the raw
input and output, token statistics and the error of a failed row.

Engines call the LLM row by row for an ``AsyncLLM`` (``agenerate_row``) so requests flow
without waiting for batch boundaries; a task that needs another kind of LLM call (hidden
states, say) overrides ``process`` and is then run batch by batch in a worker thread.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from typing import Any, Mapping, Optional, Sequence, Union

from pydantic import Field, PositiveInt, PrivateAttr

from distilabel.llms import LLM, AsyncLLM
from distilabel.llms._offline import uses_offline_batch
from distilabel.llms.typing import GenerateOutput
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.steps._base import Step, columns_required
from distilabel.steps.tasks._fatal import FatalErrorGuard
from distilabel.steps.tasks._outcome import METADATA_COLUMN, BatchOutcome, outcome_of
from distilabel.steps.typing import Row, StepInput, StepOutput
from distilabel.typing import FormattedInput

__all__ = ["METADATA_COLUMN", "Task"]


_logger = logging.getLogger("distilabel.steps.tasks")
_LOGGED_ERRORS = 3

RowResult = Union[GenerateOutput, Exception]


class Task(Step):
    """Base class of steps that call an LLM once per row.

    Subclasses define ``inputs``, ``outputs``, ``format_input`` and ``format_output``.
    ``task.load()`` loads the LLM; ``next(task.process(rows))`` works without a pipeline.
    """

    llm: LLM = Field(..., description="The LLM that answers each row.")
    num_generations: PositiveInt = Field(
        default=1, description="How many generations to ask for per row."
    )
    group_generations: bool = Field(
        default=False,
        description="Keep the generations of a row in one row (list-valued output columns)"
        " instead of one row per generation.",
    )
    add_raw_output: RuntimeParameter[bool] = Field(
        default=True, description="Record the raw LLM output in `distilabel_metadata`."
    )
    add_raw_input: RuntimeParameter[bool] = Field(
        default=True, description="Record the formatted LLM input in `distilabel_metadata`."
    )
    use_default_structured_output: bool = Field(
        default=False,
        description="Ask the LLM for the structured output the task declares"
        " (`get_structured_output`), e.g. a JSON schema of its answer.",
    )

    _errors_logged: int = PrivateAttr(default=0)
    _declared: Any = PrivateAttr(default=None)
    _fatal: Optional[FatalErrorGuard] = PrivateAttr(default=None)

    # -- to define --------------------------------------------------------------------

    @abstractmethod
    def format_input(self, input: Row) -> FormattedInput:
        """Build the LLM input (a chat conversation) for one row.

        Raise ``ValueError`` for a row that cannot be formatted: that row gets ``None``
        outputs and the error, the others go on.
        """

    @abstractmethod
    def format_output(self, output: Optional[str], input: Optional[Row] = None) -> dict[str, Any]:
        """Turn one generation (``None`` when the LLM gave none) into output columns."""

    def get_structured_output(self) -> Optional[Any]:
        """The structured output this task's answers follow, when it declares one.

        Tasks whose answer has a fixed shape return it (``{"format": "json", "schema":
        MyModel}``, or a pydantic model class); it is used when the task is built with
        ``use_default_structured_output=True``. ``None`` (the default): free text.
        """
        return None

    def validation_problems(self) -> list[str]:
        """What the LLM cannot do of what this task asks for, checked before anything loads."""
        problems = [f"Step '{self.name}': {p}" for p in self.llm.unsupported_features()]
        if self.use_default_structured_output and self.get_structured_output() is None:
            problems.append(
                f"Step '{self.name}': use_default_structured_output=True, but"
                f" {type(self).__name__} declares no structured output"
                " (`get_structured_output` returns None)."
            )
        return problems

    # -- life cycle -------------------------------------------------------------------

    def load(self) -> None:
        """Load the task's LLM (and forget fatal errors of an earlier run)."""
        super().load()
        self._fatal = None
        self.llm.load()

    def unload(self) -> None:
        """Unload the task's LLM."""
        try:
            self.llm.unload()
        finally:
            super().unload()

    # -- columns ----------------------------------------------------------------------

    def get_output_columns(self, available: Optional[set[str]]) -> Optional[set[str]]:
        columns = super().get_output_columns(available)
        if columns is None:
            return None
        return columns | {"model_name", METADATA_COLUMN}

    def expected_output_rows(self, input_rows: Optional[int]) -> Optional[int]:
        if input_rows is None or self.group_generations:
            return input_rows
        return input_rows * self.num_generations

    # -- running ----------------------------------------------------------------------

    def generates_per_row(self) -> bool:
        """Whether engines may call ``agenerate_row`` per row instead of ``process``.

        True for an ``AsyncLLM`` when ``process`` is the base implementation.
        """
        return isinstance(self.llm, AsyncLLM) and type(self).process is Task.process

    def format_row(self, row: Row) -> Union[FormattedInput, Exception]:
        """``format_input`` with its failure returned instead of raised.

        The row's structured output is attached when ``format_input`` gave none: a
        ``structured_output`` column of the row, else the task's declared one when
        ``use_default_structured_output`` is on (the LLM's own applies otherwise).
        """
        try:
            formatted = self.format_input(row)
        except Exception as exc:
            return exc
        if type(formatted) is tuple:
            return formatted
        request = row.get("structured_output")
        if request is None and self.use_default_structured_output:
            request = self._declared_output()
        if request is not None:
            return (formatted, request)  # type: ignore[return-value]
        return formatted

    def _declared_output(self) -> Any:
        declared = self.__pydantic_private__.get("_declared")  # type: ignore[union-attr]
        if declared is None:
            declared = self.get_structured_output()
            self.__pydantic_private__["_declared"] = declared  # type: ignore[index]
        return declared

    async def agenerate_row(self, formatted: FormattedInput) -> GenerateOutput:
        """Ask the (async) LLM for one row's generations, under its limiter."""
        llm = self.llm
        assert isinstance(llm, AsyncLLM)
        return await llm.agenerate_output(formatted, self.num_generations)

    def process(self, inputs: StepInput) -> StepOutput:  # type: ignore[override]
        """Generate for every row and yield the rows with the output columns added."""
        yield self.process_rows(inputs)

    @property
    def reuses_answers(self) -> bool:
        """Whether engines may hand this task answers known from an earlier run
        (``process_rows(..., known)``): true when ``process`` is the base one."""
        return type(self).process is Task.process

    @property
    def fatal_guard(self) -> FatalErrorGuard:
        """Counts this task's fatal LLM errors; tripped, the engine stops the step."""
        if self._fatal is None:
            self._fatal = FatalErrorGuard(self.name)
        return self._fatal

    def process_rows(
        self, inputs: StepInput, known: Optional[Sequence[Optional[GenerateOutput]]] = None
    ) -> list[Row]:
        """``process`` for one batch: the rows with the output columns added.

        ``known`` (one entry per row, or ``None``) holds answers of an earlier run: those
        rows are not sent to the LLM again. Once the fatal guard has tripped nothing is
        sent and every row records the stop.
        """
        formatted = [self.format_row(row) for row in inputs]
        results: list[RowResult] = [
            f if isinstance(f, Exception) else ValueError("not generated") for f in formatted
        ]
        ask: list[int] = []
        for index, fmt in enumerate(formatted):
            answer = known[index] if known is not None else None
            if answer is not None and not isinstance(fmt, Exception):
                results[index] = answer
            elif not isinstance(fmt, Exception):
                ask.append(index)
        guard = self.fatal_guard
        if ask and guard.stopped is not None:
            for index in ask:
                results[index] = guard.stopped
        elif ask:
            if uses_offline_batch(self.llm):  # outside a pipeline: wait for the jobs
                outputs = self.llm.offline_batch_generate(  # type: ignore[attr-defined]
                    [formatted[i] for i in ask], num_generations=self.num_generations,
                    poll_every=self.llm.offline_batch_generation_block_until_done  # type: ignore[attr-defined]
                    or 10.0,
                )
            else:
                outputs = self.llm.generate_outputs_isolated(
                    [formatted[i] for i in ask],  # type: ignore[misc]
                    num_generations=self.num_generations,
                )
            guard.observe_all(outputs)
            for index, output in zip(ask, outputs, strict=False):
                results[index] = output
        return self.build_rows(inputs, formatted, results)

    def build_rows(
        self,
        inputs: StepInput,
        formatted: list[Union[FormattedInput, Exception]],
        results: list[RowResult],
    ) -> list[Row]:
        """Combine input rows, their LLM inputs and LLM results into output rows."""
        context = _RowContext(self)
        out: list[Row] = []
        for row, fmt, result in zip(inputs, formatted, results, strict=True):
            if isinstance(result, Exception):
                self._log_error(result)
            out.extend(
                context.rows_for(row, None if isinstance(fmt, Exception) else fmt, result)
            )
        return out

    def _log_error(self, exc: Exception) -> None:
        self._errors_logged += 1
        if self._errors_logged <= _LOGGED_ERRORS:
            _logger.warning(
                "Step '%s': a row failed (%s: %s); its outputs are None and the error is in"
                " `%s`.", self.name, type(exc).__name__, exc, METADATA_COLUMN,
            )
        elif self._errors_logged == _LOGGED_ERRORS + 1:
            _logger.warning("Step '%s': more rows failed; not logging each.", self.name)

    def outcome(self, rows: list[Row]) -> BatchOutcome:
        """Failed rows, their errors, tokens and repaired text of ``rows`` (this task's
        output), in one pass."""
        return outcome_of(self.name, rows)

    def count_errors(self, rows: list[Row]) -> int:
        """How many of ``rows`` (this task's output) record an error of this task."""
        return self.outcome(rows).errors

    def count_output_tokens(self, rows: list[Row]) -> int:
        """Output tokens the LLM reported for ``rows`` (this task's output), for the
        progress display's tokens/s; 0 where the backend reports none."""
        return self.outcome(rows).output_tokens


class _RowContext:
    """What building the rows of one batch needs, looked up once per batch."""

    def __init__(self, task: Task) -> None:
        name = task.name
        self.task = task
        self.model_name = task.llm.model_name
        self.num_generations = task.num_generations
        self.group = task.group_generations
        self.raw_output_key = f"raw_output_{name}" if task.add_raw_output else None
        self.raw_input_key = f"raw_input_{name}" if task.add_raw_input else None
        self.statistics_key = f"statistics_{name}"
        self.logprobs_key = f"logprobs_{name}"
        self.error_key = f"error_{name}"
        self.empty_outputs = {
            c: None for c in columns_required(task.outputs) if c != "model_name"
        }

    def rows_for(
        self, row: Row, formatted: Optional[FormattedInput], result: RowResult
    ) -> list[Row]:
        if (
            not self.group
            and type(result) is dict
            and len(generations := result["generations"]) == 1
            and not result.get("logprobs")
        ):
            statistics: Mapping[str, list[Any]] = result["statistics"]  # type: ignore[assignment]
            return [self._single(row, formatted, generations[0], statistics)]
        return self._rows_general(row, formatted, result)

    def _single(
        self, row: Row, formatted: Optional[FormattedInput], generation: Optional[str],
        statistics: Mapping[str, list[Any]],
    ) -> Row:
        """One successful generation for one row: the hot path, kept lean."""
        try:
            columns = self.task.format_output(generation, row)
            error = None
        except Exception as exc:
            columns = dict(self.empty_outputs)
            error = f"{type(exc).__name__}: {exc}"
        previous = row.get(METADATA_COLUMN)
        meta: dict[str, Any] = dict(previous) if type(previous) is dict else {}
        if self.raw_output_key:
            meta[self.raw_output_key] = generation
        if self.raw_input_key:
            meta[self.raw_input_key] = _raw_input(formatted)
        if statistics:
            meta[self.statistics_key] = {k: v[0] if v else None for k, v in statistics.items()}
        if error:
            meta[self.error_key] = error
        new = dict(row)
        new.update(columns)
        new["model_name"] = self.model_name
        new[METADATA_COLUMN] = meta
        return new

    def _rows_general(
        self, row: Row, formatted: Optional[FormattedInput], result: RowResult
    ) -> list[Row]:
        error: Optional[str] = None
        logprobs: Optional[list[Any]] = None
        statistics: dict[str, list[Any]] = {}
        if isinstance(result, Exception):
            generations: list[Optional[str]] = [None] * self.num_generations
            error = f"{type(result).__name__}: {result}"
            # An unusable answer (InvalidLLMOutputError) keeps what the LLM returned; an
            # answer that never followed its structured output keeps its texts.
            kept: list[Any] = list(getattr(result, "raw_outputs", None) or [])
            raw: Any = getattr(result, "raw", None)
            if kept:
                raws: list[Any] = (kept + [None] * self.num_generations)[: self.num_generations]
                raw = raws
            else:
                raws = [raw] * self.num_generations
                if raw is None:
                    raw = generations
        else:
            generations = result["generations"]
            raw = raws = generations
            statistics = result.get("statistics") or {}  # type: ignore[assignment]
            logprobs = result.get("logprobs")
        outputs: list[dict[str, Any]] = []
        errors: list[Optional[str]] = []
        for generation in generations:
            try:
                outputs.append(self.task.format_output(generation, row))
                errors.append(error)
            except Exception as exc:
                outputs.append(dict(self.empty_outputs))
                errors.append(error or f"{type(exc).__name__}: {exc}")
        previous = row.get(METADATA_COLUMN)
        base_meta: dict[str, Any] = previous if isinstance(previous, dict) else {}
        if len(outputs) == 1 and not self.group:  # the common case, kept lean
            meta = dict(base_meta)
            if self.raw_output_key:
                meta[self.raw_output_key] = raws[0]
            if self.raw_input_key:
                meta[self.raw_input_key] = _raw_input(formatted)
            if statistics:
                meta[self.statistics_key] = {
                    k: v[0] if v else None for k, v in statistics.items()
                }
            if logprobs:
                meta[self.logprobs_key] = logprobs[0]
            if errors[0]:
                meta[self.error_key] = errors[0]
            new = dict(row)
            new.update(outputs[0])
            new["model_name"] = self.model_name
            new[METADATA_COLUMN] = meta
            return [new]
        if self.group:
            meta = dict(base_meta)
            self._fill(meta, formatted, raw, statistics, logprobs)
            first_error = next((e for e in errors if e), None)
            if first_error:
                meta[self.error_key] = first_error
            grouped: Row = dict(row)
            for column in outputs[0] if outputs else {}:
                grouped[column] = [o.get(column) for o in outputs]
            grouped["model_name"] = self.model_name
            grouped[METADATA_COLUMN] = meta
            return [grouped]
        rows: list[Row] = []
        for index, columns in enumerate(outputs):
            meta = dict(base_meta)
            self._fill(
                meta, formatted, raws[index],
                {k: v[index] if index < len(v) else None for k, v in statistics.items()},
                logprobs[index] if logprobs is not None and index < len(logprobs) else None,
            )
            if errors[index]:
                meta[self.error_key] = errors[index]
            new = dict(row)
            new.update(columns)
            new["model_name"] = self.model_name
            new[METADATA_COLUMN] = meta
            rows.append(new)
        return rows

    def _fill(
        self, meta: dict[str, Any], formatted: Any, raw: Any, statistics: Any, logprobs: Any
    ) -> None:
        if self.raw_output_key:
            meta[self.raw_output_key] = raw
        if self.raw_input_key:
            meta[self.raw_input_key] = _raw_input(formatted)
        if statistics:
            meta[self.statistics_key] = statistics
        if logprobs is not None:
            meta[self.logprobs_key] = logprobs


def _raw_input(formatted: Any) -> Any:
    """The conversation sent to the LLM; a structured input's schema is left out."""
    return formatted[0] if isinstance(formatted, tuple) else formatted
