"""Dump pydantic-based objects (LLMs, steps) to plain dicts and rebuild them.

A dump records the class as ``type_info`` (module and name) next to the field values.
Secret fields (``SecretStr``, however nested in the annotation) and fields declared with
``exclude=True`` are never written, and URLs are written without ``user:password@``, so a
dumped pipeline can be shared safely. Pickles carry no secret either: a secret field
travels as a reference to its environment variable (see ``distilabel._secrets``), and a
secret field's invalid input is not shown in validation errors.
"""

from __future__ import annotations

import contextvars
import importlib
import typing
from typing import Any, ClassVar, Mapping, TypeVar

from pydantic import BaseModel, SecretStr, ValidationError

from distilabel._legacy_fields import FIELDS, drop_constructor_fields
from distilabel._secrets import (
    MissingSecret,
    hide_secret_inputs,
    redact_dumped_urls,
    restore_secrets,
    secret_refs,
)
from distilabel.errors import DistilabelUserError

__all__ = ["TYPE_INFO_KEY", "Serializable", "import_type", "is_secret_annotation"]

TYPE_INFO_KEY = "type_info"

_S = TypeVar("_S", bound="Serializable")
_LEGACY_FIELDS = frozenset(FIELDS)
_VALIDATING: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "distilabel_validating_dump", default=False
)


def is_secret_annotation(annotation: Any) -> bool:
    """True when ``annotation`` is, or contains, ``SecretStr``."""
    if annotation is SecretStr:
        return True
    return any(is_secret_annotation(a) for a in typing.get_args(annotation))


def import_type(type_info: Mapping[str, str]) -> type:
    """Import the class named by a ``type_info`` mapping (``{"module": ..., "name": ...}``).

    Raises:
        DistilabelUserError: the module or class cannot be imported; says which.
    """
    module_name, name = type_info.get("module"), type_info.get("name")
    if not module_name or not name:
        raise DistilabelUserError(
            f"Invalid type_info {dict(type_info)!r}: needs 'module' and 'name'."
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise DistilabelUserError(
            f"Cannot import module '{module_name}' for class '{name}': {exc}. Install the"
            " package that provides it (for an LLM, see `distilabel llms list`)."
        ) from exc
    obj: Any = module
    for part in name.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            raise DistilabelUserError(f"Module '{module_name}' has no class '{name}'.")
    if not isinstance(obj, type):
        raise DistilabelUserError(f"'{module_name}.{name}' is not a class.")
    return obj


class Serializable(BaseModel):
    """Mixin giving pydantic models ``dump()`` and ``from_dict()`` with type information."""

    _secret_fields_cache: ClassVar[dict[type, frozenset[str]]] = {}

    def __init__(self, **data: Any) -> None:
        # 1.x code's keyword arguments; a dump (model_validate) keeps unknown fields errors.
        if data and not _LEGACY_FIELDS.isdisjoint(data) and not _VALIDATING.get():
            data = drop_constructor_fields(type(self).__name__, type(self).model_fields, data)
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise hide_secret_inputs(exc, self.secret_fields()) from None

    @classmethod
    def model_validate(cls: type[_S], obj: Any, *args: Any, **kwargs: Any) -> _S:
        token = _VALIDATING.set(True)
        try:
            return super().model_validate(obj, *args, **kwargs)  # type: ignore[misc]
        except ValidationError as exc:
            raise hide_secret_inputs(exc, cls.secret_fields()) from None
        finally:
            _VALIDATING.reset(token)

    def __getstate__(self) -> dict[Any, Any]:
        """Pickle state without secret values (``SecretRef`` placeholders instead)."""
        state = super().__getstate__()
        names = self.secret_fields()
        if names:
            state = {**state, "__dict__": secret_refs(type(self), state["__dict__"], names)}
        return state

    def __setstate__(self, state: dict[Any, Any]) -> None:
        """Restore a pickle, re-reading secrets from this process or its environment."""
        if self.secret_fields():
            state = {**state, "__dict__": restore_secrets(state.get("__dict__", {}))}
        super().__setstate__(state)

    def missing_secrets(self) -> dict[str, MissingSecret]:
        """Secret fields an unpickled object could not get back (name -> why)."""
        return {
            name: value for name in self.secret_fields()
            if isinstance(value := getattr(self, name, None), MissingSecret)
        }

    @classmethod
    def secret_fields(cls) -> frozenset[str]:
        """Names of fields whose values are secrets and are never dumped."""
        cached = cls._secret_fields_cache.get(cls)
        if cached is None:
            cached = frozenset(
                name for name, info in cls.model_fields.items()
                if is_secret_annotation(info.annotation)
                or any(is_secret_annotation(m) for m in info.metadata)
            )
            cls._secret_fields_cache[cls] = cached
        return cached

    def _dump_exclude(self) -> set[str]:
        """Names left out of ``dump()``: secrets; subclasses add runtime-only fields."""
        return set(self.secret_fields())

    def dump(self) -> dict[str, Any]:
        """Return a JSON/YAML-friendly dict of this object, without secrets."""
        data = redact_dumped_urls(self.model_dump(mode="json", exclude=self._dump_exclude()))
        data[TYPE_INFO_KEY] = {"module": type(self).__module__, "name": type(self).__qualname__}
        return data

    @classmethod
    def from_dict(cls: type[_S], data: Mapping[str, Any]) -> _S:
        """Rebuild an object from ``dump()`` output; ``type_info`` selects the subclass.

        Raises:
            DistilabelUserError: the class cannot be imported or is not a ``cls``.
        """
        values = dict(data)
        type_info = values.pop(TYPE_INFO_KEY, None)
        target: type = cls if type_info is None else import_type(type_info)
        if not issubclass(target, cls):
            raise DistilabelUserError(
                f"'{target.__module__}.{target.__qualname__}' is not a {cls.__name__}."
            )
        return target.model_validate(values)  # type: ignore[no-any-return,attr-defined]
