"""Pipelines to and from plain dicts (and YAML/JSON files), with type info per class."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any, Callable, Mapping, Optional, Protocol, TypeVar

from pydantic import ValidationError

from distilabel import __version__
from distilabel.errors import DistilabelUserError
from distilabel.pipeline._dag import DAG
from distilabel.serialization import TYPE_INFO_KEY, import_type
from distilabel.steps._base import _Step

__all__ = ["Buildable", "pipeline_from_dict", "pipeline_to_dict", "read_config"]


class Buildable(Protocol):
    """What (de)serialization needs of a pipeline: its name, description and DAG, and
    being the context that steps created inside ``with`` join."""

    name: str
    description: Optional[str]
    requirements: list[str]
    dag: DAG

    def __enter__(self) -> Any: ...

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None: ...


_P = TypeVar("_P", bound=Buildable)


def pipeline_to_dict(pipeline: Buildable) -> dict[str, Any]:
    """``{"distilabel": {"version"}, "pipeline": {name, description, steps, connections},
    "requirements": [...]}``, the layout distilabel 1.x writes too."""
    dag = pipeline.dag
    return {
        "distilabel": {"version": __version__},
        "pipeline": {
            "name": pipeline.name,
            "description": pipeline.description,
            "steps": [{"name": name, "step": step.dump()} for name, step in dag.steps.items()],
            "connections": [
                {"from": name, "to": list(dag.successors[name])} for name in dag.steps
            ],
            TYPE_INFO_KEY: {"module": "distilabel.pipeline", "name": "Pipeline"},
        },
        "requirements": list(pipeline.requirements),
    }


def pipeline_from_dict(cls: Callable[..., _P], data: Mapping[str, Any]) -> _P:
    """Build a pipeline with ``cls(name=..., description=...)`` from ``pipeline_to_dict``
    output.

    Raises:
        DistilabelUserError: the data is not a dumped pipeline, or a class cannot be found.
    """
    body = data.get("pipeline") if isinstance(data, Mapping) else None
    if not isinstance(body, Mapping) or "steps" not in body:
        raise DistilabelUserError(
            "Not a dumped pipeline: expected a mapping with a 'pipeline' key holding 'name',"
            " 'steps' and 'connections' (write one with `pipeline.save(path)`)."
        )
    pipeline = cls(
        name=body.get("name") or "pipeline",
        description=body.get("description"),
        requirements=data.get("requirements") or None,
    )
    with pipeline:
        for entry in body["steps"]:
            step_data = dict(entry.get("step") or {})
            step_data.pop("runtime_parameters_info", None)
            type_info = step_data.get(TYPE_INFO_KEY)
            if type_info is None:
                raise DistilabelUserError(
                    f"Step {entry.get('name')!r} in the pipeline file has no type_info."
                )
            step_cls = import_type(type_info)
            if not issubclass(step_cls, _Step):
                raise DistilabelUserError(
                    f"type_info {type_info!r} of step {entry.get('name')!r} is not a step class."
                )
            step_data.setdefault("name", entry.get("name"))
            try:
                step_cls.from_dict(step_data)
            except ValidationError as exc:
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in err['loc']) or 'step'}: {err['msg']}"
                    for err in exc.errors()
                )
                raise DistilabelUserError(
                    f"Step {entry.get('name')!r} ({step_cls.__name__}) in the pipeline file is"
                    f" invalid: {problems}."
                ) from None
    for connection in body.get("connections") or []:
        source = connection["from"]
        for target in connection.get("to") or []:
            for name in (source, target):
                if name not in pipeline.dag.steps:
                    raise DistilabelUserError(
                        f"Connection names unknown step '{name}'; steps:"
                        f" {', '.join(pipeline.dag.steps)}."
                    )
            pipeline.dag.add_edge(source, target)
    return pipeline


def read_config(path: Path) -> Mapping[str, Any]:
    """Read a YAML or JSON pipeline file.

    Raises:
        DistilabelUserError: the file is missing or not valid YAML/JSON.
    """
    import yaml

    if not path.is_file():
        raise DistilabelUserError(f"Pipeline file '{path}' does not exist.")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except yaml.YAMLError as exc:
        raise DistilabelUserError(f"Pipeline file '{path}' is not valid YAML/JSON: {exc}") from None
    if not isinstance(data, Mapping):
        raise DistilabelUserError(f"Pipeline file '{path}' does not hold a mapping.")
    return data
