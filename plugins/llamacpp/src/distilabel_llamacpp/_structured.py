"""Turn the structured-output requests distilabel accepts into llama.cpp's ``response_format``.

llama-cpp-python compiles ``{"type": "json_object", "schema": {...}}`` into a GBNF grammar
that constrains sampling, so the answer is JSON that follows the schema. Users and tasks
may state the same wish in other shapes; this module maps them all to that one.
"""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel

from distilabel.errors import DistilabelUserError

__all__ = ["to_response_format"]


def _schema_of(schema: Any, owner: str) -> dict[str, Any]:
    if isinstance(schema, type) and issubclass(schema, BaseModel):
        return schema.model_json_schema()
    if isinstance(schema, dict):
        return schema
    raise DistilabelUserError(
        f"{owner}: a structured-output schema must be a JSON schema dict or a pydantic model"
        f" class, got {type(schema).__name__}."
    )


def to_response_format(value: Any, owner: str) -> Optional[dict[str, Any]]:
    """Return llama.cpp's ``response_format`` for ``value``, or ``None`` for free text.

    Accepted: ``None``; a JSON schema dict; a pydantic model class;
    ``{"type": "json_object"}`` (any JSON) optionally with ``"schema"``; and OpenAI's
    ``{"type": "json_schema", "json_schema": {"schema": {...}}}``.

    Raises:
        DistilabelUserError: the value has none of these shapes; the message names ``owner``.
    """
    if value is None:
        return None
    if isinstance(value, type):
        return {"type": "json_object", "schema": _schema_of(value, owner)}
    if not isinstance(value, dict):
        raise DistilabelUserError(
            f"{owner}: response_format must be a dict (a JSON schema or"
            f" {{'type': 'json_object', 'schema': {{...}}}}), got {type(value).__name__}."
        )
    kind = value.get("type")
    if kind == "json_object":
        if "schema" in value:
            return {"type": "json_object", "schema": _schema_of(value["schema"], owner)}
        return {"type": "json_object"}
    if kind == "json_schema":
        inner = value.get("json_schema")
        schema = inner.get("schema") if isinstance(inner, dict) else None
        if schema is None:
            raise DistilabelUserError(
                f"{owner}: response_format of type 'json_schema' needs"
                " {'json_schema': {'schema': {...}}}."
            )
        return {"type": "json_object", "schema": _schema_of(schema, owner)}
    if kind == "text":
        return None
    # Anything else is taken as the JSON schema itself ({"type": "object", ...}).
    return {"type": "json_object", "schema": value}
