"""Shipping steps to Ray actors, including steps and LLMs defined in the user's script.

Classes importable on the workers (installed packages, modules on their path) travel by
reference. Classes and functions defined in the driver's ``__main__`` script travel as
*(script source, name)*: the worker runs the script once as a module named
``__distilabel_main__`` (so its ``if __name__ == "__main__":`` block does not run, as
with ``multiprocessing``'s spawn) and takes the class from it. This works for pydantic
models, which cloudpickle cannot rebuild by value.
"""

from __future__ import annotations

import hashlib
import io
import sys
import threading
import types
from typing import Any, Optional

from distilabel.steps._base import _Step

__all__ = ["dumps_step", "loads_step"]

_MAIN_MODULE = "__distilabel_main__"
_loaded_mains: dict[str, types.ModuleType] = {}
_lock = threading.Lock()


def _main_script() -> Optional[tuple[str, str, types.ModuleType]]:
    """``(path, source, module)`` of the driver's ``__main__`` script, when it is a file."""
    main = sys.modules.get("__main__")
    if main is None:
        return None
    path = getattr(main, "__file__", None)
    if not path or not str(path).endswith(".py"):
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            return str(path), fh.read(), main
    except OSError:
        return None


def _from_main(path: str, source: str, qualname: str) -> Any:
    """Run the driver's script as a module (once per source) and return ``qualname``."""
    key = hashlib.sha256(source.encode()).hexdigest()
    with _lock:
        module = _loaded_mains.get(key)
        if module is None:
            module = types.ModuleType(_MAIN_MODULE)
            module.__file__ = path
            sys.modules[_MAIN_MODULE] = module
            exec(compile(source, path, "exec"), module.__dict__)
            _loaded_mains[key] = module
    return _lookup(module, qualname)


def _lookup(module: types.ModuleType, qualname: str) -> Any:
    value: Any = module
    for part in qualname.split("."):
        value = getattr(value, part, None)
    return value


def dumps_step(step: _Step) -> bytes:
    """Pickle ``step`` (a copy without its pipeline) for the replica actors."""
    from ray import cloudpickle

    script = _main_script()

    class _Pickler(cloudpickle.Pickler):  # type: ignore[misc, name-defined]
        def reducer_override(self, obj: Any) -> Any:
            if (
                script is not None
                and isinstance(obj, (type, types.FunctionType))
                and getattr(obj, "__module__", None) == "__main__"
                and _lookup(script[2], obj.__qualname__) is obj
            ):
                return _from_main, (script[0], script[1], obj.__qualname__)
            return super().reducer_override(obj)

    buffer = io.BytesIO()
    _Pickler(buffer).dump(step.model_copy(update={"pipeline": None}))
    return buffer.getvalue()


def loads_step(data: bytes) -> _Step:
    """The step pickled by ``dumps_step``."""
    import pickle

    return pickle.loads(data)  # type: ignore[no-any-return]
