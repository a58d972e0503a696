"""Signatures that key the cache: of the pipeline's shape and of each step's outputs.

The run directory is keyed by the pipeline's *structure* (name, step names and classes,
connections), so changing a parameter reuses it. Inside, each step has a signature of
everything that affects its rows (its configuration, its LLM's, and its predecessors'
signatures); a step whose signature changed is recomputed, and so is everything after it.
Parameters that only change speed (batch sizes, concurrency, rate limits, timeouts) are
left out.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping, Optional

from distilabel.pipeline._dag import DAG
from distilabel.serialization import TYPE_INFO_KEY

__all__ = ["NON_OUTPUT_FIELDS", "step_signatures", "structure_signature"]

NON_OUTPUT_FIELDS = frozenset(
    {
        "input_batch_size",
        "batch_size",
        "max_concurrency",
        "requests_per_minute",
        "timeout",
        "max_retries",
        "resources",
        "add_raw_input",
        "add_raw_output",
        "use_cache",
    }
)
"""Field names that never change a step's rows (at the step's and its LLM's level).

``add_raw_input``/``add_raw_output`` do change the metadata column; they are listed here
on purpose: toggling them keeps the expensive generations, and the rows committed so far
keep whatever metadata they were made with.
"""


def _strip(value: dict[str, Any]) -> dict[str, Any]:
    """Drop speed-only fields from a dumped step and from nested dumped objects (LLMs)."""
    return {
        k: _strip(v) if isinstance(v, dict) and TYPE_INFO_KEY in v else v
        for k, v in value.items()
        if k not in NON_OUTPUT_FIELDS and k != "runtime_parameters_info"
    }


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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


def step_signatures(
    dag: DAG, order: list[str], dumps: Optional[Mapping[str, dict[str, Any]]] = None
) -> dict[str, str]:
    """Each step's output signature: its own config plus its predecessors' signatures.

    ``dumps`` may give the steps' ``dump()`` already computed.
    """
    signatures: dict[str, str] = {}
    for name in order:
        step = dag.steps[name]
        config = _strip(dumps[name] if dumps is not None else step.dump())
        signatures[name] = _digest(
            {"config": config, "data": step.signature_data(),
             "after": [signatures[p] for p in dag.predecessors[name]]}
        )
    return signatures
