"""Structured output: one request shape for every backend, and the check of the answer.

A request is ``{"format": "json", "schema": <pydantic model | JSON schema | its JSON
text>}`` or ``{"format": "regex", "schema": <pattern>}`` (1.x's shape), given on the LLM
(``structured_output=``), per task (``use_default_structured_output``) or per row (a
``structured_output`` column, or an input ``(conversation, request)``). The shapes other
APIs use are accepted too: a pydantic model class, a bare JSON schema, and OpenAI's
``response_format`` dicts.

``StructuredOutput.of`` normalises any of them once; backends read ``format``,
``json_schema`` and ``pattern`` and map them to their own mechanism (a llama.cpp grammar,
``response_format``, a constrained-decoding library); ``check`` validates an answer, so
an answer that a backend could not constrain (or that hit ``max_new_tokens``) is caught
and retried by the core, and becomes the row's error with its raw text if it never fits.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, BeforeValidator

from distilabel.errors import DistilabelError, DistilabelUserError

__all__ = [
    "StructuredOutput",
    "StructuredOutputError",
    "StructuredOutputSpec",
    "structured_output_dict",
]

_FORMATS = ("json", "regex")
_NAME = re.compile(r"[^a-zA-Z0-9_-]")


class StructuredOutputError(DistilabelError, ValueError):
    """An answer that does not follow the structured output asked for.

    Attributes:
        raw_outputs: the texts the LLM produced (kept in the row's metadata).
    """

    def __init__(self, message: str, raw_outputs: Optional[list[Optional[str]]] = None) -> None:
        super().__init__(message)
        self.raw_outputs = list(raw_outputs or [])


@dataclass(frozen=True, eq=False)
class StructuredOutput:
    """A normalised structured-output request.

    Attributes:
        format: ``"json"`` or ``"regex"``.
        json_schema: the JSON schema of a ``json`` request (``None``: any JSON object).
        pattern: the regular expression of a ``regex`` request; the whole answer matches it.
        name: a short name for the schema (OpenAI's ``json_schema.name``).
        whitespace_pattern: for ``json``, the whitespace allowed between tokens, where the
            backend supports it.
    """

    format: Literal["json", "regex"]
    json_schema: Optional[dict[str, Any]] = None
    pattern: Optional[str] = None
    name: str = "output"
    whitespace_pattern: Optional[str] = None

    # -- building ---------------------------------------------------------------------

    @classmethod
    def of(cls, value: Any, owner: str = "structured_output") -> Optional[StructuredOutput]:
        """Normalise ``value`` (see the module docs); ``None`` means free text.

        Raises:
            DistilabelUserError: the value has none of the accepted shapes; the message
                names ``owner`` and shows the expected one.
        """
        if value is None or isinstance(value, StructuredOutput):
            return value
        if isinstance(value, type) and issubclass(value, BaseModel):
            return _from_model(value)
        if isinstance(value, str):
            return cls("json", _schema_text(value, owner))
        if not isinstance(value, dict):
            raise _bad(owner, f"got {type(value).__name__}")
        if "format" in value and ("schema" in value or value["format"] in _FORMATS):
            return cls._from_request(value, owner)
        kind = value.get("type")
        if kind == "json_schema" and isinstance(value.get("json_schema"), dict):
            inner = value["json_schema"]
            schema = _schema(inner.get("schema"), owner)
            return cls("json", schema, name=str(inner.get("name") or _title(schema)))
        if kind == "json_object":
            loose = _schema(value["schema"], owner) if value.get("schema") else None
            return cls("json", loose, name=_title(loose))
        if kind == "text" and len(value) == 1:
            return None
        schema = _schema(value, owner)
        return cls("json", schema, name=_title(schema))

    @classmethod
    def _from_request(cls, value: dict[str, Any], owner: str) -> StructuredOutput:
        fmt = value.get("format")
        unknown = sorted(set(value) - {"format", "schema", "whitespace_pattern"})
        if unknown:
            raise _bad(owner, f"unknown key(s) {unknown}")
        whitespace = value.get("whitespace_pattern")
        schema = value.get("schema")
        if fmt == "json":
            if schema is None:
                return cls("json", None, whitespace_pattern=whitespace)
            normalised = cls.of(schema, owner)
            assert normalised is not None and normalised.format == "json"
            return cls("json", normalised.json_schema, name=normalised.name,
                       whitespace_pattern=whitespace)
        if fmt == "regex":
            if not isinstance(schema, str) or not schema:
                raise _bad(owner, "a 'regex' request needs the pattern as its 'schema' string")
            try:
                re.compile(schema)
            except re.error as exc:
                raise _bad(owner, f"invalid regex {schema!r}: {exc}") from None
            return cls("regex", pattern=schema)
        raise _bad(owner, f"unknown format {fmt!r} (use 'json' or 'regex')")

    # -- identity ---------------------------------------------------------------------

    @functools.cached_property
    def key(self) -> str:
        """A canonical JSON text of the request: equal requests have equal keys."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StructuredOutput) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    def to_dict(self) -> dict[str, Any]:
        """The request as plain JSON: ``{"format": ..., "schema": ...}``."""
        out: dict[str, Any] = {"format": self.format}
        if self.format == "regex":
            out["schema"] = self.pattern
        elif self.json_schema is not None:
            out["schema"] = self.json_schema
        if self.whitespace_pattern is not None:
            out["whitespace_pattern"] = self.whitespace_pattern
        return out

    # -- checking answers -------------------------------------------------------------

    def check(self, text: Optional[str]) -> Any:
        """Validate one answer; return the parsed JSON value (or the text for a regex).

        Raises:
            StructuredOutputError: the answer is missing, not JSON, does not follow the
                schema, or does not match the pattern (the message says which).
        """
        if text is None:
            raise StructuredOutputError("the LLM returned no text", [text])
        if self.format == "regex":
            assert self.pattern is not None
            if _compiled(self.pattern).fullmatch(text) is None:
                raise StructuredOutputError(
                    f"the answer does not match the pattern {self.pattern!r}: {text!r:.120}",
                    [text],
                )
            return text
        try:
            value = json.loads(text)
        except ValueError as exc:
            hint = " (cut short? raise max_new_tokens)" if "Expecting" in str(exc) else ""
            raise StructuredOutputError(
                f"the answer is not valid JSON{hint}: {exc}: {text!r:.120}", [text]
            ) from None
        if self.json_schema is None:
            if not isinstance(value, dict):
                raise StructuredOutputError(
                    f"the answer is JSON but not an object: {text!r:.120}", [text]
                )
            return value
        errors = sorted(_validator(self.key).iter_errors(value), key=lambda e: list(e.path))
        if errors:
            first = errors[0]
            where = "/".join(str(p) for p in first.absolute_path) or "(root)"
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            raise StructuredOutputError(
                f"the answer does not follow the schema at {where}: {first.message}{more}",
                [text],
            )
        return value


def structured_output_dict(value: Any) -> Optional[dict[str, Any]]:
    """The plain ``{"format", "schema"}`` dict of any accepted request (``None`` for none).

    Used as the validator of ``structured_output`` fields, so a pydantic model given
    there is stored, and dumped, as its JSON schema.
    """
    normalised = StructuredOutput.of(value)
    return None if normalised is None else normalised.to_dict()


StructuredOutputSpec = Annotated[Any, BeforeValidator(structured_output_dict)]
"""A structured-output request field: any accepted shape, stored as the plain dict."""


# -- helpers ------------------------------------------------------------------------------


def _bad(owner: str, problem: str) -> DistilabelUserError:
    return DistilabelUserError(
        f"{owner}: invalid structured output request ({problem}). Use"
        " {'format': 'json', 'schema': MyModel or a JSON schema dict} or"
        " {'format': 'regex', 'schema': r'pattern'}."
    )


@functools.lru_cache(maxsize=256)
def _from_model(model: type[BaseModel]) -> StructuredOutput:
    """A model's request: its JSON schema with every object closed where the model does
    not say (``additionalProperties: false``; a model ignores extra keys anyway), so a
    constrained model cannot spend its tokens on keys nobody asked for."""
    schema = model.model_json_schema()
    _close(schema)
    return StructuredOutput("json", schema, name=_clean(model.__name__))


def _close(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _close(value)
    elif isinstance(node, list):
        for value in node:
            _close(value)


def _schema(value: Any, owner: str) -> dict[str, Any]:
    if isinstance(value, type) and issubclass(value, BaseModel):
        return dict(_from_model(value).json_schema or {})
    if isinstance(value, str):
        return _schema_text(value, owner)
    if isinstance(value, dict):
        return value
    raise _bad(owner, f"a JSON schema must be a dict, its JSON text or a pydantic model,"
                      f" got {type(value).__name__}")


def _schema_text(text: str, owner: str) -> dict[str, Any]:
    try:
        schema = json.loads(text)
    except ValueError:
        raise _bad(owner, f"{text!r:.60} is not a JSON schema; for a pattern use"
                          " {'format': 'regex', 'schema': ...}") from None
    if not isinstance(schema, dict):
        raise _bad(owner, "a JSON schema must be a JSON object")
    return schema


def _title(schema: Optional[dict[str, Any]]) -> str:
    title = schema.get("title") if schema else None
    return _clean(str(title)) if title else "output"


def _clean(name: str) -> str:
    return _NAME.sub("_", name)[:64] or "output"


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@functools.lru_cache(maxsize=256)
def _validator(key: str) -> Any:
    import jsonschema

    schema = json.loads(key)["schema"]
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)
