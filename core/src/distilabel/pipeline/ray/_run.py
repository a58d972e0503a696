"""Entry points of the Ray engine: ``pipeline.ray(...).run(...)``, ``run(engine="ray")``
and the CLI's ``--engine ray``.

``run_on_ray`` does what ``Pipeline.run`` does (validate every step and parameter
before anything starts, lock and open the run directory, return a ``Distiset``) with
the ``RayEngine`` in place of the local one. Ray is imported here, when the engine is
chosen, never by ``import distilabel.pipeline``.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable, Optional, Protocol, Union

from distilabel.errors import DistilabelUserError, PluginNotAvailableError
from distilabel.pipeline._dag import DAG
from distilabel.pipeline._engine import RunOptions
from distilabel.pipeline._interrupt import ctrl_c_quits, on_quit
from distilabel.pipeline._summary import check_failed_fraction
from distilabel.pipeline.ray._engine import RayEngine
from distilabel.pipeline.storage._location import (
    Location,
    describe,
    is_url,
    locked_run_dir,
)
from distilabel.pricing import Pricing
from distilabel.steps._resources import StepResources

if TYPE_CHECKING:
    from distilabel.distiset import Distiset

__all__ = [
    "RayPipeline",
    "check_no_routing",
    "check_shared",
    "connect_ray",
    "end_local_ray",
    "import_ray",
    "run_on_ray",
]

_logger = logging.getLogger("distilabel.pipeline.ray")

ResourcesOverride = Mapping[str, Union[StepResources, Mapping[str, Any]]]


class Runnable(Protocol):
    """What the Ray engine needs of a ``Pipeline`` (typed here so this package never
    imports the pipeline module, which imports this one when ``ray()`` is called)."""

    dag: DAG

    @property
    def run_dir(self) -> Location: ...

    def validate(self, parameters: Optional[Mapping[str, Any]] = None) -> list[str]: ...

    def _run_locked(
        self,
        order: list[str],
        run_dir: Location,
        options: RunOptions,
        show_progress: Optional[bool],
        engine_factory: Callable[..., Any] = ...,
    ) -> Distiset: ...


def import_ray() -> Any:
    """Import Ray, or say which package to install.

    Raises:
        PluginNotAvailableError: Ray is not installed.
    """
    try:
        import ray
    except ImportError as exc:
        raise PluginNotAvailableError(
            "The Ray engine needs Ray, which is not installed here: pip install"
            " 'distilabel-core[ray]' (on the driver and on every node of the cluster)."
        ) from exc
    return ray


def connect_ray(ray_init_kwargs: Optional[Mapping[str, Any]] = None) -> bool:
    """Connect to Ray unless this process already is; return whether it connected now.

    ``ray_init_kwargs`` go to ``ray.init`` (e.g. ``{"address": "ray://head:10001"}``);
    without an address Ray uses ``RAY_ADDRESS``, a cluster started on this machine with
    ``ray start``, or else starts a local one.
    """
    ray = import_ray()
    if ray.is_initialized():
        if ray_init_kwargs:
            _logger.warning(
                "Ray is already initialised in this process; ignoring ray_init_kwargs %s.",
                sorted(ray_init_kwargs),
            )
        return False
    ray.init(**dict(ray_init_kwargs or {}))
    return True


def run_on_ray(
    pipeline: Runnable,
    parameters: Optional[Mapping[str, Any]] = None,
    use_cache: bool = True,
    show_progress: Optional[bool] = None,
    ray_init_kwargs: Optional[Mapping[str, Any]] = None,
    resources: Optional[ResourcesOverride] = None,
    max_restarts: int = 3,
    retry_failed: bool = True,
    max_failed_fraction: Optional[float] = None,
    pricing: Optional[Any] = None,
) -> Distiset:
    """Validate ``pipeline`` and run it on Ray; return its ``Distiset``.

    Args:
        pipeline: the pipeline to run.
        parameters: runtime parameters, as for ``Pipeline.run``.
        use_cache: resume from (and reuse) earlier runs, as for ``Pipeline.run``.
        show_progress: draw per-step progress (default: when stderr is a terminal).
        ray_init_kwargs: arguments for ``ray.init`` (address, runtime_env, ...).
        resources: per step name, ``StepResources`` (or a dict of its fields) that
            override the step's own ``resources``.
        max_restarts: how many times a step's replicas may die and be replaced before
            the step fails.
        retry_failed: redo rows that failed in earlier runs, as for ``Pipeline.run``.
        max_failed_fraction: the share of a step's rows that may fail, as for
            ``Pipeline.run``.

    Raises:
        PipelineValidationError: the pipeline cannot run as built.
        StepFailedError: a step failed (finished work is kept for a rerun).
        PluginNotAvailableError: Ray is not installed.
    """
    order = pipeline.validate(parameters)
    check_no_routing(pipeline.dag)
    _refuse_offline_batches(pipeline, order)
    import_ray()
    run_dir = pipeline.run_dir
    check_shared(run_dir)
    with locked_run_dir(run_dir):
        connected = False
        try:
            connected = connect_ray(ray_init_kwargs)

            def engine_factory(*args: Any, **kwargs: Any) -> RayEngine:
                kwargs.update(resources=resources, max_restarts=max_restarts)
                return RayEngine(*args, **kwargs)

            options = RunOptions(
                use_cache, retry_failed, check_failed_fraction(max_failed_fraction),
                pricing=Pricing.load(pricing) if pricing is not None else None,
            )
            with on_quit(end_local_ray) if connected else contextlib.nullcontext():
                return pipeline._run_locked(
                    order, run_dir, options, show_progress, engine_factory=engine_factory
                )
        finally:
            if connected:
                import ray

                with ctrl_c_quits("Ctrl-C while the local Ray cluster shuts down"):
                    ray.shutdown()


def end_local_ray() -> None:
    """Kill the processes of the Ray cluster this process started (a second Ctrl-C quits
    without ``ray.shutdown()``, and Ray's agents would outlive the driver). Processes of a
    cluster this process only connected to are not its children, and are left alone."""
    import psutil

    for child in psutil.Process().children(recursive=True):
        try:
            command = " ".join(child.cmdline())
            if command.startswith("ray::") or f"{os.sep}ray{os.sep}" in command:
                child.kill()
        except psutil.Error:  # already gone
            pass


def check_no_routing(dag: DAG) -> None:
    """Refuse routing functions, which only the local engine runs.

    Raises:
        DistilabelUserError: a step routes its batches (names it and the fix).
    """
    if dag.routes:
        names = ", ".join(f"'{n}' ({f.name})" for n, f in dag.routes.items())
        raise DistilabelUserError(
            f"The Ray engine does not route batches yet, and step(s) {names} use a"
            " routing function. Run this pipeline with the local engine"
            " (`pipeline.run(...)`), or connect each step to all of its successors."
        )


def check_shared(run_dir: Location) -> None:
    """Refuse a run directory that Ray actors in other processes cannot see.

    Raises:
        DistilabelUserError: ``run_dir`` is on ``memory://`` (one process only).
    """
    if is_url(run_dir) and str(run_dir).lower().startswith("memory:"):
        raise DistilabelUserError(
            f"The run directory '{describe(run_dir)}' is in this process's memory, which the"
            " Ray actors (other processes, other nodes) cannot see. Use a location every"
            " node can reach: an object store URL (s3://, gs://, az://...), a file:// URL or"
            " a path on storage mounted on every node."
        )


class RayPipeline:
    """A pipeline bound to the Ray engine: ``pipeline.ray(...).run(...)``.

    Args:
        pipeline: the pipeline to run.
        ray_init_kwargs: arguments for ``ray.init`` (``address``, ``runtime_env``...);
            by default ``RAY_ADDRESS`` or a local Ray.
        resources: per step name, ``StepResources`` overriding the steps' own.
        max_restarts: how often a step's replicas may die before the step fails.
    """

    def __init__(
        self,
        pipeline: Runnable,
        ray_init_kwargs: Optional[Mapping[str, Any]] = None,
        resources: Optional[ResourcesOverride] = None,
        max_restarts: int = 3,
    ) -> None:
        self.pipeline = pipeline
        self.ray_init_kwargs = dict(ray_init_kwargs or {})
        self.resources = dict(resources or {})
        self.max_restarts = max_restarts

    def run(
        self,
        parameters: Optional[Mapping[str, Any]] = None,
        use_cache: bool = True,
        show_progress: Optional[bool] = None,
        retry_failed: bool = True,
        max_failed_fraction: Optional[float] = None,
        pricing: Optional[Any] = None,
    ) -> Distiset:
        """Run the pipeline on Ray; see ``Pipeline.run`` for the arguments."""
        return run_on_ray(
            self.pipeline,
            parameters=parameters,
            use_cache=use_cache,
            show_progress=show_progress,
            retry_failed=retry_failed,
            max_failed_fraction=max_failed_fraction,
            pricing=pricing,
            ray_init_kwargs=self.ray_init_kwargs,
            resources=self.resources,
            max_restarts=self.max_restarts,
        )

    def __repr__(self) -> str:
        return f"RayPipeline({self.pipeline!r})"


def _refuse_offline_batches(pipeline: Any, order: list[str]) -> None:
    """Offline batch generation runs on the local engine (one process polls the jobs);
    on Ray its rows would silently go online, at twice the price.

    Raises:
        DistilabelUserError: a step's LLM has ``use_offline_batch_generation`` set.
    """
    from distilabel.errors import DistilabelUserError
    from distilabel.llms._offline import uses_offline_batch

    batched = [name for name in order
               if uses_offline_batch(getattr(pipeline.dag.steps[name], "llm", None))]
    if batched:
        raise DistilabelUserError(
            f"Step(s) {', '.join(repr(n) for n in batched)} use offline batch generation"
            " (use_offline_batch_generation=True), which the Ray engine does not run: the"
            " jobs are submitted and polled by one process. Run the pipeline with"
            " engine='local' (the batch provider does the heavy work), or set"
            " use_offline_batch_generation=False to send the rows online on Ray."
        )
