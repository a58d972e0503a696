"""``distilabel pipeline run`` and ``distilabel pipeline info``.

Only ``argparse`` is imported at start-up; the pipeline machinery is imported when a
command runs, so ``distilabel --help`` stays fast.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
from pathlib import Path
from typing import Any

from distilabel.errors import DistilabelUserError

__all__ = ["check_output_dir", "parse_params", "register"]


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``pipeline`` command group to ``commands``."""
    pipeline = commands.add_parser("pipeline", help="Run and inspect pipelines.")
    sub = pipeline.add_subparsers(dest="pipeline_command", metavar="SUBCOMMAND")
    pipeline.set_defaults(handler=lambda _args: (pipeline.print_help(), 2)[1])

    run = sub.add_parser(
        "run", help="Run a pipeline from its YAML/JSON file.",
        description="Run a pipeline saved with `pipeline.save(path)`. Progress is kept in the"
        " cache directory: running again after a crash or Ctrl-C resumes.",
    )
    run.add_argument("--config", required=True, help="The pipeline YAML or JSON file.")
    run.add_argument(
        "--param", action="append", default=[], metavar="STEP.NAME=VALUE",
        help="Set a runtime parameter, e.g. text_generation.llm.generation_kwargs."
        "temperature=0.7 (repeatable; values are coerced to the parameter's type).",
    )
    run.add_argument(
        "--ignore-cache", action="store_true", help="Recompute everything from scratch."
    )
    run.add_argument("--output", metavar="DIR", help="Save the resulting distiset to DIR.")
    run.add_argument(
        "--keep-failed", action="store_true",
        help="Keep rows that failed in earlier runs as they are (by default a rerun retries"
        " them, never re-sending a row that succeeded).",
    )
    run.add_argument(
        "--max-failed-fraction", type=float, metavar="F",
        help="Exit with an error when more than this share (0 to 1) of a step's rows failed"
        " (default: only when every row of a step failed).",
    )
    run.add_argument(
        "--no-progress", action="store_true", help="Do not draw the progress display."
    )
    run.add_argument(
        "--engine", choices=["local", "ray"], default="local",
        help="Run in this process (local) or on a Ray cluster (ray: RAY_ADDRESS or"
        " --ray-address picks the cluster, else a local Ray starts).",
    )
    run.add_argument(
        "--ray-address", metavar="ADDRESS",
        help="With --engine ray: the cluster to join, e.g. 10.0.0.1:6379 or ray://head:10001.",
    )
    run.set_defaults(handler=_run)

    info = sub.add_parser("info", help="Show a pipeline's steps, connections and parameters.")
    info.add_argument("--config", required=True, help="The pipeline YAML or JSON file.")
    info.add_argument("--json", action="store_true", help="Print JSON.")
    info.set_defaults(handler=_info)


def parse_params(items: list[str]) -> dict[str, Any]:
    """Turn ``["step.llm.generation_kwargs.temperature=0.7", ...]`` into nested dicts.

    Values stay strings; the steps and LLMs coerce them to their parameters' types.

    Raises:
        DistilabelUserError: an item is not ``STEP.NAME=VALUE``.
    """
    params: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        parts = key.strip().split(".")
        if not sep or len(parts) < 2 or not all(parts):
            raise DistilabelUserError(
                f"Invalid --param {item!r}: use STEP.NAME=VALUE, e.g."
                " text_generation.llm.generation_kwargs.temperature=0.7."
            )
        node = params
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise DistilabelUserError(
                    f"--param {item!r} conflicts with an earlier --param setting '{part}'."
                )
            node = child
        node[parts[-1]] = value
    return params


def check_output_dir(path: Path) -> None:
    """Make sure ``path`` can receive a saved distiset, before any work is spent.

    Creates what is missing of it to try, writes and deletes a probe file, then removes
    the folders it created (the run creates them again when it saves).

    Raises:
        DistilabelUserError: ``path`` is a file, or it cannot be created or written; the
            message names it and the reason.
    """
    if path.exists() and not path.is_dir():
        raise DistilabelUserError(
            f"--output '{path}' is a file; give a directory (it is created if missing)."
        )
    if path.is_dir() and any(path.iterdir()) and not (path / "distiset.json").is_file():
        raise DistilabelUserError(
            f"--output '{path}' holds files that are not a saved distiset; give a new or"
            " empty directory (an earlier --output of a run is replaced whole)."
        )
    created: list[Path] = []
    for folder in [*reversed(path.parents), path]:
        if not folder.exists():
            created.append(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
        for folder in (path, path.parent):  # the save is staged beside ``path``
            probe = folder / f".distilabel-write-test-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
    except OSError as exc:
        raise DistilabelUserError(
            f"Cannot write to --output '{path}': {exc.strerror or exc}. Choose a directory"
            " you can write to; nothing has run yet."
        ) from None
    finally:
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()


def _run(args: argparse.Namespace) -> int:
    from distilabel.pipeline import Pipeline, TooManyFailedRowsError

    pipeline = Pipeline.from_yaml(args.config)
    if args.output:
        check_output_dir(Path(args.output))
    try:
        distiset = pipeline.run(
            parameters=parse_params(args.param),
            use_cache=not args.ignore_cache,
            show_progress=not args.no_progress,
            engine=args.engine,
            ray_init_kwargs={"address": args.ray_address} if args.ray_address else None,
            retry_failed=not args.keep_failed,
            max_failed_fraction=args.max_failed_fraction,
        )
    except TooManyFailedRowsError as exc:
        _report(exc.distiset, args)  # the rows are kept, and saved when asked
        raise
    _report(distiset, args)
    if not distiset.complete:
        print("interrupted: run the same command again to resume")
        return 130
    return 0


def _report(distiset: Any, args: argparse.Namespace) -> None:
    """Print the datasets' sizes and save them to ``--output`` (or say where they are)."""
    for name, rows in distiset.items():
        print(f"{name}: {len(rows)} rows")
    if args.output:
        path = distiset.save_to_disk(Path(args.output))
        print(f"saved to {path}")
    else:
        folders = sorted({str(Path(str(rows.path)).parent) for rows in distiset.values()
                          if getattr(rows, "path", None) is not None})
        where = f" in {', '.join(folders)}" if folders else ""
        print(f"rows kept{where} (one <step>.batches.jsonl per leaf step); add --output DIR"
              " to save them as a dataset (JSONL, Parquet, pipeline.yaml, pipeline.log)")


def _info(args: argparse.Namespace) -> int:
    from distilabel.pipeline import Pipeline

    pipeline = Pipeline.from_yaml(args.config)
    dag = pipeline.dag
    steps: list[dict[str, Any]] = [
        {
            "name": name,
            "class": type(step).__name__,
            "kind": "generator" if step.is_generator else "global" if step.is_global else "step",
            "settings": _settings(step),
            "inputs": step.required_input_columns(),
            "outputs": step.output_column_names(),
            "runtime_parameters": step.get_runtime_parameters_info(),
        }
        for name, step in dag.steps.items()
    ]
    connections = [[s, t] for s, succs in dag.successors.items() for t in succs]
    if args.json:
        print(json.dumps({"name": pipeline.name, "description": pipeline.description,
                          "steps": steps, "connections": connections}, indent=2, default=str))
        return 0
    print(f"Pipeline '{pipeline.name}'" + (f": {pipeline.description}"
                                          if pipeline.description else ""))
    print("\nSteps:")
    for s in steps:
        print(f"  {s['name']} ({s['class']}, {s['kind']})")
        for key, value in s["settings"].items():
            print(f"      {key} = {value!r}")
        if s["inputs"]:
            print(f"      inputs: {', '.join(s['inputs'])}")
        if s["outputs"]:
            print(f"      outputs: {', '.join(s['outputs'])}")
    print("\nConnections:")
    for source, target in connections:
        print(f"  {source} >> {target}")
    print("\nRuntime parameters:")
    for s in steps:
        print(f"  {s['name']}:")
        _print_params(s["runtime_parameters"], "    ")
    return 0


def _print_params(params: list[Any], indent: str) -> None:
    for p in params:
        if "runtime_parameters_info" in p:
            print(f"{indent}{p['name']} ({p.get('type', '')}):")
            _print_params(p["runtime_parameters_info"], indent + "  ")
            continue
        flag = "required" if p.get("required") else f"default {p.get('default')!r}"
        value = f" = {p['value']!r}" if "value" in p else ""
        print(f"{indent}{p['name']}{value}: {p.get('type', '')} ({flag})")
        if p.get("description"):
            print(f"{indent}    {p['description']}")
        for key in p.get("keys") or []:
            print(f"{indent}    .{key['name']}: {key.get('type', '')}"
                  + (f" - {key['description']}" if key.get("description") else ""))


def _settings(step: Any) -> dict[str, Any]:
    """The step's fields set (in the file) to something other than their default, but
    runtime parameters and the LLM, which the parameters section shows."""
    skip = {"name", *step.runtime_parameter_fields(), *step._nested_runtime_models()}
    out: dict[str, Any] = {}
    for key, info in type(step).model_fields.items():
        if key in skip or info.exclude:
            continue
        value = getattr(step, key, None)
        if value != info.get_default(call_default_factory=True):
            out[key] = value
    return out
