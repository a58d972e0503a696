"""The ``@step`` decorator: turn a plain generator function into a step class.

::

    @step(inputs=["instruction"], outputs=["length"])
    def InstructionLength(inputs: StepInput, factor: RuntimeParameter[int] = 1) -> StepOutput:
        for row in inputs:
            row["length"] = len(row["instruction"]) * factor
        yield inputs

The function's parameters after the input batch (``*inputs`` for several predecessors,
``offset`` for generators) become fields of the class: annotate one with
``RuntimeParameter[T]`` to make it settable at run time.
"""

from __future__ import annotations

import inspect
import typing
from typing import Any, Callable, Literal, Optional, overload

from pydantic import Field

from distilabel.steps._base import GeneratorStep, GlobalStep, Step, _Step
from distilabel.steps.typing import StepColumns

__all__ = ["step"]

_BASES: dict[str, type[_Step]] = {
    "normal": Step,
    "global": GlobalStep,
    "generator": GeneratorStep,
}


@overload
def step(
    inputs: Optional[StepColumns] = None,
    outputs: Optional[StepColumns] = None,
    step_type: Literal["normal"] = "normal",
) -> Callable[[Callable[..., Any]], type[Step]]: ...


@overload
def step(
    inputs: Optional[StepColumns] = None,
    outputs: Optional[StepColumns] = None,
    *,
    step_type: Literal["global"],
) -> Callable[[Callable[..., Any]], type[GlobalStep]]: ...


@overload
def step(
    inputs: Optional[StepColumns] = None,
    outputs: Optional[StepColumns] = None,
    *,
    step_type: Literal["generator"],
) -> Callable[[Callable[..., Any]], type[GeneratorStep]]: ...


def step(
    inputs: Optional[StepColumns] = None,
    outputs: Optional[StepColumns] = None,
    step_type: Literal["normal", "global", "generator"] = "normal",
) -> Callable[[Callable[..., Any]], type[_Step]]:
    """Make a step class from a generator function.

    Args:
        inputs: the columns the function reads.
        outputs: the columns the function adds.
        step_type: ``"normal"`` (batches), ``"global"`` (all rows at once) or
            ``"generator"`` (no inputs; the function yields ``(batch, is_last)``).

    Returns:
        A decorator returning a ``Step``/``GlobalStep``/``GeneratorStep`` subclass named
        after the function; instantiate it like any step: ``InstructionLength(name=...)``.

    Raises:
        ValueError: ``step_type`` is not one of the three kinds.
    """
    if step_type not in _BASES:
        raise ValueError(
            f"Invalid step_type {step_type!r} for @step; use 'normal', 'global' or 'generator'."
        )
    base = _BASES[step_type]
    declared_inputs = list(inputs) if isinstance(inputs, list) else dict(inputs or {})
    declared_outputs = list(outputs) if isinstance(outputs, list) else dict(outputs or {})

    def decorator(func: Callable[..., Any]) -> type[_Step]:
        params = list(inspect.signature(func).parameters.values())
        hints = typing.get_type_hints(func, include_extras=True)
        annotations: dict[str, Any] = {}
        namespace: dict[str, Any] = {}
        field_names: list[str] = []
        multiple = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)
        skip_first = step_type != "generator" and not multiple
        for index, param in enumerate(params):
            if param.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
                continue
            if (skip_first and index == 0) or (step_type == "generator" and param.name == "offset"):
                continue
            annotations[param.name] = hints.get(param.name, Any)
            if param.default is inspect.Parameter.empty:
                namespace[param.name] = Field(...)
            else:
                namespace[param.name] = param.default
            field_names.append(param.name)
        takes_offset = any(p.name == "offset" for p in params)

        def _kwargs(self: _Step) -> dict[str, Any]:
            return {name: getattr(self, name) for name in field_names}

        if step_type == "generator":

            def process_generator(self: _Step, offset: int = 0) -> Any:
                kwargs = _kwargs(self)
                if takes_offset:
                    kwargs["offset"] = offset
                return func(**kwargs)

            if takes_offset:
                namespace["process"] = process_generator
            else:

                def process_no_offset(self: _Step) -> Any:
                    return func(**_kwargs(self))

                namespace["process"] = process_no_offset
        elif multiple:

            def process_many(self: _Step, *batches: Any) -> Any:
                return func(*batches, **_kwargs(self))

            namespace["process"] = process_many
        else:

            def process_one(self: _Step, inputs: Any) -> Any:
                return func(inputs, **_kwargs(self))

            namespace["process"] = process_one

        namespace.update(
            {
                "__module__": func.__module__,
                "__qualname__": func.__qualname__,
                "__doc__": func.__doc__,
                "__annotations__": annotations,
                "inputs": property(lambda self: declared_inputs),
                "outputs": property(lambda self: declared_outputs),
            }
        )
        metaclass: Any = type(base)
        cls: type[_Step] = metaclass(func.__name__, (base,), namespace)
        return cls

    return decorator
