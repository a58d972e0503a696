"""Pipeline files written by distilabel 1.x (1.4, 1.5): what they hold that we do not.

Their ``type_info`` paths (``distilabel.steps.generators.data``,
``distilabel.models.llms.openai``, ...) import as they are: those modules are aliases of
ours. What differs are fields 1.x dumps that our classes do not have (``jobs_ids``,
``use_offline_batch_generation``, ``runtime_parameters_info``, a ``template`` or
``columns`` of a task, ...). In a 1.x file those are dropped and each is reported by name
(step, field, value) in one warning; in a file of ours an unknown field stays an error.
"""

from __future__ import annotations

import logging
from typing import Any, Mapping

from pydantic import BaseModel

from distilabel.errors import DistilabelUserError
from distilabel.serialization import TYPE_INFO_KEY, import_type

__all__ = ["check_pipeline_fields", "drop_legacy_fields", "is_1x_file", "report_dropped"]

_logger = logging.getLogger("distilabel.pipeline")
_ALWAYS_DROPPED = {"runtime_parameters_info"}


def is_1x_file(data: Mapping[str, Any]) -> bool:
    """Whether ``data`` was written by distilabel 1.x (its ``distilabel.version``)."""
    meta = data.get("distilabel")
    version = str(meta.get("version", "")) if isinstance(meta, Mapping) else ""
    return version.startswith("1.")


def check_pipeline_fields(body: Mapping[str, Any]) -> None:
    """Refuse 1.x pipeline features that would change the result if ignored.

    Raises:
        DistilabelUserError: the file uses ``routing_batch_functions``.
    """
    if body.get("routing_batch_functions"):
        raise DistilabelUserError(
            "The pipeline file uses 'routing_batch_functions' (distilabel 1.x routing of"
            " batches to some successors), which this version does not run; connect each"
            " step to the steps that should get its rows instead."
        )


def drop_legacy_fields(data: dict[str, Any], where: str) -> list[str]:
    """Remove from ``data`` (a dumped object with ``type_info``), and from the objects
    nested in it, the fields its class does not have; returns ``"where.field=value"``
    for each."""
    dropped: list[str] = []
    type_info = data.get(TYPE_INFO_KEY)
    if not isinstance(type_info, Mapping):
        return dropped
    cls = import_type(type_info)
    if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
        return dropped
    fields = cls.model_fields
    for key in list(data):
        if key == TYPE_INFO_KEY:
            continue
        value = data[key]
        if key not in fields:
            data.pop(key)
            if key not in _ALWAYS_DROPPED:
                dropped.append(f"{where}.{key}={value!r:.60}")
        elif isinstance(value, dict) and TYPE_INFO_KEY in value:
            dropped += drop_legacy_fields(value, f"{where}.{key}")
    return dropped


def report_dropped(dropped: list[str], source: str) -> None:
    """Warn once, naming every 1.x-only field that was left out."""
    if dropped:
        _logger.warning(
            "%s was written by distilabel 1.x; these fields have no meaning here and are"
            " ignored: %s. See docs/migrating.md.", source, ", ".join(dropped),
        )
