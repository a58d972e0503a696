"""Pipeline files written by distilabel 1.x (1.4, 1.5): what they hold that we do not.

Their ``type_info`` paths (``distilabel.steps.generators.data``,
``distilabel.models.llms.openai``, ...) import as they are: those modules are aliases of
ours. What differs are fields 1.x dumps that our classes do not have (``jobs_ids``,
``use_offline_batch_generation``, ``runtime_parameters_info``, a loader's ``split`` or
``streaming``, ...). In a 1.x file such a field holding its 1.x default (or a value with
no meaning here) is dropped, and each is reported by name (step, field, value) in one
warning; one holding a value that did something in 1.x is refused, with what it did and
what to do here (``distilabel._legacy_fields``). In a file of ours an unknown field stays
an error.
"""

from __future__ import annotations

import logging
from typing import Any, Mapping

from pydantic import BaseModel

from distilabel._legacy_fields import classify, refusal, show_value
from distilabel.errors import DistilabelUserError
from distilabel.serialization import TYPE_INFO_KEY, import_type

__all__ = ["drop_legacy_fields", "is_1x_file", "report_dropped"]

_logger = logging.getLogger("distilabel.pipeline")
_ALWAYS_DROPPED = {"runtime_parameters_info"}


def is_1x_file(data: Mapping[str, Any]) -> bool:
    """Whether ``data`` was written by distilabel 1.x (its ``distilabel.version``)."""
    meta = data.get("distilabel")
    version = str(meta.get("version", "")) if isinstance(meta, Mapping) else ""
    return version.startswith("1.")


def drop_legacy_fields(
    data: dict[str, Any], where: str, source: str = "The pipeline file"
) -> list[str]:
    """Remove from ``data`` (a dumped object with ``type_info``), and from the objects
    nested in it, the fields its class does not have; returns ``"where.field=value"``
    for each.

    Raises:
        DistilabelUserError: some of them hold a value that did something in 1.x; the
            message names each, what it did and what to do here.
    """
    dropped: list[str] = []
    refused: list[str] = []
    _drop(data, where, dropped, refused)
    if refused:
        raise DistilabelUserError(
            f"{source} was written by distilabel 1.x and sets fields this version"
            " does not have, to values that would change the result if ignored: "
            + "; ".join(refused) + ". See docs/migrating.md."
        )
    return dropped


def _drop(data: dict[str, Any], where: str, dropped: list[str], refused: list[str]) -> None:
    type_info = data.get(TYPE_INFO_KEY)
    if not isinstance(type_info, Mapping):
        return
    cls = import_type(type_info)
    if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
        return
    fields = cls.model_fields
    for key in list(data):
        if key == TYPE_INFO_KEY:
            continue
        value = data[key]
        if key not in fields:
            if key in _ALWAYS_DROPPED:
                data.pop(key)
                continue
            entry = classify(key, value, data)
            if entry is not None:
                refused.append(refusal(where, cls.__name__, key, value, entry))
                continue
            data.pop(key)
            dropped.append(f"{where}.{key}={show_value(key, value)}")
        elif isinstance(value, dict) and TYPE_INFO_KEY in value:
            _drop(value, f"{where}.{key}", dropped, refused)


def report_dropped(dropped: list[str], source: str) -> None:
    """Warn once, naming every 1.x-only field that was left out."""
    if dropped:
        _logger.warning(
            "%s was written by distilabel 1.x; these fields hold their 1.x default or a"
            " value with no meaning here, and are ignored: %s. See docs/migrating.md.",
            source, ", ".join(dropped),
        )
