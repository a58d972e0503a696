"""Step base classes: ``Step``, ``GeneratorStep`` and ``GlobalStep``.

A step is a pydantic model (its fields are its configuration, ``RuntimeParameter`` fields
may be set when the pipeline runs) with a ``process`` generator. Steps declare the
columns they read (``inputs``) and add (``outputs``); ``input_mappings`` and
``output_mappings`` rename columns at the step's boundary so steps written for one column
name work on data that uses another.
"""

from __future__ import annotations

import inspect
import re
import sys
from abc import ABC
from typing import Any, ClassVar, Iterator, Mapping, Optional

from pydantic import ConfigDict, Field, PositiveInt, PrivateAttr, model_validator

from distilabel.errors import DistilabelUserError
from distilabel.runtime_parameters import RuntimeParameter, RuntimeParametersModel
from distilabel.serialization import TYPE_INFO_KEY, Serializable, import_type
from distilabel.steps._context import current_pipeline
from distilabel.steps._resources import StepResources
from distilabel.steps.typing import (
    GeneratorStepOutput,
    Row,
    StepColumns,
    StepInput,
    StepOutput,
)

__all__ = ["GeneratorStep", "GlobalStep", "Step", "columns_required"]

_NAME_PATTERN = re.compile(r"^[A-Za-z0-9_\-]+$")


def _snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def columns_required(columns: StepColumns) -> dict[str, bool]:
    """Normalise declared columns to ``{name: required}``."""
    if isinstance(columns, Mapping):
        return {str(k): bool(v) for k, v in columns.items()}
    return {str(c): True for c in columns}


class _Step(RuntimeParametersModel, Serializable, ABC):
    """What every step has: a name, column mappings, a pipeline, ``load``/``unload``."""

    model_config = ConfigDict(
        arbitrary_types_allowed=True,
        validate_default=True,
        extra="forbid",
        protected_namespaces=(),
    )

    name: str = Field(
        default="",
        description="The step's unique name in its pipeline (letters, digits, '_', '-').",
    )
    input_mappings: dict[str, str] = Field(
        default_factory=dict,
        description="Read a column under another name: {step_input_column: data_column}.",
    )
    output_mappings: dict[str, str] = Field(
        default_factory=dict,
        description="Rename output columns: {step_output_column: new_name}.",
    )
    resources: StepResources = Field(
        default_factory=StepResources,
        description="Replicas and per-replica resources on a cluster engine (Ray); the local"
        " engine ignores them.",
    )
    use_cache: bool = Field(
        default=True,
        description="Reuse what earlier runs of the pipeline committed for this step; False"
        " recomputes it (and the steps after it) on every run.",
    )
    pipeline: Any = Field(default=None, exclude=True, repr=False)

    _loaded: bool = PrivateAttr(default=False)

    @model_validator(mode="before")
    @classmethod
    def _prepare(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key, value in data.items():
            if isinstance(value, Mapping) and TYPE_INFO_KEY in value:
                data[key] = _rebuild(value)
        pipeline = data.get("pipeline") or current_pipeline()
        if not data.get("name"):
            base = _snake_case(cls.__name__)
            data["name"] = pipeline._unique_step_name(base) if pipeline else f"{base}_0"
        name = data["name"]
        if not isinstance(name, str) or not _NAME_PATTERN.match(name):
            raise DistilabelUserError(
                f"Invalid step name {name!r} for {cls.__name__}: use letters, digits, '_' and"
                " '-' only (the name is used in parameter paths like 'name.llm.x' and in"
                " directory names)."
            )
        return data

    def model_post_init(self, __context: Any) -> None:
        super().model_post_init(__context)
        if self.pipeline is None:
            self.pipeline = current_pipeline()
        if self.pipeline is not None:
            self.pipeline._add_step(self)

    # -- description ------------------------------------------------------------------

    def runtime_parameters_owner(self) -> str:
        return f"step '{self.name}'"

    @property
    def inputs(self) -> StepColumns:
        """The columns ``process`` reads (a list, or ``{name: required}``)."""
        return []

    @property
    def outputs(self) -> StepColumns:
        """The columns ``process`` adds to each row (a list, or ``{name: required}``)."""
        return []

    @property
    def is_generator(self) -> bool:
        """Whether this step produces rows without inputs."""
        return False

    @property
    def is_global(self) -> bool:
        """Whether this step receives all its input rows in one call."""
        return False

    def takes_multiple_inputs(self) -> bool:
        """Whether ``process`` takes one batch per predecessor (``*inputs``).

        Steps whose ``process`` takes a single batch receive the rows of all their
        predecessors one after the other instead.
        """
        params = inspect.signature(self.process).parameters.values()
        return any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)

    def required_input_columns(self) -> list[str]:
        """The data columns this step needs, after ``input_mappings``."""
        return [
            self.input_mappings.get(col, col)
            for col, required in columns_required(self.inputs).items()
            if required
        ]

    def output_column_names(self) -> list[str]:
        """The columns this step adds, after ``output_mappings``."""
        return [self.output_mappings.get(c, c) for c in columns_required(self.outputs)]

    def get_output_columns(self, available: Optional[set[str]]) -> Optional[set[str]]:
        """The columns rows have after this step, given those they arrive with.

        ``None`` means unknown (the columns are only known at run time). The default
        keeps the incoming columns and adds ``outputs``.
        """
        if available is None:
            return None
        return available | set(self.output_column_names())

    def signature_data(self) -> Any:
        """What, besides its configuration, decides this step's rows (JSON-able).

        Part of the step's cache signature: a loader returns its files' sizes and
        modification times, so editing a data file recomputes the steps that read it.
        """
        return None

    def validation_problems(self) -> list[str]:
        """Problems with this step's configuration found before anything loads, one line
        each naming the step (a task's LLM that cannot do what the task asks, say)."""
        return []

    def expected_output_rows(self, input_rows: Optional[int]) -> Optional[int]:
        """How many rows this step outputs for ``input_rows`` input rows, if predictable.

        Used for progress totals; the default assumes one output row per input row.
        """
        return input_rows

    # -- life cycle -------------------------------------------------------------------

    def load(self) -> None:
        """Acquire what ``process`` needs (clients, models, files). Called by the pipeline."""
        self._loaded = True

    def unload(self) -> None:
        """Release what ``load`` acquired."""
        self._loaded = False

    @property
    def is_loaded(self) -> bool:
        """Whether ``load()`` has run (and ``unload()`` has not since)."""
        return self._loaded

    def process(self, *args: Any, **kwargs: Any) -> Any:
        """Transform rows; defined by every concrete step."""
        raise NotImplementedError(f"{type(self).__name__} must define `process`.")

    # -- mappings ---------------------------------------------------------------------

    def _map_inputs(self, batch: StepInput) -> StepInput:
        """Copy each row with every mapped data column also readable under the step's name."""
        mapped: StepInput = []
        for row in batch:
            new = dict(row)
            for step_col, data_col in self.input_mappings.items():
                if data_col in row:
                    new[step_col] = row[data_col]
            mapped.append(new)
        return mapped

    def _map_outputs(self, batch: list[Row], originals: Optional[StepInput] = None) -> list[Row]:
        """Rename outputs per ``output_mappings`` and undo what input mappings added.

        Output row ``i`` is matched to input row ``i // k`` when the step made ``k`` rows
        per input (``num_generations``); columns the mappings shadowed get their original
        values back, and helper columns added for ``input_mappings`` are removed.
        """
        if not self.input_mappings and not self.output_mappings:
            return batch
        produced = set(columns_required(self.outputs))
        per_input = 0
        if originals and batch and len(batch) % len(originals) == 0:
            per_input = len(batch) // len(originals)
        for index, row in enumerate(batch):
            original = originals[index // per_input] if per_input and originals else None
            for col, new_name in self.output_mappings.items():
                if col in row:
                    row[new_name] = row.pop(col)
                    if original is not None and col in original:
                        row[col] = original[col]
            for step_col in self.input_mappings:
                if step_col in produced and step_col not in self.output_mappings:
                    continue
                if original is not None and step_col in original:
                    row[step_col] = original[step_col]
                elif step_col in row and (original is not None or step_col not in produced):
                    del row[step_col]
        return batch

    # -- composition ------------------------------------------------------------------

    def __rshift__(self, other: Any) -> Any:
        """``a >> b`` connects a to b (and returns b); ``a >> [b, c]`` connects to both."""
        targets = other if isinstance(other, (list, tuple)) else [other]
        for target in targets:
            if not isinstance(target, _Step):
                return NotImplemented
        for target in targets:
            self._connect_to(target)
        return other

    def __rrshift__(self, other: Any) -> Any:
        """``[a, b] >> c`` connects a and b to c (and returns c)."""
        if not isinstance(other, (list, tuple)) or not all(isinstance(s, _Step) for s in other):
            return NotImplemented
        for source in other:
            source._connect_to(self)
        return self

    def connect(self, *steps: _Step) -> None:
        """Connect this step to each of ``steps``: ``a.connect(b, c)`` is ``a >> [b, c]``.

        Raises:
            DistilabelUserError: a step is not a step, or the steps are in no pipeline or
                in different ones.
        """
        for target in steps:
            if not isinstance(target, _Step):
                raise DistilabelUserError(
                    f"Step '{self.name}'.connect() takes steps, got {_describe(target)}."
                )
        for target in steps:
            self._connect_to(target)

    def _connect_to(self, target: _Step) -> None:
        pipeline = self.pipeline or target.pipeline
        if pipeline is None:
            raise DistilabelUserError(
                f"Cannot connect step '{self.name}' to '{target.name}': neither belongs to a"
                " pipeline. Create both inside a `with Pipeline(...):` block."
            )
        if self.pipeline is not target.pipeline:
            raise DistilabelUserError(
                f"Cannot connect step '{self.name}' to '{target.name}': they belong to"
                " different pipelines."
            )
        pipeline._connect(self, target)

    # -- serialization ----------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        """Return a JSON/YAML-friendly dict of this step (nested LLMs included, no secrets)."""
        nested = {
            name: value for name in type(self).model_fields
            if isinstance(value := getattr(self, name), Serializable)
        }
        data = self.model_dump(mode="json", exclude=self._dump_exclude() | set(nested))
        for name, value in nested.items():
            data[name] = value.dump()
        data[TYPE_INFO_KEY] = {
            "module": _public_module(type(self)), "name": type(self).__qualname__
        }
        return data

    def _dump_exclude(self) -> set[str]:
        return super()._dump_exclude() | {"pipeline"}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


def _describe(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:60] + '...' if len(text) > 60 else text}"


def _public_module(cls: type) -> str:
    """The shortest importable package path that exports ``cls`` (``distilabel.steps``
    rather than ``distilabel.steps._columns``), so dumps survive internal moves."""
    parts = cls.__module__.split(".")
    for end in range(1, len(parts)):
        candidate = ".".join(parts[:end])
        if any(p.startswith("_") for p in parts[:end]):
            break
        module = sys.modules.get(candidate)
        if module is not None and getattr(module, cls.__qualname__, None) is cls:
            return candidate
    return cls.__module__


def _rebuild(value: Mapping[str, Any]) -> Any:
    cls = import_type(value[TYPE_INFO_KEY])
    if not issubclass(cls, Serializable):
        raise DistilabelUserError(
            f"type_info {dict(value[TYPE_INFO_KEY])!r} names a class that is not serializable."
        )
    return cls.from_dict(value)


class Step(_Step):
    """A step that transforms batches of rows coming from the steps before it.

    Define ``process(self, inputs: StepInput) -> StepOutput`` as a generator yielding
    output batches (usually the input rows with new columns). A step fed by several
    predecessors may define ``process(self, *inputs)`` to receive one batch per
    predecessor, aligned row by row.
    """

    input_batch_size: RuntimeParameter[PositiveInt] = Field(
        default=50, description="How many rows `process` receives per call."
    )

    def process_applying_mappings(self, *inputs: StepInput) -> StepOutput:
        """Run ``process`` with ``input_mappings`` and ``output_mappings`` applied."""
        originals = inputs[0] if len(inputs) == 1 else None
        if self.input_mappings:
            inputs = tuple(self._map_inputs(batch) for batch in inputs)
        result: Iterator[list[Row]] = self.process(*inputs)
        for batch in result:
            if not isinstance(batch, list) or (batch and not isinstance(batch[0], dict)):
                raise DistilabelUserError(
                    f"Step '{self.name}': `process` must yield lists of row dicts, got"
                    f" {_describe(batch)}. Yield the batch itself: `yield inputs`."
                )
            yield self._map_outputs(batch, originals)


class GlobalStep(Step):
    """A step that receives every input row in a single ``process`` call.

    For work that needs the whole dataset at once (deduplication, sorting, statistics).
    """

    @property
    def is_global(self) -> bool:
        return True

    def expected_output_rows(self, input_rows: Optional[int]) -> Optional[int]:
        return None


class GeneratorStep(_Step):
    """A step that produces rows without inputs (loading data, generating seeds).

    Define ``process(self, offset: int = 0) -> GeneratorStepOutput`` yielding
    ``(batch, is_last)`` pairs of at most ``batch_size`` rows, starting at row ``offset``
    (the pipeline passes the number of rows already done when it resumes a run).
    """

    batch_size: RuntimeParameter[PositiveInt] = Field(
        default=50, description="How many rows each produced batch holds."
    )

    _row_limit: Optional[int] = PrivateAttr(default=None)
    """When set (``Pipeline.dry_run``), the step stops after this many rows."""

    runs_inline: ClassVar[bool] = False
    """True when ``process`` is cheap and never blocks, so an engine may run it on its
    event loop instead of a worker thread (in-memory data)."""

    @property
    def is_generator(self) -> bool:
        return True

    def total_rows(self) -> Optional[int]:
        """How many rows this step will produce, when known (for progress and ETA)."""
        return None

    def takes_offset(self) -> bool:
        """Whether ``process`` accepts ``offset`` (else the pipeline skips rows itself)."""
        return "offset" in inspect.signature(self.process).parameters

    def get_output_columns(self, available: Optional[set[str]]) -> Optional[set[str]]:
        return set(self.output_column_names())

    def process_applying_mappings(self, offset: int = 0) -> GeneratorStepOutput:
        """Run ``process`` from row ``offset`` with ``output_mappings`` applied."""
        if self.takes_offset():
            source: GeneratorStepOutput = self.process(offset=offset)
            skip = 0
        else:
            source = self.process()
            skip = offset
        produced = offset - skip  # rows counted from where ``source`` starts
        for item in source:
            if (
                not isinstance(item, tuple) or len(item) != 2
                or not isinstance(item[0], list) or not isinstance(item[1], bool)
            ):
                raise DistilabelUserError(
                    f"Generator step '{self.name}': `process` must yield (rows, is_last)"
                    f" pairs, got {_describe(item)}. Yield e.g. `yield rows, False`."
                )
            batch, last = item
            if self._row_limit is not None:
                batch = batch[: max(self._row_limit - produced, 0)]
                produced += len(batch)
                last = last or produced >= self._row_limit
            if skip:
                dropped = min(skip, len(batch))
                batch = batch[dropped:]
                skip -= dropped
                if not batch and not last:
                    continue
            yield self._map_outputs(batch), last
            if last:
                return
