"""Routing batches: send each output batch of a step to some of its successors.

::

    @routing_batch_function
    def sample_two_steps(steps: list[str]) -> list[str]:
        return random.sample(steps, 2)

    with Pipeline(name="ultrafeedback") as pipeline:
        load >> sample_two_steps >> [gen_a, gen_b, gen_c] >> combine

``sample_n_steps(2)`` is the same function, ready made. The route a batch takes is
chosen once, when the batch is committed, and stored in the batch's header beside its
rows, so a resumed run (and a successor replaying the batch from the cache) sends it the
same way whatever the function would choose now.

The step after the routed steps (``combine``) is a *convergence* step: for each batch of
the routing step it gets the rows the chosen steps made from it, one list per chosen
step (``GroupColumns`` then groups two generations per row, not three). The steps between
must keep one output row per input row, as tasks do.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import random
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, Union, overload

from distilabel.errors import DistilabelUserError
from distilabel.serialization import TYPE_INFO_KEY

if TYPE_CHECKING:
    from distilabel.steps._base import _Step

__all__ = [
    "RoutingBatchFunction",
    "routing_batch_function",
    "routing_from_dict",
    "sample_n_steps",
]

RoutingFunc = Callable[[list[str]], list[str]]
"""A routing function: the successors' names in, the names to send a batch to out."""


class RoutingBatchFunction:
    """A routing function made usable in ``step >> function >> [steps]``.

    Build one with ``@routing_batch_function`` or ``sample_n_steps(n)``.
    """

    def __init__(
        self,
        func: RoutingFunc,
        description: Optional[str] = None,
        factory: Optional[tuple[str, str, dict[str, Any]]] = None,
    ) -> None:
        self.func = func
        self.description = description if description is not None else inspect.getdoc(func)
        self.factory = factory
        """``(module, name, kwargs)`` of the factory that made it (``sample_n_steps``)."""
        self.step: Optional[_Step] = None

    @property
    def name(self) -> str:
        """The routing function's name, for messages."""
        return getattr(self.func, "__name__", type(self.func).__name__)

    def __call__(self, steps: list[str]) -> list[str]:
        return self.func(steps)

    def route(self, step: str, successors: list[str]) -> list[str]:
        """The successors of ``step`` its next batch goes to, in ``successors`` order.

        Raises:
            DistilabelUserError: the function returned something that is not a list of
                names of ``successors``.
        """
        chosen = self.func(list(successors))
        if isinstance(chosen, str) or not isinstance(chosen, (list, tuple, set)):
            raise DistilabelUserError(
                f"Routing function '{self.name}' of step '{step}' returned"
                f" {type(chosen).__name__}; it must return a list of the step names it is"
                f" given ({', '.join(successors)})."
            )
        unknown = [name for name in chosen if name not in successors]
        if unknown:
            raise DistilabelUserError(
                f"Routing function '{self.name}' of step '{step}' chose {unknown!r}, which"
                f" are not steps after '{step}'; choose among {', '.join(successors)}."
            )
        return [name for name in successors if name in chosen]

    # -- composition: ``step >> function >> [steps]`` ----------------------------------

    def __rrshift__(self, other: Any) -> RoutingBatchFunction:
        """``step >> function``: a copy of the function bound to ``step``."""
        from distilabel.steps._base import _Step

        if not isinstance(other, _Step):
            return NotImplemented
        bound = copy.copy(self)
        bound.step = other
        return bound

    def __rshift__(self, other: Any) -> Any:
        """``(step >> function) >> [a, b, c]``: connect the step to each of them and route
        its batches with the function; returns the list (for ``>> combine``)."""
        from distilabel.steps._base import _Step

        if not isinstance(other, (list, tuple)) or not all(isinstance(s, _Step) for s in other):
            raise DistilabelUserError(
                f"Routing function '{self.name}' routes to a list of steps: write"
                f" `step >> {self.name} >> [step_a, step_b, ...]`."
            )
        source = self.step
        if source is None:
            raise DistilabelUserError(
                f"Routing function '{self.name}' has no step to route from: write"
                f" `step >> {self.name} >> [step_a, step_b, ...]`."
            )
        for target in other:
            source.connect(target)
        pipeline = source.pipeline
        assert pipeline is not None  # connect() checked it
        pipeline.dag.routes[source.name] = self
        return other

    # -- serialization ----------------------------------------------------------------

    def dump(self, step: str) -> dict[str, Any]:
        """How the function is written in a dumped pipeline, as distilabel 1.x writes it
        (found again by import: a factory's name and arguments, or a module-level
        decorated function's name)."""
        if self.factory is not None:
            module, name, kwargs = self.factory
        else:
            module, name, kwargs = self.func.__module__, self.func.__qualname__, {}
        type_info: dict[str, Any] = {"module": module, "name": name}
        if kwargs:
            type_info["kwargs"] = dict(kwargs)
        return {"step": step, "description": self.description, TYPE_INFO_KEY: type_info}


@overload
def routing_batch_function(func: RoutingFunc) -> RoutingBatchFunction: ...


@overload
def routing_batch_function(
    func: None = None, description: Optional[str] = None
) -> Callable[[RoutingFunc], RoutingBatchFunction]: ...


def routing_batch_function(
    func: Optional[RoutingFunc] = None, description: Optional[str] = None
) -> Union[RoutingBatchFunction, Callable[[RoutingFunc], RoutingBatchFunction]]:
    """Make ``func(steps: list[str]) -> list[str]`` a routing function for
    ``step >> func >> [steps]``: each output batch of ``step`` goes to the steps it names.

    Use it bare (``@routing_batch_function``) or with a description
    (``@routing_batch_function(description="...")``).
    """

    def wrap(function: RoutingFunc) -> RoutingBatchFunction:
        return RoutingBatchFunction(function, description=description)

    return wrap(func) if func is not None else wrap


def sample_n_steps(n: int) -> RoutingBatchFunction:
    """A routing function sending each batch to ``n`` of the connected steps, chosen at
    random per batch (every batch to exactly ``n`` distinct steps)."""
    if not isinstance(n, int) or n < 1:
        raise DistilabelUserError(f"sample_n_steps(n) needs a whole number n >= 1, got {n!r}.")

    def sample_n(steps: list[str]) -> list[str]:
        return random.sample(steps, n)

    return RoutingBatchFunction(
        sample_n,
        description=f"Sample {n} of the connected steps for each batch.",
        factory=(__name__, "sample_n_steps", {"n": n}),
    )


_1X_MODULE = "distilabel.pipeline.routing_batch_function"
"""Where distilabel 1.x kept ``sample_n_steps``; its files name it."""


def routing_from_dict(data: Mapping[str, Any]) -> RoutingBatchFunction:
    """The routing function a dumped pipeline names (``RoutingBatchFunction.dump``).

    Raises:
        DistilabelUserError: it cannot be imported, or is not a routing function.
    """
    step = data.get("step")
    info = data.get(TYPE_INFO_KEY)
    if not isinstance(info, Mapping) or not info.get("module") or not info.get("name"):
        raise DistilabelUserError(
            f"The routing function of step {step!r} in the pipeline file has no type_info"
            " {module, name}: it was defined where it cannot be found again. Build the"
            " pipeline in Python, or define the function at module level."
        )
    module, name = str(info["module"]), str(info["name"])
    if module == _1X_MODULE:
        module = __name__
    where = f"{module}.{name}"
    try:
        found: Any = importlib.import_module(module)
        for part in name.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError) as exc:
        raise DistilabelUserError(
            f"Cannot import the routing function '{where}' of step {step!r} named in the"
            f" pipeline file: {exc}. Define it at module level where the file says."
        ) from None
    kwargs = info.get("kwargs")
    if kwargs or not isinstance(found, RoutingBatchFunction):
        found = found(**dict(kwargs or {})) if callable(found) else found
    if not isinstance(found, RoutingBatchFunction):
        raise DistilabelUserError(
            f"'{where}' (step {step!r} in the pipeline file) is not a routing function;"
            " decorate it with @routing_batch_function."
        )
    found = copy.copy(found)
    if data.get("description"):
        found.description = str(data["description"])
    return found
