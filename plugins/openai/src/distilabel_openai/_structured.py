"""Structured output: turn distilabel's requests into a ``response_format``.

A ``StructuredOutput`` (the one contract every backend maps, see ``from_structured``)
becomes a ``json_schema`` format (``json_object`` when it has no schema); a ``regex``
request has no OpenAI form. The ``response_format`` generation keyword may also be

- a pydantic model class: its JSON schema is sent, named after the class;
- a JSON schema dict (``{"type": "object", "properties": ...}``);
- a ready ``response_format`` dict (``{"type": "json_schema", "json_schema": ...}`` or
  ``{"type": "json_object"}``), passed through unchanged.

A schema is sent with ``"strict": true`` when it satisfies the strict-mode rules of the
OpenAI API (every object closed with ``additionalProperties: false`` and every property
required); a schema whose properties are all required (a pydantic model's whose fields
all are) is closed automatically.
"""

from __future__ import annotations

import copy
import functools
import re
from typing import Annotated, Any, Union

from pydantic import BaseModel, BeforeValidator

from distilabel.errors import DistilabelUserError
from distilabel.llms import StructuredOutput

__all__ = [
    "ResponseFormat",
    "as_json_object",
    "from_structured",
    "rejects_json_schema",
    "to_response_format",
]

_PASSTHROUGH_TYPES = frozenset({"json_schema", "json_object", "text"})
_NAME = re.compile(r"[^a-zA-Z0-9_-]")


def to_response_format(value: Any) -> Union[dict[str, Any], None]:
    """Return the ``response_format`` request field for ``value`` (see the module docs).

    Raises:
        DistilabelUserError: ``value`` is neither a dict nor a pydantic model class, or
            asks for a regex (the OpenAI API cannot constrain output to one).
    """
    if value is None:
        return None
    if isinstance(value, dict) and value.get("type") in _PASSTHROUGH_TYPES:
        return value
    if (isinstance(value, type) and issubclass(value, BaseModel)) or isinstance(value, dict):
        spec = StructuredOutput.of(value, "response_format")
        if spec is None:
            return None
        if spec.format != "json":
            raise DistilabelUserError(
                "The OpenAI API cannot constrain output to a regex; ask for"
                " {'format': 'json', 'schema': ...} instead."
            )
        return from_structured(spec)
    raise DistilabelUserError(
        f"response_format must be a JSON schema dict or a pydantic model class, got"
        f" {type(value).__name__}. Pass e.g. `response_format=MyModel` or"
        " `response_format={'type': 'object', 'properties': {...}}`."
    )


@functools.lru_cache(maxsize=256)
def from_structured(spec: StructuredOutput) -> dict[str, Any]:
    """The ``response_format`` of a ``json`` request: its schema closed for strict mode
    where every property is required (as a pydantic model's is), else sent as it is."""
    if spec.json_schema is None:
        return {"type": "json_object"}
    closed = _close_objects(copy.deepcopy(spec.json_schema))
    if _is_strict(closed):
        return _wrap(closed, spec.name, strict=True)
    return _wrap(spec.json_schema, spec.name, strict=_is_strict(spec.json_schema))


def as_json_object(response_format: dict[str, Any]) -> dict[str, Any]:
    """The ``{"type": "json_object", "schema": ...}`` form of a ``json_schema`` format, for
    servers that take schemas that way (Anyscale, llama-cpp-python's server)."""
    if response_format.get("type") != "json_schema":
        return response_format
    return {"type": "json_object", "schema": response_format["json_schema"]["schema"]}


def rejects_json_schema(body: bytes) -> bool:
    """Whether an error body says the server does not accept ``json_schema`` formats."""
    return b"json_schema" in body and b"response_format" in body


def _wrap(schema: dict[str, Any], name: str, strict: bool) -> dict[str, Any]:
    return {
        "type": "json_schema",
        "json_schema": {"name": _NAME.sub("_", name)[:64] or "output", "schema": schema,
                        "strict": strict},
    }


def _object_schemas(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node:
            found.append(node)
        for value in node.values():
            found.extend(_object_schemas(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_object_schemas(item))
    return found


def _close_objects(schema: dict[str, Any]) -> dict[str, Any]:
    for obj in _object_schemas(schema):
        obj.setdefault("additionalProperties", False)
    return schema


def _is_strict(schema: dict[str, Any]) -> bool:
    objects = _object_schemas(schema)
    return bool(objects) and all(
        obj.get("additionalProperties") is False
        and set(obj.get("required", [])) == set(obj.get("properties", {}))
        for obj in objects
    )


ResponseFormat = Annotated[
    Union[dict[str, Any], type[BaseModel]], BeforeValidator(to_response_format)
]
"""A ``response_format`` value: a JSON schema, a pydantic model class or a ready dict.

Validated (as ``generation_kwargs``) into the request's ``response_format`` dict, so a
model class given there is stored, and dumped, as its JSON schema.
"""
