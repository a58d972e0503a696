"""A step's replicas on Ray: start them with their resources, send them work, restart
the ones that die.

Every call goes to the replica with the fewest calls in flight. When a replica's actor
dies (its process was killed, its node lost), the pool starts a new actor in its place,
loads the step again and sends the unfinished calls once more; their results were never
committed, so nothing is lost and nothing is committed twice. After ``max_restarts``
restarts of one step the step fails with a clear error.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Optional

from distilabel.errors import DistilabelError
from distilabel.pipeline.ray._actors import StepReplica
from distilabel.pipeline.ray._pickle import dumps_step
from distilabel.steps._base import _Step

__all__ = ["ReplicaPool", "ReplicasLostError", "unwrap_ray_error"]

_logger = logging.getLogger("distilabel.pipeline.ray")


class ReplicasLostError(DistilabelError):
    """Raised when a step's replicas died more often than ``max_restarts`` allows."""


def unwrap_ray_error(exc: BaseException) -> BaseException:
    """The user's exception inside a ``RayTaskError`` (or ``exc`` itself)."""
    import ray.exceptions

    if isinstance(exc, ray.exceptions.RayTaskError):
        cause = getattr(exc, "cause", None)
        if isinstance(cause, BaseException):
            return cause
    return exc


class _Replica:
    __slots__ = ("generation", "handle", "in_flight", "index", "lock", "where")

    def __init__(self, index: int) -> None:
        self.index = index
        self.handle: Any = None
        self.generation = 0
        self.in_flight = 0
        self.lock = asyncio.Lock()
        self.where = "?"


class ReplicaPool:
    """The replicas of one step."""

    def __init__(
        self,
        step: _Step,
        replicas: int,
        actor_options: dict[str, Any],
        journal: Optional[tuple[str, str]] = None,
        max_restarts: int = 3,
        on_start: Optional[Callable[[Any], Awaitable[None]]] = None,
    ) -> None:
        import ray

        self.step = step
        self.max_restarts = max_restarts
        self.restarts = 0
        self.on_start = on_start
        self._journal = journal
        options = dict(actor_options)
        if replicas > 1:
            options.setdefault("scheduling_strategy", "SPREAD")
        # One call per replica is enough for Ray; the driver bounds what is in flight.
        options.setdefault("max_concurrency", 1000)
        self._actor_class = ray.remote(StepReplica).options(**options)
        self._step_ref: Any = None
        self.replicas = [_Replica(i) for i in range(replicas)]

    async def start(self) -> None:
        """Start and load every replica."""
        await asyncio.gather(*(self._spawn(r) for r in self.replicas))

    async def _spawn(self, replica: _Replica) -> None:
        import ray
        import ray.exceptions

        if self._step_ref is None:  # ship the step once, however many replicas
            self._step_ref = ray.put(pickled_step(self.step))
        handle: Any = self._actor_class.remote(self._step_ref, self._journal)
        replica.handle = handle
        try:
            replica.where = await handle.load.remote()
        except ray.exceptions.RayActorError as exc:
            raise start_failed(self.step, f"replica {replica.index}", exc) from exc
        if self.on_start is not None:
            await self.on_start(handle)
        _logger.debug(
            "Step '%s': replica %d ready on %s.", self.step.name, replica.index, replica.where
        )

    async def call(self, method: str, *args: Any) -> tuple[Any, Any]:
        """Call ``method`` on the least busy replica; return ``(meta, rows_ref)``.

        Raises:
            ReplicasLostError: replicas died more than ``max_restarts`` times.
            ray.exceptions.RayTaskError: the step raised (see ``unwrap_ray_error``).
        """
        import ray.exceptions

        replica = min(self.replicas, key=lambda r: r.in_flight)
        replica.in_flight += 1
        try:
            while True:
                generation = replica.generation
                try:
                    remote = getattr(replica.handle, method).options(num_returns=2)
                    meta_ref, rows_ref = remote.remote(*args)
                    meta = await meta_ref
                    return meta, rows_ref
                except ray.exceptions.RayActorError as exc:
                    await self._restart(replica, generation, exc)
        finally:
            replica.in_flight -= 1

    async def _restart(self, replica: _Replica, generation: int, exc: BaseException) -> None:
        import ray

        async with replica.lock:
            if replica.generation != generation:
                return  # another call already restarted it
            self.restarts += 1
            if self.restarts > self.max_restarts:
                raise ReplicasLostError(
                    f"Step '{self.step.name}': replicas died {self.restarts} times (last:"
                    f" replica {replica.index} on {replica.where}: {exc}). Committed batches"
                    " are kept; find why the actor process died (out of memory? a crash in"
                    " native code?) or raise max_restarts, then run again to resume."
                ) from exc
            _logger.warning(
                "Step '%s': replica %d on %s died (%s); starting a new one and redoing its"
                " unfinished batches (restart %d of at most %d).",
                self.step.name, replica.index, replica.where, type(exc).__name__,
                self.restarts, self.max_restarts,
            )
            try:
                ray.kill(replica.handle, no_restart=True)
            except Exception:  # already gone
                pass
            await self._spawn(replica)
            replica.generation += 1

    async def stop(self, unload: bool) -> None:
        """Unload (when ``unload``) and end every replica's actor."""
        import ray

        if unload:
            calls = [r.handle.unload.remote() for r in self.replicas if r.handle is not None]
            results = await asyncio.gather(*calls, return_exceptions=True)
            for result in results:
                if isinstance(result, BaseException):
                    _logger.warning(
                        "Step '%s' failed to unload: %s", self.step.name, unwrap_ray_error(result)
                    )
        for replica in self.replicas:
            if replica.handle is not None:
                try:
                    ray.kill(replica.handle, no_restart=True)
                except Exception:
                    pass
                replica.handle = None


def pickled_step(step: _Step) -> bytes:
    """``step`` pickled for Ray's workers.

    Raises:
        DistilabelError: the step (or its LLM) cannot be pickled; says what to change.
    """
    try:
        return dumps_step(step)
    except Exception as exc:
        raise DistilabelError(
            f"Step '{step.name}' cannot be sent to Ray actors: {exc}. A step (and its LLM)"
            " must be picklable: keep clients, locks and open files out of fields and create"
            " them in load()."
        ) from exc


def start_failed(step: _Step, where: str, exc: BaseException) -> DistilabelError:
    """The error for a step that could not be set up in a Ray worker process (most often
    a module the workers cannot import); ``where`` names the actor."""
    return DistilabelError(
        f"Step '{step.name}' could not start on the Ray cluster ({where}):"
        f" {_first_line(exc).rstrip('.')}. Every node needs distilabel, the step's plugins"
        f" and the module defining the step class ({type(step).__module__}) importable:"
        " install them on the nodes or pass ray_init_kwargs={'runtime_env': {...}}."
    )


def _first_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    error_lines = [line for line in lines if "Error" in line and not line.startswith(" ")]
    return (error_lines[-1] if error_lines else lines[0] if lines else type(exc).__name__)
