"""Secrets outside the process: never in a pickle, a dump or a validation error.

A pickled LLM (what the Ray engine ships to its workers, what ``multiprocessing`` sends)
carries, for each secret field, a ``SecretRef``: the name of the environment variable the
value is read from and a short digest of it, never the value. Unpickling re-reads the
variable where the object lands; in the process that pickled it, the value is found again
in memory. When the variable is missing (or holds another key) the field becomes a
``MissingSecret`` and ``load()`` says what to export. Dumps strip credentials from URLs;
validation errors of secret fields do not show the input.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Mapping
from typing import Any, Optional

from pydantic import SecretStr, ValidationError
from pydantic_core import InitErrorDetails

__all__ = [
    "MissingSecret",
    "SecretRef",
    "hide_secret_inputs",
    "redact_dumped_urls",
    "restore_secrets",
    "secret_refs",
]

_known: dict[str, str] = {}  # digest -> value, for round trips inside this process
_known_lock = threading.Lock()
_URL_WITH_USERINFO = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^/?#]*@")
_HIDDEN = "**********"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:16]


class SecretRef:
    """Stands in for a secret value inside a pickle: where to read it, and a digest to
    check that what is read there is the same secret."""

    __slots__ = ("digest", "env_var")

    def __init__(self, env_var: Optional[str], digest: str) -> None:
        self.env_var = env_var
        self.digest = digest

    def __reduce__(self) -> Any:
        return (SecretRef, (self.env_var, self.digest))

    def resolve(self) -> tuple[Optional[str], str]:
        """``(value, problem)``: the secret, or ``None`` and why it cannot be had here."""
        with _known_lock:
            known = _known.get(self.digest)
        if known is not None:
            return known, ""
        if self.env_var is None:
            return None, "it was given directly, not through an environment variable"
        value = os.environ.get(self.env_var)
        if not value:
            return None, f"${self.env_var} is not set here"
        if _digest(value) != self.digest:
            return None, (f"${self.env_var} here holds another key than the one it was built"
                          " with")
        return value, ""


class MissingSecret(SecretStr):
    """An empty secret that remembers why it is missing (an LLM unpickled where its key's
    environment variable is not set); ``load()`` reports it."""

    def __init__(self, env_var: Optional[str], problem: str) -> None:
        super().__init__("")
        self.env_var = env_var
        self.problem = problem

    def __reduce__(self) -> Any:
        return (MissingSecret, (self.env_var, self.problem))


def _env_var_of(owner: type, name: str, value: str) -> Optional[str]:
    """The environment variable ``owner.<name>`` is read from: declared on the field
    (``json_schema_extra={"env_var": ...}``) or as ``<name>_env_var`` on the class, else
    any variable that holds exactly this value."""
    fields: Mapping[str, Any] = getattr(owner, "model_fields", {})
    info = fields.get(name)
    extra = getattr(info, "json_schema_extra", None)
    if isinstance(extra, dict) and isinstance(extra.get("env_var"), str):
        return str(extra["env_var"])
    declared = getattr(owner, f"{name}_env_var", None)
    if isinstance(declared, str):
        return declared
    matches = sorted(k for k, v in os.environ.items() if v == value)
    return matches[0] if matches else None


def secret_refs(owner: type, values: dict[str, Any], names: frozenset[str]) -> dict[str, Any]:
    """``values`` with each set secret among ``names`` replaced by a ``SecretRef``."""
    out = dict(values)
    for name in names:
        value = out.get(name)
        if isinstance(value, MissingSecret):
            continue
        if isinstance(value, SecretStr) and value.get_secret_value():
            secret = value.get_secret_value()
            digest = _digest(secret)
            with _known_lock:
                _known[digest] = secret
            out[name] = SecretRef(_env_var_of(owner, name, secret), digest)
    return out


def restore_secrets(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with each ``SecretRef`` resolved to a ``SecretStr`` or a ``MissingSecret``."""
    out = dict(values)
    for name, value in values.items():
        if isinstance(value, SecretRef):
            secret, problem = value.resolve()
            out[name] = SecretStr(secret) if secret is not None else MissingSecret(
                value.env_var, problem)
    return out


def redact_dumped_urls(value: Any) -> Any:
    """``value`` (dumped data) with ``user:password@`` removed from every URL string."""
    if isinstance(value, str):
        if _URL_WITH_USERINFO.match(value):
            from distilabel.http import redact_url

            return redact_url(value)
        return value
    if isinstance(value, dict):
        return {k: redact_dumped_urls(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_dumped_urls(v) for v in value]
    return value


def hide_secret_inputs(exc: ValidationError, names: frozenset[str]) -> ValidationError:
    """``exc`` with the input of every error about a field in ``names`` hidden (pydantic
    otherwise prints ``input_value=<the key>``)."""
    if not any(err["loc"] and err["loc"][0] in names for err in exc.errors()):
        return exc
    details: list[InitErrorDetails] = []
    for err in exc.errors():
        detail: dict[str, Any] = {"type": err["type"], "loc": err["loc"], "input": err["input"]}
        if "ctx" in err:
            detail["ctx"] = err["ctx"]
        if err["loc"] and err["loc"][0] in names:
            detail["input"] = _HIDDEN
        details.append(detail)  # type: ignore[arg-type]
    try:
        return ValidationError.from_exception_data(exc.title, details)
    except Exception:  # an error type that cannot be rebuilt: say less rather than leak
        fields = ", ".join(sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]}))
        return ValidationError.from_exception_data(exc.title, [
            {"type": "value_error", "loc": (f,), "input": _HIDDEN,
             "ctx": {"error": "invalid value (hidden: secret field)"}}
            for f in fields.split(", ") if f
        ])
