"""``StepResources``: what one step asks of a cluster when an engine like Ray runs it.

The local engine ignores it (everything runs in one process). The Ray engine starts
``replicas`` actors for the step, each reserving ``cpus``, ``gpus``, ``memory`` and any
custom resources, so a GPU-heavy task lands on GPU nodes while API-bound tasks scale out.

Every field is a runtime parameter, so a pipeline can be resized without editing code:
``run(parameters={"generate": {"resources": {"replicas": 4}}})`` or, on the CLI,
``--param generate.resources.replicas=4``. Resources never change a step's rows, so
they are not part of the cache signature.
"""

from __future__ import annotations

from typing import Any, Optional

from pydantic import ConfigDict, Field, NonNegativeFloat, NonNegativeInt, PositiveInt

from distilabel.runtime_parameters import RuntimeParameter, RuntimeParametersModel

__all__ = ["StepResources"]


class StepResources(RuntimeParametersModel):
    """Replicas and per-replica resources of a step on a cluster engine.

    Args:
        replicas: how many copies of the step process batches in parallel.
        cpus: CPUs each replica reserves (``None``: no reservation, the replica shares
            its node's CPUs like a thread of the local engine).
        gpus: GPUs each replica reserves (Ray sets ``CUDA_VISIBLE_DEVICES`` for it).
        memory: bytes of memory each replica reserves for scheduling.
        resources: custom resources per replica, e.g. ``{"TPU": 1}`` or a node label
            resource such as ``{"large_disk": 1}``.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    replicas: RuntimeParameter[PositiveInt] = Field(
        default=1, description="How many replicas (actors) process the step's batches."
    )
    cpus: Optional[RuntimeParameter[NonNegativeFloat]] = Field(
        default=None, description="CPUs reserved by each replica (None: no reservation)."
    )
    gpus: Optional[RuntimeParameter[NonNegativeFloat]] = Field(
        default=None, description="GPUs reserved by each replica."
    )
    memory: Optional[RuntimeParameter[NonNegativeInt]] = Field(
        default=None, description="Bytes of memory reserved by each replica."
    )
    resources: Optional[RuntimeParameter[dict[str, float]]] = Field(
        default=None, description="Custom resources per replica, e.g. {'TPU': 1}."
    )

    def per_replica(self) -> dict[str, float]:
        """The reservation of one replica as a flat ``{resource: amount}`` mapping, in
        Ray's names (``CPU``, ``GPU``, ``memory``, custom names)."""
        need: dict[str, float] = {}
        if self.cpus:
            need["CPU"] = float(self.cpus)
        if self.gpus:
            need["GPU"] = float(self.gpus)
        if self.memory:
            need["memory"] = float(self.memory)
        for name, amount in (self.resources or {}).items():
            if amount:
                need[name] = float(amount)
        return need

    def actor_options(self) -> dict[str, Any]:
        """Keyword arguments for Ray's ``.options()`` that reserve these resources."""
        options: dict[str, Any] = {"num_cpus": float(self.cpus or 0)}
        if self.gpus:
            options["num_gpus"] = float(self.gpus)
        if self.memory:
            options["memory"] = int(self.memory)
        if self.resources:
            options["resources"] = {k: float(v) for k, v in self.resources.items()}
        return options
