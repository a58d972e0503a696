"""Signatures that key the cache: of the pipeline's shape and of each step's outputs.

The run directory is keyed by the pipeline's *name*, so changing a parameter, adding a
step or removing one reuses it. Inside, each step has a signature of everything that
affects its rows (its configuration, its LLM's, and its predecessors' signatures); a step
whose signature changed is recomputed, and so is everything after it, and the log says
which field changed. Parameters that only change speed (batch sizes, concurrency, rate
limits, timeouts, retry settings) are left out.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from distilabel.pipeline._dag import DAG
from distilabel.serialization import TYPE_INFO_KEY

__all__ = [
    "NON_OUTPUT_FIELDS",
    "StepKey",
    "explain_change",
    "step_keys",
    "step_signatures",
    "structure_signature",
]

NON_OUTPUT_FIELDS = frozenset(
    {
        "input_batch_size",
        "batch_size",
        "max_concurrency",
        "requests_per_minute",
        "timeout",
        "max_retries",
        "max_throttle_wait",
        "resources",
        "add_raw_input",
        "add_raw_output",
        "verbose",
        "use_cache",
    }
)
"""Field names that never change a step's rows (at the step's and its LLM's level).

A class adds its own with a ``speed_only_fields`` class attribute (a set of field names),
e.g. a plugin's pool size or back-off settings.

``add_raw_input``/``add_raw_output`` do change the metadata column; they are listed here
on purpose: toggling them keeps the expensive generations, and the rows committed so far
keep whatever metadata they were made with.
"""

_SHOWN = 60
"""Values whose JSON is longer than this are recorded (and compared) by digest."""


def _speed_only_of(value: dict[str, Any]) -> frozenset[str]:
    """``speed_only_fields`` of the class a dumped object names (already imported)."""
    info = value.get(TYPE_INFO_KEY)
    if not isinstance(info, dict):
        return frozenset()
    module = sys.modules.get(str(info.get("module")))
    cls: Any = module
    for part in str(info.get("name", "")).split("."):
        cls = getattr(cls, part, None)
    return frozenset(getattr(cls, "speed_only_fields", ()) or ())


def _strip(value: dict[str, Any]) -> dict[str, Any]:
    """Drop speed-only fields from a dumped step and from nested dumped objects (LLMs)."""
    skip = NON_OUTPUT_FIELDS | _speed_only_of(value) | {"runtime_parameters_info"}
    return {
        k: _strip(v) if isinstance(v, dict) and TYPE_INFO_KEY in v else v
        for k, v in value.items()
        if k not in skip
    }


def _json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


def _digest(data: Any) -> str:
    return hashlib.sha256(_json(data).encode("utf-8")).hexdigest()


def _flatten(value: Any, prefix: str, out: dict[str, str]) -> None:
    """``value`` as ``{dotted path: JSON text}``, long texts as a digest."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
        return
    text = _json(value)
    if len(text) > _SHOWN:
        text = f"<{len(text)} characters, sha256 {_digest(value)[:12]}>"
    out[prefix or "(value)"] = text


@dataclass(frozen=True)
class StepKey:
    """What a step's cached rows depend on: its ``signature`` (a digest) and the same as
    ``fields`` (dotted path -> value text), kept beside the rows to explain a change."""

    signature: str
    fields: dict[str, str] = field(default_factory=dict)


def structure_signature(name: str, dag: DAG) -> str:
    """A digest of the pipeline's name, its steps' names and classes, and connections."""
    shape = {
        "name": name,
        "steps": sorted(
            (step_name, type(step).__module__, type(step).__qualname__)
            for step_name, step in dag.steps.items()
        ),
        "edges": sorted((s, t) for s, succs in dag.successors.items() for t in succs),
    }
    return _digest(shape)


def step_keys(
    dag: DAG, order: list[str], dumps: Optional[Mapping[str, dict[str, Any]]] = None
) -> dict[str, StepKey]:
    """Each step's key: its own config plus its predecessors' signatures.

    ``dumps`` may give the steps' ``dump()`` already computed.
    """
    keys: dict[str, StepKey] = {}
    for name in order:
        step = dag.steps[name]
        config = _strip(dumps[name] if dumps is not None else step.dump())
        if name in dag.routes:  # where its batches go is part of its stored output
            routing = dag.routes[name].dump(name)
            routing.pop("description", None)
            config = {**config, "(routing)": routing}
        data = step.signature_data()
        after = [keys[p].signature for p in dag.predecessors[name]]
        fields: dict[str, str] = {}
        _flatten(config, "", fields)
        if data is not None:
            _flatten(data, "(data)", fields)
        for pred in dag.predecessors[name]:
            fields[f"(input).{pred}"] = keys[pred].signature[:16]
        signature = _digest({"config": config, "data": data, "after": after})
        keys[name] = StepKey(signature, fields)
    return keys


def step_signatures(
    dag: DAG, order: list[str], dumps: Optional[Mapping[str, dict[str, Any]]] = None
) -> dict[str, str]:
    """Each step's output signature (``step_keys`` without the fields)."""
    return {name: key.signature for name, key in step_keys(dag, order, dumps).items()}


def explain_change(
    step: str, before: Optional[Mapping[str, str]], now: Mapping[str, str], limit: int = 4
) -> str:
    """Why ``step``'s cached rows are not reused: which fields changed, and how.

    ``before`` is ``None`` when the earlier run kept no fields (an older cache).
    """
    head = f"Step '{step}': recomputing, its cached rows are not reused"
    if before is None:
        return f"{head}: its configuration changed."
    reasons: list[str] = []
    inputs = sorted(p for p in set(before) | set(now) if p.startswith("(input)."))
    for path in sorted(set(before) | set(now)):
        if path in inputs:
            continue
        old, new = before.get(path), now.get(path)
        if old == new:
            continue
        label = "its data files" if path.startswith("(data)") else path
        if old is None:
            reasons.append(f"{label} was added ({new})")
        elif new is None:
            reasons.append(f"{label} was removed (was {old})")
        else:
            reasons.append(f"{label} changed from {old} to {new}")
    changed_inputs = [p.split(".", 1)[1] for p in inputs if before.get(p) != now.get(p)]
    added = [p for p in changed_inputs if f"(input).{p}" not in before]
    removed = [p for p in changed_inputs if f"(input).{p}" not in now]
    recomputed = [p for p in changed_inputs if p not in added and p not in removed]
    if added:
        reasons.append(f"it now reads from step(s) {', '.join(map(repr, added))}")
    if removed:
        reasons.append(f"it no longer reads from step(s) {', '.join(map(repr, removed))}")
    if recomputed:
        reasons.append(f"its input step(s) {', '.join(map(repr, recomputed))} changed")
    if not reasons:
        return f"{head}: its signature changed."
    shown = reasons[:limit]
    more = len(reasons) - len(shown)
    tail = f", and {more} more change(s)" if more else ""
    return f"{head}: {'; '.join(shown)}{tail}."
