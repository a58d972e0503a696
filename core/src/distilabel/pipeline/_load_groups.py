"""Load groups: run the steps in stages, so that some are never loaded together.

``pipeline.run(load_groups=[["generate_a"], ["generate_b"]])`` (as in 1.x) loads the
steps of each group together and apart from every other step: the steps before a group
run (and are unloaded) first, then the group's steps, then the steps after it. Two
steps holding large local models in different groups are never in memory at once.
``load_groups="sequential_step_execution"`` gives every step a stage of its own.

A later stage reads what an earlier one made from the run directory, as a resumed run
does, so nothing is kept in memory between stages.
"""

from __future__ import annotations

from typing import Any, Literal, Optional, Sequence, Union

from distilabel._suggest import did_you_mean
from distilabel.pipeline._dag import DAG, PipelineValidationError

__all__ = ["LoadGroups", "load_stages"]

SEQUENTIAL = "sequential_step_execution"

LoadGroups = Union[Sequence[Sequence[Any]], Literal["sequential_step_execution"]]
"""Lists of steps (names or the steps themselves), or ``"sequential_step_execution"``."""


def _names(groups: Any) -> list[list[str]]:
    if isinstance(groups, str) or not isinstance(groups, (list, tuple)):
        raise PipelineValidationError(
            f"load_groups must be a list of lists of step names, or"
            f" '{SEQUENTIAL}'; got {groups!r}."
        )
    named: list[list[str]] = []
    for group in groups:
        if isinstance(group, str) or not isinstance(group, (list, tuple)):
            raise PipelineValidationError(
                f"Each load group is a list of steps (names or steps); got {group!r}."
                f" Write load_groups=[[{group!r}]] for a group of one."
            )
        named.append([
            step if isinstance(step, str) else str(getattr(step, "name", step))
            for step in group
        ])
    return named


def load_stages(
    dag: DAG, order: list[str], load_groups: Optional[LoadGroups]
) -> Optional[list[list[str]]]:
    """The stages to run one after another (step names in ``order``), or ``None`` for
    one stage of every step.

    Raises:
        PipelineValidationError: a group names an unknown step, a step is in two
            groups, or a step would run in a stage before one of its predecessors.
    """
    if load_groups is None:
        return None
    if load_groups == SEQUENTIAL:
        return [[name] for name in order]
    groups = _names(load_groups)
    problems: list[str] = []
    group_of: dict[str, int] = {}
    for index, group in enumerate(groups):
        for name in group:
            if name not in dag.steps:
                problems.append(
                    f"load_groups names unknown step '{name}'{did_you_mean(name, dag.steps)}"
                    f" Steps: {', '.join(dag.steps)}."
                )
            elif name in group_of and group_of[name] != index:
                problems.append(f"Step '{name}' is in two load groups; put it in one.")
            else:
                group_of[name] = index
    if problems:
        raise PipelineValidationError("load_groups cannot be used:\n- " + "\n- ".join(problems))
    position = {name: i for i, name in enumerate(order)}
    stages: list[list[str]] = []
    current: list[str] = []
    placed: set[int] = set()
    for name in order:
        if name not in group_of:
            current.append(name)
            continue
        if current:
            stages.append(current)
            current = []
        index = group_of[name]
        if index not in placed:
            placed.add(index)
            stages.append(sorted(dict.fromkeys(groups[index]), key=position.__getitem__))
    if current:
        stages.append(current)
    _check_order(dag, stages)
    return stages


def _check_order(dag: DAG, stages: list[list[str]]) -> None:
    stage_of = {name: i for i, stage in enumerate(stages) for name in stage}
    problems = [
        f"Step '{name}' (load stage {stage_of[name] + 1}) reads from '{pred}', which"
        f" load_groups puts in a later stage ({stage_of[pred] + 1}); put '{pred}' in the"
        f" same group as '{name}' or in an earlier one."
        for name in stage_of
        for pred in dag.predecessors[name]
        if stage_of[pred] > stage_of[name]
    ]
    if problems:
        raise PipelineValidationError("load_groups cannot be used:\n- " + "\n- ".join(problems))
