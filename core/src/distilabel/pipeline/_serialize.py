"""Pipelines to and from plain dicts (and YAML/JSON files), with type info per class."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any, Callable, Mapping, Optional, Protocol, TypeVar, Union

from pydantic import ValidationError

from distilabel import __version__
from distilabel._text import find_invalid_text
from distilabel.errors import DistilabelUserError
from distilabel.pipeline._dag import DAG
from distilabel.pipeline._legacy import (
    drop_legacy_fields,
    is_1x_file,
    report_dropped,
)
from distilabel.pipeline._routing import routing_from_dict
from distilabel.serialization import TYPE_INFO_KEY, import_type
from distilabel.steps._base import _Step

__all__ = [
    "Buildable",
    "config_text",
    "pipeline_from_dict",
    "pipeline_to_dict",
    "read_config",
    "dump_yaml",
]


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
            "routing_batch_functions": [
                function.dump(name) for name, function in dag.routes.items()
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
    steps = _checked_steps(body["steps"])
    connections = _checked_connections(body.get("connections"))
    legacy = is_1x_file(data)
    dropped: list[str] = []
    pipeline = cls(
        name=body.get("name") or "pipeline",
        description=body.get("description"),
        requirements=data.get("requirements") or None,
    )
    with pipeline:
        for entry in steps:
            step_data = dict(entry.get("step") or {})
            step_data.pop("runtime_parameters_info", None)
            type_info = step_data.get(TYPE_INFO_KEY)
            if not isinstance(type_info, Mapping):
                raise DistilabelUserError(
                    f"Step {entry.get('name')!r} in the pipeline file has no type_info"
                    " mapping ({module: ..., name: ...}) naming its class."
                )
            step_cls = import_type(type_info)
            if not issubclass(step_cls, _Step):
                raise DistilabelUserError(
                    f"type_info {type_info!r} of step {entry.get('name')!r} is not a step class."
                )
            step_data.setdefault("name", entry.get("name"))
            if legacy:
                dropped += drop_legacy_fields(
                    step_data, str(entry.get("name")), f"Pipeline file of '{pipeline.name}'"
                )
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
    report_dropped(dropped, f"Pipeline file of '{pipeline.name}'")
    for source, targets in connections:
        for target in targets:
            for name in (source, target):
                if name not in pipeline.dag.steps:
                    raise DistilabelUserError(
                        f"Connection names unknown step '{name}'; steps:"
                        f" {', '.join(pipeline.dag.steps)}."
                    )
            pipeline.dag.add_edge(source, target)
    for entry in body.get("routing_batch_functions") or []:
        step_name = entry.get("step") if isinstance(entry, Mapping) else None
        if step_name not in pipeline.dag.steps:
            raise DistilabelUserError(
                f"A routing function in the pipeline file names unknown step {step_name!r};"
                f" steps: {', '.join(pipeline.dag.steps)}."
            )
        pipeline.dag.routes[step_name] = routing_from_dict(entry)
    return pipeline


_STEP_SHAPE = (
    " Each entry of 'steps' is a mapping {name: ..., step: {type_info: {module, name},"
    " ...fields}}, as `pipeline.save(path)` writes it."
)
_CONNECTION_SHAPE = (
    " Each entry of 'connections' is a mapping {from: STEP, to: [STEP, ...]}, as"
    " `pipeline.save(path)` writes it."
)


def _checked_steps(steps: Any) -> list[Mapping[str, Any]]:
    """The 'steps' list of a pipeline file, each entry checked for its shape.

    Raises:
        DistilabelUserError: names the entry that is malformed and the expected shape.
    """
    if not isinstance(steps, list):
        raise DistilabelUserError(
            f"The pipeline file's 'steps' is a {type(steps).__name__}, not a list." + _STEP_SHAPE
        )
    for index, entry in enumerate(steps):
        if not isinstance(entry, Mapping):
            raise DistilabelUserError(
                f"Entry {index} of 'steps' in the pipeline file is a {type(entry).__name__}"
                f" ({entry!r:.60}), not a mapping." + _STEP_SHAPE
            )
        if not isinstance(entry.get("name"), str) or not isinstance(entry.get("step"), Mapping):
            raise DistilabelUserError(
                f"Entry {index} of 'steps' in the pipeline file needs a 'name' (text) and a"
                f" 'step' mapping; it has keys {sorted(map(str, entry))}." + _STEP_SHAPE
            )
    return steps


def _checked_connections(connections: Any) -> list[tuple[str, list[str]]]:
    """``(source, targets)`` of each entry of a pipeline file's 'connections'.

    Raises:
        DistilabelUserError: names the entry that is malformed and the expected shape.
    """
    if connections is None:
        return []
    if not isinstance(connections, list):
        raise DistilabelUserError(
            f"The pipeline file's 'connections' is a {type(connections).__name__}, not a"
            " list." + _CONNECTION_SHAPE
        )
    out: list[tuple[str, list[str]]] = []
    for index, entry in enumerate(connections):
        if not isinstance(entry, Mapping):
            raise DistilabelUserError(
                f"Entry {index} of 'connections' in the pipeline file is a"
                f" {type(entry).__name__} ({entry!r:.60}), not a mapping." + _CONNECTION_SHAPE
            )
        source = entry.get("from")
        if not isinstance(source, str):
            raise DistilabelUserError(
                f"Entry {index} of 'connections' in the pipeline file has no 'from' step"
                f" name (keys: {sorted(map(str, entry))})." + _CONNECTION_SHAPE
            )
        targets = entry.get("to") or []
        if isinstance(targets, str):
            targets = [targets]
        if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
            raise DistilabelUserError(
                f"Entry {index} of 'connections' in the pipeline file (from '{source}') has"
                f" a 'to' that is not a list of step names: {targets!r:.60}." + _CONNECTION_SHAPE
            )
        out.append((source, targets))
    return out


def _config_text(path: Union[Path, str]) -> str:
    """The text of a local pipeline file, or of one at an http(s) or fsspec URL."""
    text = str(path)
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme in ("http", "https"):
        import urllib.error
        import urllib.request

        from distilabel.tls import ssl_context

        try:
            with urllib.request.urlopen(text, timeout=60, context=ssl_context()) as resp:
                return resp.read().decode("utf-8")  # type: ignore[no-any-return]
        except (urllib.error.URLError, OSError) as exc:
            raise DistilabelUserError(
                f"Cannot fetch pipeline file '{text}': {exc}. Check the URL, or download"
                " the file and pass its path."
            ) from None
    if scheme:
        from distilabel.pipeline.storage._object_folder import open_url

        try:
            with open_url(text, "rb") as fh:
                return fh.read().decode("utf-8")  # type: ignore[no-any-return]
        except (OSError, ImportError, ValueError) as exc:
            raise DistilabelUserError(f"Cannot read pipeline file '{text}': {exc}") from None
    local = Path(path)
    if not local.is_file():
        raise DistilabelUserError(f"Pipeline file '{path}' does not exist.")
    return local.read_text(encoding="utf-8")


def read_config(path: Union[Path, str]) -> Mapping[str, Any]:
    """Read a YAML or JSON pipeline file: a local path, an http(s) URL, or an fsspec URL
    (``s3://...``, ``hf://...``, as distilabel 1.x's ``--config`` takes).

    Raises:
        DistilabelUserError: the file is missing, cannot be fetched, or is not valid
            YAML/JSON.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(_config_text(path), Loader=loader)
    except yaml.YAMLError as exc:
        raise DistilabelUserError(f"Pipeline file '{path}' is not valid YAML/JSON: {exc}") from None
    if not isinstance(data, Mapping):
        raise DistilabelUserError(f"Pipeline file '{path}' does not hold a mapping.")
    return data


def dump_yaml(data: Mapping[str, Any]) -> str:
    """``data`` as YAML text (the C emitter when PyYAML has it)."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(dict(data), Dumper=dumper, sort_keys=False, allow_unicode=True)


def config_text(dumped: Mapping[str, Any]) -> str:
    """The text of ``pipeline.yaml`` for ``pipeline_to_dict`` output: YAML for a small
    pipeline; for a big one (inline data) JSON, which is also YAML and far quicker.

    Raises:
        DistilabelUserError: a step's configuration holds text that cannot be written
            (a lone surrogate); names the step and where in its configuration.
    """
    import json

    try:
        text = json.dumps(dumped, ensure_ascii=False)
        text.encode("utf-8")
        return dump_yaml(dumped) if len(text) < 200_000 else text
    except UnicodeEncodeError:
        raise _invalid_text(dumped) from None


def _invalid_text(dumped: Mapping[str, Any]) -> DistilabelUserError:
    for entry in dumped.get("pipeline", {}).get("steps", []):
        found = find_invalid_text(entry.get("step"))
        if found is not None:
            where, text = found
            return DistilabelUserError(
                f"Step '{entry.get('name')}': its configuration holds a lone surrogate at"
                f" {where} ({text[:60]!r}), which is not valid Unicode text and cannot be"
                " stored. Fix that text before running (for data read with json.loads, look"
                " for a broken \\uXXXX escape in the source)."
            )
    found = find_invalid_text(dict(dumped))
    return DistilabelUserError(
        f"The pipeline holds a lone surrogate (not valid Unicode text) at"
        f" {found[0] if found else 'a value'}; fix that text before running."
    )
