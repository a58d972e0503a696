"""Checks run before anything is loaded: graph shape, columns, runtime parameters."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from distilabel._suggest import closest, did_you_mean
from distilabel.errors import DistilabelUserError, UnknownRuntimeParameterError
from distilabel.pipeline._dag import DAG, PipelineValidationError

__all__ = [
    "PipelineValidationError",
    "apply_parameters",
    "available_columns",
    "routing_problems",
    "validate_dag",
]


def apply_parameters(dag: DAG, parameters: Optional[Mapping[str, Any]]) -> None:
    """Validate and set ``{step_name: {param: value}}`` on the steps.

    Raises:
        UnknownRuntimeParameterError: a step or parameter name is unknown (with the valid
            names and the closest match).
        RuntimeParameterError: a value has the wrong type.
    """
    if not parameters:
        return
    if not isinstance(parameters, Mapping):
        raise DistilabelUserError(
            f"`parameters` must map step names to their runtime parameters, got"
            f" {type(parameters).__name__}."
        )
    unknown = [name for name in parameters if name not in dag.steps]
    if unknown:
        name = unknown[0]
        hint = did_you_mean(name, dag.steps)
        raise UnknownRuntimeParameterError(
            f"Unknown step '{name}' in run parameters{hint} Steps: {', '.join(dag.steps)}."
        )
    for name, params in parameters.items():
        dag.steps[name].set_runtime_parameters(params or {}, path=f"{name}.")


def available_columns(dag: DAG, order: list[str]) -> dict[str, Optional[set[str]]]:
    """The columns each step's output rows have (``None`` where only known at run time)."""
    out: dict[str, Optional[set[str]]] = {}
    for name in order:
        step = dag.steps[name]
        incoming = _incoming(dag, name, out)
        out[name] = step.get_output_columns(incoming)
    return out


def _incoming(
    dag: DAG, name: str, columns: dict[str, Optional[set[str]]]
) -> Optional[set[str]]:
    preds = dag.predecessors[name]
    if not preds:
        return set()
    sets = [columns.get(p) for p in preds]
    if any(s is None for s in sets):
        return None
    known = [s for s in sets if s is not None]
    if dag.steps[name].takes_multiple_inputs():
        return set().union(*known)
    return set.intersection(*known)


def validate_dag(dag: DAG, pipeline_name: str) -> list[str]:
    """Check the pipeline can run; return the topological order.

    Raises:
        PipelineValidationError: with one line per problem, each naming the step.
    """
    if not dag.steps:
        raise PipelineValidationError(
            f"Pipeline '{pipeline_name}' has no steps. Create steps inside"
            " `with Pipeline(...) as pipeline:` and connect them with `>>`."
        )
    order = dag.topological_order()
    problems: list[str] = []
    for name in order:
        step = dag.steps[name]
        preds = dag.predecessors[name]
        if step.is_generator and preds:
            problems.append(
                f"Step '{name}' is a generator step and cannot receive rows, but"
                f" {', '.join(repr(p) for p in preds)} are connected to it."
            )
        if not step.is_generator and not preds:
            problems.append(
                f"Step '{name}' ({type(step).__name__}) receives no rows: connect a step to it,"
                f" e.g. `load >> {name}`, or remove it."
            )
    if not any(dag.steps[n].is_generator for n in order):
        problems.append(
            f"Pipeline '{pipeline_name}' has no generator step to produce rows; start it with"
            " a loader such as LoadDataFromDicts or LoadDataFromFileSystem."
        )
    columns = available_columns(dag, order)
    # A loader with no columns at all has no rows: say so, not that columns are missing.
    empty_after: dict[str, set[str]] = {}
    for name in order:
        step = dag.steps[name]
        if step.is_generator:
            if columns.get(name) == set():
                empty_after[name] = {name}
                problems.append(
                    f"Step '{name}' ({type(step).__name__}) has no rows: its dataset is"
                    " empty. Give it rows, or check the data, files or split it reads."
                )
            continue
        empty_after[name] = set().union(
            *(empty_after.get(p, set()) for p in dag.predecessors[name])
        )
        if empty_after[name]:
            continue
        incoming = _incoming(dag, name, columns)
        if incoming is None:
            continue
        for column in step.required_input_columns():
            if column not in incoming:
                sources = ", ".join(f"'{p}'" for p in dag.predecessors[name])
                mapping_hint = ""
                match = closest(column, sorted(incoming))
                if match is not None:
                    mapping_hint = (
                        f" Did you mean '{match}'? Map it with"
                        f" input_mappings={{'{column}': '{match}'}}."
                    )
                problems.append(
                    f"Step '{name}' needs input column '{column}', but no step before it"
                    f" ({sources}) produces it. Available: {', '.join(sorted(incoming)) or 'none'}."
                    + mapping_hint
                )
    problems.extend(routing_problems(dag))
    for name in order:
        problems.extend(dag.steps[name].validation_problems())
    for name in order:
        for missing in dag.steps[name].missing_runtime_parameters(prefix=f"{name}."):
            problems.append(
                f"Step '{name}' is missing the required runtime parameter '{missing}': pass it"
                f" when building the step or in run(parameters={{'{name}': {{...}}}})"
                f" (CLI: --param {missing}=VALUE)."
            )
    if problems:
        header = f"Pipeline '{pipeline_name}' cannot run:"
        raise PipelineValidationError(header + "\n- " + "\n- ".join(problems))
    return order


def routing_problems(dag: DAG) -> list[str]:
    """What stops the pipeline's routing from working, one line per problem."""
    problems: list[str] = []
    for source, function in dag.routes.items():
        step = dag.steps[source]
        successors = dag.successors[source]
        if step.is_global:
            problems.append(
                f"Step '{source}' is a global step; its output cannot be routed with"
                f" '{function.name}'. Route from a step before or after it."
            )
        n = (function.factory or ("", "", {}))[2].get("n")
        if isinstance(n, int) and n > len(successors):
            problems.append(
                f"Routing function '{function.name}' of step '{source}' sends each batch to"
                f" {n} steps, but only {len(successors)} follow it ({', '.join(successors)})."
            )
        for target in successors:
            others = [p for p in dag.predecessors[target] if p != source]
            if others:
                problems.append(
                    f"Step '{target}' receives routed batches from '{source}', so it cannot"
                    f" also read from {', '.join(map(repr, others))}."
                )
    routed = {t: s for s, _f in dag.routes.items() for t in dag.successors[s]}
    for name in dag.steps:
        preds = dag.predecessors[name]
        routed_preds = [p for p in preds if p in routed]
        if not routed_preds:
            continue
        source = routed[routed_preds[0]]
        strays = [p for p in preds if routed.get(p) != source]
        if strays:
            problems.append(
                f"Step '{name}' reads from steps routed from '{source}'"
                f" ({', '.join(routed_preds)}) and from {', '.join(map(repr, strays))},"
                f" which are not; a step after routed steps reads only from steps routed"
                f" from one step."
            )
    return problems
