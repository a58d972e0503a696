"""Runtime parameters: values a user may set when a pipeline runs, not only when it is built.

A field becomes a runtime parameter by being annotated with ``RuntimeParameter[T]``::

    class MyLLM(LLM):
        base_url: RuntimeParameter[str] = Field(default=None, description="Server URL.")
        timeout: RuntimeParameter[float] = Field(default=30.0, description="Seconds per request.")

A runtime parameter whose value is still ``None`` when the pipeline is validated is
*required* (the user must give it), unless the field is declared
``Optional[RuntimeParameter[T]]``. One declared without a default (``x:
RuntimeParameter[int]``) defaults to ``None``, so it is required at run time, not when
the object is built (as in distilabel 1.x). Models that hold other models with runtime parameters
(a task holding an ``llm``) expose them as a nested group, and a dict-valued parameter may
declare the keys it accepts (``generation_kwargs`` takes the keywords of ``generate``).

Values set from Python, YAML or command-line strings are validated and coerced by
pydantic (``"0.3"`` becomes ``0.3`` for a ``float``); unknown names are rejected with the
list of valid ones and the closest match.
"""

from __future__ import annotations

import functools
import types
import typing
from dataclasses import dataclass, field
from typing import (
    Annotated,
    Any,
    Callable,
    ClassVar,
    Mapping,
    Optional,
    TypeVar,
    Union,
)

from pydantic import BaseModel, SecretStr, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from typing_extensions import TypedDict

from distilabel._suggest import closest, did_you_mean
from distilabel.errors import RuntimeParameterError, UnknownRuntimeParameterError
from distilabel.serialization import is_secret_annotation

__all__ = [
    "KeySchema",
    "KeySpec",
    "RuntimeParameter",
    "RuntimeParameterInfo",
    "RuntimeParametersModel",
    "coerce_value",
    "field_type_name",
    "type_name",
]

_T = TypeVar("_T")


class _RuntimeParameterMarker:
    """Metadata object that marks a field annotation as a runtime parameter."""

    def __repr__(self) -> str:
        return "RUNTIME_PARAMETER"


_RUNTIME_PARAMETER = _RuntimeParameterMarker()

RuntimeParameter = Annotated[Optional[_T], _RUNTIME_PARAMETER]
"""Marks a pydantic field as settable at run time: ``x: RuntimeParameter[int] = 5``."""


class RuntimeParameterInfo(TypedDict, total=False):
    """Description of one runtime parameter, as ``get_runtime_parameters_info`` returns it.

    ``runtime_parameters_info`` holds the parameters of a nested model (a task's
    ``llm``); ``keys`` holds the accepted keys of a dict-valued parameter
    (``generation_kwargs``); ``value`` is what an instance holds now (set in Python, a
    pipeline file or ``--param``; secrets masked), where it differs from ``default``.
    """

    name: str
    type: str
    default: Any
    value: Any
    required: bool
    optional: bool
    description: Optional[str]
    runtime_parameters_info: list[RuntimeParameterInfo]
    keys: list[RuntimeParameterInfo]


def type_name(annotation: Any) -> str:
    """Return a short, readable name for a type annotation (``Optional[float]``)."""
    if annotation is Any:
        return "Any"
    if annotation is type(None):
        return "None"
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return type_name(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        inner = " | ".join(type_name(a) for a in args)
        if len(args) < len(typing.get_args(annotation)):
            return f"Optional[{inner}]"
        return inner
    if origin is typing.Literal:
        return "Literal[" + ", ".join(repr(a) for a in typing.get_args(annotation)) + "]"
    if origin is not None:
        params = typing.get_args(annotation)
        base = getattr(origin, "__name__", str(origin))
        if not params:
            return base
        return f"{base}[{', '.join(type_name(a) for a in params)}]"
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def field_type_name(info: FieldInfo) -> str:
    """The user-facing type of a runtime-parameter field, without the marker's ``Optional``.

    ``RuntimeParameter[int]`` shows as ``int``; ``Optional[RuntimeParameter[int]]`` as
    ``Optional[int]``.
    """
    annotation = info.annotation
    if any(m is _RUNTIME_PARAMETER for m in info.metadata):
        return type_name(_strip_none(annotation))
    if typing.get_origin(annotation) in (Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(inner) == 1 and typing.get_origin(inner[0]) is Annotated:
            return f"Optional[{type_name(_strip_none(typing.get_args(inner[0])[0]))}]"
    return type_name(annotation)


def _strip_none(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        kept = tuple(a for a in typing.get_args(annotation) if a is not type(None))
        if len(kept) == 1:
            return kept[0]
        return Union[kept]
    return annotation


def _short_repr(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def coerce_value(adapter: TypeAdapter[Any], value: Any) -> Any:
    """Validate ``value`` with ``adapter``, also accepting YAML/JSON text for structured types.

    Command-line values arrive as strings: ``"0.3"`` is coerced by pydantic itself, while
    ``"[1, 2]"`` or ``"{a: 1}"`` are parsed as YAML first when the plain string fails.

    Raises:
        ValidationError: when neither the value nor its parsed form is valid.
    """
    try:
        return adapter.validate_python(value)
    except ValidationError:
        if not isinstance(value, str):
            raise
        import yaml  # local: only needed for command-line strings

        try:
            parsed = yaml.safe_load(value)
        except yaml.YAMLError:
            raise
        if parsed == value:
            raise
        return adapter.validate_python(parsed)


def _validation_message(exc: ValidationError) -> str:
    return "; ".join(err["msg"] for err in exc.errors())


@dataclass
class KeySpec:
    """One accepted key of a dict-valued runtime parameter (a ``generate`` keyword)."""

    name: str
    annotation: Any = Any
    default: Any = None
    required: bool = False
    description: Optional[str] = None
    _adapter: Optional[TypeAdapter[Any]] = field(default=None, repr=False, compare=False)

    def validate(self, value: Any) -> Any:
        """Coerce ``value`` to this key's type, raising ``ValidationError`` if impossible."""
        if self._adapter is None:
            self._adapter = TypeAdapter(self.annotation)
        return coerce_value(self._adapter, value)

    def info(self) -> RuntimeParameterInfo:
        """Describe this key for ``get_runtime_parameters_info``."""
        return RuntimeParameterInfo(
            name=self.name,
            type=type_name(self.annotation),
            default=self.default,
            required=self.required,
            optional=not self.required,
            description=self.description,
        )


@dataclass
class KeySchema:
    """The keys a dict-valued runtime parameter accepts.

    ``allow_extra`` is true when the underlying function takes ``**kwargs``: unknown keys
    are then passed through unvalidated.
    """

    keys: dict[str, KeySpec]
    allow_extra: bool = False


_FieldPlan = list[Callable[[], None]]


class RuntimeParametersModel(BaseModel):
    """A pydantic model whose ``RuntimeParameter`` fields can be listed, validated and set.

    Subclasses: ``LLM``, steps and tasks. Fields holding another
    ``RuntimeParametersModel`` (a task's ``llm``) are nested groups.
    """

    _runtime_parameter_fields_cache: ClassVar[dict[type, dict[str, tuple[FieldInfo, bool]]]] = {}
    _field_adapters_cache: ClassVar[dict[tuple[type, str], TypeAdapter[Any]]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Give ``x: RuntimeParameter[T]`` declared without a default the default ``None``.

        As in distilabel 1.x, such a field is not needed when the object is built; it is
        a *required* runtime parameter, which must have a value before the pipeline runs
        (``missing_runtime_parameters`` names it, validation and ``load()`` refuse).
        """
        super().__pydantic_init_subclass__(**kwargs)
        bare = [
            info for info in cls.model_fields.values()
            if info.is_required() and any(m is _RUNTIME_PARAMETER for m in info.metadata)
        ]
        for info in bare:
            info.default = None
        if bare:
            cls.model_rebuild(force=True)

    # -- introspection -------------------------------------------------------------------

    @classmethod
    def runtime_parameter_fields(cls) -> dict[str, tuple[FieldInfo, bool]]:
        """Map each runtime-parameter field name to ``(field_info, optional_when_none)``.

        ``optional_when_none`` is true for ``Optional[RuntimeParameter[T]]`` fields, whose
        ``None`` value is acceptable at run time.
        """
        cached = cls._runtime_parameter_fields_cache.get(cls)
        if cached is not None:
            return cached
        result: dict[str, tuple[FieldInfo, bool]] = {}
        for name, info in cls.model_fields.items():
            if any(m is _RUNTIME_PARAMETER for m in info.metadata):
                result[name] = (info, False)
            elif _annotation_has_marker(info.annotation):
                result[name] = (info, True)
        cls._runtime_parameter_fields_cache[cls] = result
        return result

    def runtime_parameters_owner(self) -> str:
        """A label for messages, e.g. ``"OpenAILLM"``; steps add their name."""
        return type(self).__name__

    @classmethod
    def runtime_parameter_keys(cls, name: str) -> Optional[KeySchema]:
        """Return the accepted keys of the dict-valued runtime parameter ``name``, if any.

        The base returns ``None`` (any dict). ``LLM`` returns the keywords of its
        ``generate``/``agenerate`` for ``generation_kwargs``.
        """
        return None

    def _nested_runtime_models(self) -> dict[str, RuntimeParametersModel]:
        nested: dict[str, RuntimeParametersModel] = {}
        for name in type(self).model_fields:
            value = getattr(self, name, None)
            if isinstance(value, RuntimeParametersModel):
                nested[name] = value
        return nested

    @property
    def runtime_parameters_names(self) -> dict[str, Any]:
        """Map each runtime parameter name to whether it is optional; nested groups map to dicts."""
        names: dict[str, Any] = {}
        for name, (_info, optional_none) in self.runtime_parameter_fields().items():
            keys = self.runtime_parameter_keys(name)
            if keys is not None:
                names[name] = {k: not spec.required for k, spec in keys.keys.items()}
            else:
                names[name] = optional_none or getattr(self, name) is not None
        for name, model in self._nested_runtime_models().items():
            names[name] = model.runtime_parameters_names
        return names

    @classmethod
    def describe_runtime_parameter(cls, name: str, value: Any) -> RuntimeParameterInfo:
        """Describe the runtime-parameter field ``name`` when it holds ``value``.

        A classmethod so that a class can be described without an instance (``distilabel
        llms info`` passes the field's default). Secret defaults are masked.
        """
        info, optional_none = cls.runtime_parameter_fields()[name]
        default = info.get_default(call_default_factory=True)
        if default and is_secret_annotation(info.annotation):
            default = "**********"
        entry = RuntimeParameterInfo(
            name=name,
            type=field_type_name(info),
            default=_public_value(default),
            required=not optional_none and value is None,
            optional=optional_none or value is not None,
            description=info.description,
        )
        keys = cls.runtime_parameter_keys(name)
        if keys is not None:
            entry["keys"] = [spec.info() for spec in keys.keys.values()]
        return entry

    def get_runtime_parameters_info(self) -> list[RuntimeParameterInfo]:
        """Describe every runtime parameter: name, type, default, required, description."""
        infos = []
        for name, (info, _optional) in self.runtime_parameter_fields().items():
            value = getattr(self, name)
            entry = self.describe_runtime_parameter(name, value)
            if value != info.get_default(call_default_factory=True):
                secret = value and is_secret_annotation(info.annotation)
                entry["value"] = "**********" if secret else _public_value(value)
            infos.append(entry)
        for name, model in self._nested_runtime_models().items():
            infos.append(
                RuntimeParameterInfo(
                    name=name,
                    type=type(model).__name__,
                    description=type(self).model_fields[name].description,
                    runtime_parameters_info=model.get_runtime_parameters_info(),
                )
            )
        return infos

    def missing_runtime_parameters(self, prefix: str = "") -> list[str]:
        """Return the dotted names of required runtime parameters that have no value yet."""
        missing: list[str] = []
        for name, (_info, optional_none) in self.runtime_parameter_fields().items():
            if not optional_none and getattr(self, name) is None:
                missing.append(prefix + name)
        for name, model in self._nested_runtime_models().items():
            missing.extend(model.missing_runtime_parameters(prefix + name + "."))
        return missing

    # -- setting ---------------------------------------------------------------------------

    def set_runtime_parameters(self, params: Mapping[str, Any], *, path: str = "") -> None:
        """Validate, coerce and set runtime parameters from a (nested) mapping.

        Every value is checked before any is set, so a failure leaves the model unchanged.
        ``path`` prefixes names in error messages (``"text_generation."``).

        Raises:
            UnknownRuntimeParameterError: a name is not a runtime parameter here.
            RuntimeParameterError: a value cannot be coerced to the parameter's type.
        """
        problems: list[str] = []
        plan: _FieldPlan = []
        self._plan_runtime_parameters(params, path, plan, problems)
        if problems:
            unknown = any(p.startswith("Unknown") for p in problems)
            message = problems[0] if len(problems) == 1 else (
                f"{len(problems)} problems with runtime parameters:\n- " + "\n- ".join(problems)
            )
            raise (UnknownRuntimeParameterError if unknown else RuntimeParameterError)(message)
        for apply in plan:
            apply()

    def _plan_runtime_parameters(
        self, params: Mapping[str, Any], path: str, plan: _FieldPlan, problems: list[str]
    ) -> None:
        if not isinstance(params, Mapping):
            problems.append(
                f"Runtime parameters for '{path.rstrip('.') or self.runtime_parameters_owner()}'"
                f" must be a mapping of names to values, got {_short_repr(params)}."
            )
            return
        fields = self.runtime_parameter_fields()
        nested = self._nested_runtime_models()
        for name, value in params.items():
            where = f"{path}{name}"
            if name in nested:
                nested[name]._plan_runtime_parameters(value, where + ".", plan, problems)
                continue
            if name not in fields:
                problems.append(
                    _unknown_message(name, path, self.runtime_parameters_owner(),
                                     [*fields, *nested])
                )
                continue
            keys = self.runtime_parameter_keys(name)
            if keys is not None and value is not None:
                self._plan_keyed(name, value, keys, where, plan, problems)
                continue
            adapter = self._field_adapter(name)
            try:
                coerced = coerce_value(adapter, value)
            except ValidationError as exc:
                shown = "**********" if is_secret_annotation(fields[name][0].annotation) else (
                    _short_repr(_public_value(value)))
                problems.append(
                    f"Invalid value {shown} for runtime parameter "
                    f"'{where}' ({self.runtime_parameters_owner()}): {_validation_message(exc)}."
                    f" Expected {field_type_name(fields[name][0])}."
                )
                continue
            plan.append(functools.partial(setattr, self, name, coerced))

    def _plan_keyed(
        self, name: str, value: Any, keys: KeySchema, where: str,
        plan: _FieldPlan, problems: list[str],
    ) -> None:
        if not isinstance(value, Mapping):
            problems.append(
                f"Runtime parameter '{where}' ({self.runtime_parameters_owner()}) must be a "
                f"mapping of names to values, got {_short_repr(value)}."
            )
            return
        coerced = validate_keyed(value, keys, where, self.runtime_parameters_owner(), problems)

        def apply(n: str = name, new: dict[str, Any] = coerced) -> None:
            merged = dict(getattr(self, n) or {})
            merged.update(new)
            setattr(self, n, merged)

        plan.append(apply)

    @classmethod
    def _field_adapter(cls, name: str) -> TypeAdapter[Any]:
        key = (cls, name)
        adapter = cls._field_adapters_cache.get(key)
        if adapter is None:
            adapter = TypeAdapter(cls.model_fields[name].rebuild_annotation())
            cls._field_adapters_cache[key] = adapter
        return adapter


def validate_keyed(
    value: Mapping[str, Any], keys: KeySchema, where: str, owner: str, problems: list[str]
) -> dict[str, Any]:
    """Validate and coerce each entry of a keyed dict, appending messages to ``problems``."""
    coerced: dict[str, Any] = {}
    for key, item in value.items():
        spec = keys.keys.get(key)
        if spec is None:
            # ``**kwargs`` accepts anything, but a near miss of a declared keyword is a typo.
            near_miss = closest(key, keys.keys, cutoff=0.85)
            if keys.allow_extra and not near_miss:
                coerced[key] = item
                continue
            problems.append(_unknown_message(key, where + ".", owner, list(keys.keys)))
            continue
        try:
            coerced[key] = spec.validate(item)
        except ValidationError as exc:
            problems.append(
                f"Invalid value {_short_repr(_public_value(item))} for '{where}.{key}' "
                f"({owner}): {_validation_message(exc)}. Expected {type_name(spec.annotation)}."
            )
    return coerced


def _unknown_message(name: str, path: str, owner: str, valid: list[str]) -> str:
    where = path.rstrip(".")
    place = f" in '{where}'" if where else ""
    message = f"Unknown runtime parameter '{name}'{place} ({owner})"
    message += did_you_mean(name, valid)
    message += " Valid: " + (", ".join(sorted(valid)) if valid else "none") + "."
    return message


def _annotation_has_marker(annotation: Any) -> bool:
    if typing.get_origin(annotation) is Annotated:
        if any(m is _RUNTIME_PARAMETER for m in typing.get_args(annotation)[1:]):
            return True
    return any(_annotation_has_marker(arg) for arg in typing.get_args(annotation))


def _public_value(value: Any) -> Any:
    """Hide secret values in descriptions and messages."""
    if isinstance(value, SecretStr):
        return "**********"
    return value
