"""``Pipeline``: build a DAG of steps in a ``with`` block and run it.

::

    with Pipeline(name="text-generation-pipeline") as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"instruction": "..."}])
        generate = TextGeneration(name="generate", llm=llm)
        load >> generate

    distiset = pipeline.run(parameters={"generate": {"llm": {"generation_kwargs": {...}}}})
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import os
import re
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, Union

from distilabel._installation import warn_if_conflicting
from distilabel._legacy_fields import drop_constructor_fields
from distilabel.distiset import Distiset, StepRows
from distilabel.errors import DistilabelUserError
from distilabel.llms._offline import OfflineBatchGenerationNotFinished
from distilabel.pipeline._dag import DAG
from distilabel.pipeline._dataset import attach_dataset
from distilabel.pipeline._display import make_display
from distilabel.pipeline._engine import RunOptions, StepFailedError, run_coroutine_sync
from distilabel.pipeline._load_groups import LoadGroups, load_stages
from distilabel.pipeline._progress import StepProgress
from distilabel.pipeline._requirements import check_requirements, parse_requirements
from distilabel.pipeline._rerun import rewind_failed
from distilabel.pipeline._serialize import (
    config_text,
    dump_yaml,
    pipeline_from_dict,
    pipeline_to_dict,
    read_config,
)
from distilabel.pipeline._signature import explain_change, step_keys, structure_signature
from distilabel.pipeline._summary import (
    build_summary,
    check_failed_fraction,
    log_summary,
    step_models,
    too_many_failed_rows,
)
from distilabel.pipeline._validate import apply_parameters, validate_dag
from distilabel.pipeline.local._engine import LocalEngine
from distilabel.pipeline.storage._location import (
    Location,
    as_location,
    cache_root,
    describe,
    join,
    locked_run_dir,
    make_dirs,
    make_step_store,
    prune_children,
    saved_run_log,
    write_text,
)
from distilabel.pipeline.storage._store import StepStore
from distilabel.pricing import CostEstimate, Pricing, PricingSource
from distilabel.runtime_parameters import RuntimeParameterInfo
from distilabel.steps._base import _Step
from distilabel.steps._context import pop_pipeline, push_pipeline
from distilabel.steps._make_generator import InputDataset

if TYPE_CHECKING:
    from distilabel.pipeline.ray._run import RayPipeline

__all__ = ["Pipeline"]

_logger = logging.getLogger("distilabel.pipeline")
_KEEP_SNAPSHOTS = 5


def _is_url(path: Union[str, os.PathLike[str]]) -> bool:
    return isinstance(path, str) and "://" in path


class Pipeline:
    """A named DAG of steps, run locally with durable, resumable progress.

    Args:
        name: the pipeline's name (part of its cache key). Without one it is derived
            from the step names when the ``with`` block ends (``pipeline_load_generate``),
            as in distilabel 1.x.
        description: a free text description, kept in the YAML and the dataset card.
        cache_dir: where run directories live: a local path or an fsspec URL such as
            ``s3://bucket/prefix`` (default ``$DISTILABEL_CACHE_DIR`` or
            ``~/.cache/distilabel``). With the Ray engine, use a location every node can
            reach.
        requirements: packages the pipeline needs (``["openai>=1.0"]``), checked before
            anything loads and kept in the dumped YAML.
        enable_metadata: accepted for distilabel 1.x code and ignored: the
            ``distilabel_metadata`` column is always kept here (docs/migrating.md).

    Raises:
        DistilabelUserError: ``name`` is empty or a requirement is not valid.
    """

    def __init__(
        self,
        name: Optional[str] = None,
        description: Optional[str] = None,
        cache_dir: Optional[Union[str, os.PathLike[str]]] = None,
        requirements: Optional[list[str]] = None,
        enable_metadata: bool = False,
    ) -> None:
        if enable_metadata:
            drop_constructor_fields("Pipeline", {}, {"enable_metadata": enable_metadata})
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise DistilabelUserError(
                "Pipeline `name` must be a non-empty string (or left out to derive it)."
            )
        self._name = name
        self.description = description
        self.requirements = parse_requirements(requirements, "Pipeline")
        self.dag = DAG()
        self._cache_dir = as_location(cache_dir) if cache_dir is not None else None
        self._tokens: list[contextvars.Token[Any]] = []

    # -- building -----------------------------------------------------------------------

    def __enter__(self) -> Pipeline:
        self._tokens.append(push_pipeline(self))
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        pop_pipeline(self._tokens.pop())
        if self._name is None and not self._tokens and self.dag.steps:
            self._name = self.name

    @property
    def name(self) -> str:
        """The given name, or one derived from the step names (``pipeline_a_b``)."""
        if self._name is not None:
            return self._name
        return "_".join(["pipeline", *self.dag.steps])[:96]

    @name.setter
    def name(self, value: str) -> None:
        self._name = value

    def _add_step(self, step: _Step) -> None:
        self.dag.add_step(step)

    def _connect(self, source: _Step, target: _Step) -> None:
        self.dag.add_edge(source.name, target.name)

    def _unique_step_name(self, base: str) -> str:
        index = 0
        while f"{base}_{index}" in self.dag.steps:
            index += 1
        return f"{base}_{index}"

    @property
    def steps(self) -> dict[str, _Step]:
        """The steps by name, in the order they were created."""
        return dict(self.dag.steps)

    def get_step(self, name: str) -> _Step:
        """The step called ``name``.

        Raises:
            KeyError: no such step (the message lists the steps).
        """
        try:
            return self.dag.steps[name]
        except KeyError:
            raise KeyError(
                f"No step '{name}' in pipeline '{self.name}'; steps: {', '.join(self.dag.steps)}."
            ) from None

    # -- checking -----------------------------------------------------------------------

    def validate(self, parameters: Optional[Mapping[str, Any]] = None) -> list[str]:
        """Set ``parameters`` and check the pipeline can run; return the step order.

        Nothing is loaded. Raises on unknown step or parameter names, invalid values,
        cycles, steps without input, input columns no predecessor produces and required
        runtime parameters without a value.
        """
        apply_parameters(self.dag, parameters)
        return validate_dag(self.dag, self.name)

    def get_runtime_parameters_info(self) -> dict[str, list[RuntimeParameterInfo]]:
        """Every step's runtime parameters (nested for its LLM)."""
        return {name: step.get_runtime_parameters_info() for name, step in self.dag.steps.items()}

    # -- cache --------------------------------------------------------------------------

    @property
    def signature(self) -> str:
        """A digest of the pipeline's structure: name, steps and connections."""
        return structure_signature(self.name, self.dag)

    @property
    def cache_dir(self) -> Location:
        """The directory holding this pipeline's run directories: a ``Path``, or a URL
        string when it is on an fsspec filesystem."""
        return self._cache_dir or cache_root()

    @property
    def run_dir(self) -> Location:
        """Where this pipeline's progress is stored (keyed by its name, so adding or
        removing a step keeps every other step's cache): a ``Path``, or a URL string when
        ``cache_dir`` is a URL."""
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", self.name).strip("._") or "pipeline"
        if safe != self.name:  # two names spelled alike keep folders of their own
            safe += "-" + hashlib.sha256(self.name.encode("utf-8")).hexdigest()[:8]
        return join(self.cache_dir, "pipelines", safe, "run")

    # -- running ------------------------------------------------------------------------

    def run(
        self,
        parameters: Optional[Mapping[str, Any]] = None,
        use_cache: bool = True,
        show_progress: Optional[bool] = None,
        engine: str = "local",
        ray_init_kwargs: Optional[Mapping[str, Any]] = None,
        dataset: Optional[InputDataset] = None,
        dataset_batch_size: int = 50,
        retry_failed: bool = True,
        max_failed_fraction: Optional[float] = None,
        load_groups: Optional[LoadGroups] = None,
        pricing: Optional[PricingSource] = None,
    ) -> Distiset:
        """Validate, then run every step; return the leaf steps' rows.

        Args:
            parameters: ``{step_name: {parameter: value, "llm": {...}}}``.
            use_cache: resume from (and reuse) what earlier runs of this pipeline
                committed; ``False`` starts from scratch.
            retry_failed: with ``use_cache``, redo the rows that failed in earlier runs
                (and what was made from them), never re-sending a row that succeeded;
                ``False`` keeps failed rows as they are.
            max_failed_fraction: the share of a step's rows that may fail before ``run``
                raises ``TooManyFailedRowsError`` (``0``: any failure); ``None`` (default):
                only a step whose every row failed.
            show_progress: show per-step progress on stderr (default): live on a
                terminal, in place in Jupyter, timestamped lines elsewhere (see
                ``docs/progress-and-logs.md``); ``False`` shows none.
            engine: ``"local"`` (this process) or ``"ray"`` (a Ray cluster, see ``ray()``).
            ray_init_kwargs: with ``engine="ray"``, arguments for ``ray.init``.
            dataset: rows to feed the steps without predecessors (a list of dicts, a
                pandas DataFrame or a ``datasets.Dataset``); they become the generator
                step ``load_dataset``.
            dataset_batch_size: the batch size of that step.
            load_groups: lists of steps (names or steps) each loaded together and apart
                from the rest, one group after another, so that two large local models
                are never in memory at once; ``"sequential_step_execution"``: one step
                at a time. Local engine only.
            pricing: model prices in dollars per million tokens (a mapping like
                ``{"gpt-4o-mini": {"input": 0.15, "output": 0.6}}`` or a JSON/YAML file,
                see ``docs/cost.md``): the summary and the dataset card then say what the
                run cost, at batch prices for offline batch steps. Checked before
                anything runs.

        Returns:
            A ``Distiset``; ``complete`` is false when Ctrl-C stopped the run, or when
            rows wait in batch jobs that have not finished (what finished is kept, and
            running again resumes); ``summary`` says per step what was done, failed and
            retried.

        Raises:
            MissingRequirementsError: a package in ``requirements`` is missing.
            PipelineValidationError: the pipeline cannot run as built.
            StepFailedError: a step failed, e.g. stopped on a wrong API key (finished work
                is kept for a rerun; ``.summary`` says what was done).
            TooManyFailedRowsError: the run finished, but a step failed more rows than
                ``max_failed_fraction`` allows (``.distiset`` and ``.summary`` hold them).
        """
        check_requirements(self.requirements, f"Pipeline '{self.name}'")
        if dataset is not None:
            attach_dataset(self, dataset, dataset_batch_size)
        options = RunOptions(use_cache, retry_failed, check_failed_fraction(max_failed_fraction),
                             pricing=Pricing.load(pricing) if pricing is not None else None)
        if engine == "ray":
            if load_groups is not None:
                raise DistilabelUserError(
                    "load_groups is for the local engine; on Ray, give each step the"
                    " resources it needs (pipeline.ray(resources=...)) and let Ray place"
                    " them, or run with engine='local'."
                )
            return self.ray(ray_init_kwargs=ray_init_kwargs).run(
                parameters, use_cache=use_cache, show_progress=show_progress,
                retry_failed=retry_failed, max_failed_fraction=max_failed_fraction,
                pricing=options.pricing,
            )
        if engine != "local":
            raise DistilabelUserError(f"Unknown engine {engine!r}; use 'local' or 'ray'.")
        warn_if_conflicting()
        order = self.validate(parameters)
        stages = load_stages(self.dag, order, load_groups)
        run_dir = self.run_dir
        with locked_run_dir(run_dir):
            return self._run_locked(order, run_dir, options, show_progress, stages=stages)

    def dry_run(
        self,
        parameters: Optional[Mapping[str, Any]] = None,
        batch_size: int = 1,
        dataset: Optional[InputDataset] = None,
        show_progress: Optional[bool] = False,
        pricing: Optional[PricingSource] = None,
    ) -> Distiset:
        """Run ``batch_size`` rows (default one) through every step to try the pipeline.

        First, before anything is sent, every task's input tokens over *all* its rows
        are estimated (and priced, with ``pricing``) and logged; the estimates are in
        ``distiset.summary.estimates``. Then each generator step produces one batch;
        nothing is read from or written to the pipeline's cache, and the returned
        ``Distiset`` holds the rows in memory. Validation, parameters and requirements
        are checked as ``run`` checks them.
        """
        from distilabel.pipeline._dry_run import dry_run
        from distilabel.pipeline._estimate import format_estimates

        if dataset is not None:
            attach_dataset(self, dataset, batch_size)
        estimates = self.estimate_cost(parameters, pricing)
        _logger.info("Pipeline '%s': %s", self.name, format_estimates(estimates))
        distiset = dry_run(self, parameters, batch_size, None, show_progress=show_progress,
                           pricing=pricing)
        if distiset.summary is not None:
            distiset.summary.estimates = estimates
        return distiset

    def estimate_cost(
        self,
        parameters: Optional[Mapping[str, Any]] = None,
        pricing: Optional[PricingSource] = None,
    ) -> list[CostEstimate]:
        """Estimate each task's input tokens (and dollars, with ``pricing``) over all its
        rows, sending nothing: the steps without an LLM run on every row, each task fed
        only by them formats its rows as a run would (``docs/cost.md``). A task fed by
        another task's answers is listed with ``rows == -1`` (unknown before it runs).
        """
        from distilabel.pipeline._estimate import estimate_pipeline_cost

        order = self.validate(parameters)
        return estimate_pipeline_cost(self, order, pricing)

    def ray(
        self,
        ray_init_kwargs: Optional[Mapping[str, Any]] = None,
        resources: Optional[Mapping[str, Any]] = None,
        max_restarts: int = 3,
    ) -> RayPipeline:
        """This pipeline on the Ray engine: ``pipeline.ray().run(parameters=...)``.

        Args:
            ray_init_kwargs: arguments for ``ray.init`` (default: ``RAY_ADDRESS`` or a
                local Ray).
            resources: per step name, ``StepResources`` (or a dict of its fields)
                overriding the step's own ``resources``.
            max_restarts: how often a step's replicas may die and be replaced before the
                step fails.
        """
        from distilabel.pipeline.ray._run import RayPipeline

        return RayPipeline(
            self, ray_init_kwargs=ray_init_kwargs, resources=resources, max_restarts=max_restarts
        )

    def _run_locked(
        self,
        order: list[str],
        run_dir: Location,
        options: RunOptions,
        show_progress: Optional[bool],
        engine_factory: Callable[..., Any] = LocalEngine,
        stages: Optional[list[list[str]]] = None,
    ) -> Distiset:
        dumped = self.dump()
        yaml_text = config_text(dumped)
        step_dumps = {entry["name"]: entry["step"] for entry in dumped["pipeline"]["steps"]}
        keys = step_keys(self.dag, order, step_dumps)
        stores: dict[str, StepStore] = {}
        uncached = self.dag.with_descendants(
            [name for name in order if not self.dag.steps[name].use_cache]
        )
        for name in order:
            store = make_step_store(join(run_dir, "steps", name), keys[name].signature)
            store.open(reset=not options.use_cache or name in uncached, key=keys[name].fields)
            if store.replaced_key is not None:
                _logger.info(explain_change(name, store.replaced_key or None, keys[name].fields))
            stores[name] = store
        rewound = (
            rewind_failed(self.dag, order, stores)
            if options.use_cache and options.retry_failed else {}
        )
        for name, store in stores.items():
            if store.done:
                _logger.info("Step '%s': reusing %d cached rows.", name, store.committed_rows)
            elif store.reused:
                _logger.info("Step '%s': resuming after %d committed rows.", name,
                             store.committed_rows)
        write_text(join(run_dir, "pipeline.yaml"), yaml_text)
        progress = {name: StepProgress(name) for name in order}
        display = (
            make_display(list(progress.values()), title=f"pipeline '{self.name}'")
            if show_progress is not False else None
        )
        snapshots = join(run_dir, "distisets")
        # Named so that names sort by time (pruning keeps the newest by name).
        target = join(
            snapshots, f"{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns()}-{os.getpid()}"
        )
        make_dirs(target)
        complete = True
        failure: Optional[BaseException] = None
        started = time.monotonic()
        with saved_run_log(target) as log:
            _logger.info("Pipeline '%s' starts; progress is kept in %s.", self.name,
                         describe(run_dir))
            engine = engine_factory(
                self.dag, order, stores, progress, display,
                **({"stages": stages} if stages is not None else {}),
            )
            try:
                run_coroutine_sync(engine.run())
            except KeyboardInterrupt:
                complete = False
                _logger.warning(
                    "Pipeline '%s' interrupted; finished batches are kept in %s. Run it again"
                    " to resume.", self.name, describe(run_dir),
                )
            except StepFailedError as exc:
                if not isinstance(exc.cause, OfflineBatchGenerationNotFinished):
                    failure = exc
                    raise
                complete = False  # rows wait in batch jobs: stop here, collect on a rerun
                _logger.warning("Pipeline '%s' stopped: %s", self.name, exc.cause)
            except BaseException as exc:
                failure = exc
                raise
            finally:
                if display is not None:
                    display.close()
                for store in stores.values():
                    store.close()
                summary = build_summary(
                    self.name, order, stores, progress, rewound, time.monotonic() - started,
                    complete=complete and failure is None,
                    error=str(failure) if failure is not None else None,
                    max_failed_fraction=options.max_failed_fraction,
                    models=step_models(self.dag.steps),
                    pricing=options.pricing,
                )
                log_summary(summary)
                if isinstance(failure, StepFailedError):
                    failure.summary = summary
            _logger.info(
                "Pipeline '%s' finished in %.1f s.", self.name, time.monotonic() - started
            )
        distiset = self._distiset(stores, target, yaml_text, complete, log)
        distiset.summary = summary
        prune_children(snapshots, _KEEP_SNAPSHOTS)
        if complete and summary.failed_steps:
            raise too_many_failed_rows(summary, distiset)
        return distiset

    def _distiset(
        self,
        stores: dict[str, StepStore],
        target: Location,
        yaml_text: str,
        complete: bool,
        log: Location,
    ) -> Distiset:
        """Snapshot the leaves' batches into ``target`` (hard links locally, one
        concatenated object on a URL) so later runs cannot change them."""
        data: dict[str, StepRows] = {}
        for name in self.dag.leaves:
            store = stores[name]
            snapshot = join(target, f"{name}.batches.jsonl")
            store.snapshot(snapshot)
            data[name] = StepRows(
                snapshot, store.committed_rows, layout="batches", owned=True
            )
            data[name].hold(target)
        return Distiset(data, pipeline_yaml=yaml_text, complete=complete, log=log)

    # -- serialization ------------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        """The pipeline as a plain dict: steps with type info, connections; no secrets."""
        return pipeline_to_dict(self)

    def to_yaml(self) -> str:
        """The pipeline as YAML text."""
        return self._yaml(self.dump())

    @staticmethod
    def _yaml(data: dict[str, Any]) -> str:
        return dump_yaml(data)

    def save(self, path: Union[str, os.PathLike[str]], format: Optional[str] = None) -> Path:
        """Write the pipeline to ``path`` as ``"yaml"`` or ``"json"`` (default: from the
        extension, YAML otherwise)."""
        import json

        target = Path(path)
        fmt = format or ("json" if target.suffix.lower() == ".json" else "yaml")
        if fmt not in ("yaml", "json"):
            raise DistilabelUserError(f"Unknown pipeline format {fmt!r}; use 'yaml' or 'json'.")
        text = json.dumps(self.dump(), indent=2) if fmt == "json" else self.to_yaml()
        target.write_text(text, encoding="utf-8")
        return target

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Pipeline:
        """Rebuild a pipeline from ``dump()`` output (classes are imported by type info)."""
        return pipeline_from_dict(cls, data)

    @classmethod
    def from_yaml(cls, path: Union[str, os.PathLike[str]]) -> Pipeline:
        """Load a pipeline saved as YAML (or JSON, which is YAML too)."""
        return cls.from_dict(read_config(str(path) if _is_url(path) else Path(path)))

    from_json = from_yaml
    from_file = from_yaml

    def __repr__(self) -> str:
        return f"Pipeline(name={self.name!r}, steps={list(self.dag.steps)})"
