"""Fields distilabel 1.x classes have and ours do not: when one may be dropped, and why
not otherwise.

1.x code passes them to constructors (``OpenAILLM(..., use_offline_batch_generation=False)``)
and 1.x pipeline files dump them. Holding the 1.x default, or a value that means nothing
here (``streaming=True`` on loaders that always stream), such a field changes nothing and
is dropped. Any other value did something in 1.x that this version does not do, so
ignoring it would silently change the result: it is refused with an error that says what
the field did in 1.x and what to do here. ``FIELDS`` is the one table of them; a field is
consulted only when the class it is given to has no field of that name.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Mapping, Optional

_logger = logging.getLogger("distilabel")
_warned: set[tuple[str, str]] = set()

__all__ = ["FIELDS", "LegacyField", "classify", "drop_constructor_fields", "refusal", "show_value"]

_EMPTY: tuple[Any, ...] = (None, False, "", (), [], {})


@dataclass(frozen=True)
class LegacyField:
    """One 1.x-only field: the values that change nothing here, what it did in 1.x, and
    what to do here instead (``{cls}`` is the class it was given to)."""

    defaults: tuple[Any, ...]
    did: str
    here: str
    only_with: Optional[str] = None
    """A field whose value means something in 1.x only when this other field is set."""
    any_value: bool = False
    """Every value means nothing here (the behaviour is always on, or always off)."""


FIELDS: dict[str, LegacyField] = {
    "use_offline_batch_generation": LegacyField(
        (False, None),
        did="sent the task's requests to the provider's batch API as offline jobs (billed"
        " at batch prices) instead of calling the model online",
        here="{cls} has no offline batch generation in this version (the LLMs that have it"
        " are listed in docs/batch.md): remove the field (or set it to False) to send the"
        " requests online",
    ),
    "offline_batch_generation_block_until_done": LegacyField(
        (None,),
        did="polled the offline batch jobs every N seconds until they finished",
        here="remove it together with use_offline_batch_generation",
        only_with="use_offline_batch_generation",
    ),
    "jobs_ids": LegacyField(
        (None, (), []),
        did="named the batch jobs an earlier 1.x run had submitted, so the run fetched their"
        " results instead of sending the requests again",
        here="this version cannot re-attach to jobs distilabel 1.x submitted: download their"
        " results with the provider's own tools, or remove jobs_ids to send the requests"
        " again",
    ),
    "streaming": LegacyField(
        (False,),
        did="read the dataset lazily as a stream instead of loading it whole",
        here="{cls} always reads its rows lazily, so the field is not needed",
        any_value=True,
    ),
    "split": LegacyField(
        ("train",),
        did="chose the split that datasets.load_dataset returned for data_files (plain"
        " files only have 'train')",
        here="{cls} reads every file in data_files as one set of rows: point data_files at"
        " that split's files and remove split",
    ),
    "storage_options": LegacyField(
        (None, {}),
        did="passed fsspec options (credentials, endpoint) for remote data_files",
        here="{cls} takes no storage options: copy the files to this machine (or mount"
        " them) and point data_files at them",
    ),
    "default_headers": LegacyField(
        (None, {}),
        did="added these HTTP headers to every request",
        here="{cls} sends no extra headers in this version: remove the field (a proxy that"
        " needs them can add them on its side)",
    ),
    "use_fast": LegacyField(
        (True,),
        did="with False, loaded the tokenizer's slow (Python) implementation",
        here="{cls} loads the tokenizer as transformers' AutoTokenizer does by default:"
        " remove use_fast",
    ),
    "token": LegacyField(
        (None,),
        did="authenticated the model download from the Hugging Face Hub",
        here="set HF_TOKEN in the environment instead (huggingface_hub reads it), or load"
        " the model from a local path, and remove token",
    ),
    "tokenizer_id": LegacyField(
        (None,),
        did="loaded that Hub tokenizer to apply its chat template (and Magpie pre-query"
        " templates) to the prompts",
        here="{cls} formats chats with the model's own template: remove tokenizer_id, and"
        " choose another template with its chat_format / chat_template field if it has one",
    ),
    "cuda_devices": LegacyField(
        ("auto",),
        did="pinned the model to these CUDA devices",
        here="choose the device with {cls}'s own device / device_map field and remove"
        " cuda_devices",
    ),
    "disable_cuda_device_placement": LegacyField(
        (False,),
        did="turned off distilabel's automatic CUDA device placement",
        here="this version does no automatic placement for {cls}, so the field is not"
        " needed",
        any_value=True,
    ),
    "enable_metadata": LegacyField(
        (False,),
        did="kept (True) or left out (False) the distilabel_metadata column in the"
        " returned Distiset",
        here="the distilabel_metadata column is always kept; drop it with"
        " KeepColumns or Dataset.remove_columns if you do not want it",
        any_value=True,
    ),
}

_SECRET_PARTS = ("token", "key", "secret", "password")


def show_value(name: str, value: Any) -> str:
    """``value`` for a message, hidden when ``name`` looks like a secret's."""
    if value is not None and any(part in name.lower() for part in _SECRET_PARTS):
        return "'**********'"
    return f"{value!r:.60}"


def _is_default(value: Any, defaults: tuple[Any, ...]) -> bool:
    return any(type(value) is type(d) and value == d for d in defaults)


def classify(name: str, value: Any, data: Mapping[str, Any]) -> Optional[LegacyField]:
    """Whether the 1.x-only field ``name`` = ``value`` (given with the other fields
    ``data``) may be dropped: ``None`` when it may, else its table entry (a value that
    would change the result). A field not in the table may be dropped only when it is
    empty (``None``, ``False``, ``""``, ``[]``, ``{}``)."""
    entry = FIELDS.get(name)
    if entry is None:
        return None if _is_default(value, _EMPTY) else LegacyField((), "", "")
    if entry.any_value or _is_default(value, entry.defaults):
        return None
    if entry.only_with is not None and not data.get(entry.only_with):
        return None  # it did nothing in 1.x either
    return entry


def refusal(where: str, cls_name: str, name: str, value: Any, entry: LegacyField) -> str:
    """The sentence that refuses ``where.name`` = ``value`` (see ``classify``)."""
    shown = show_value(name, value)
    if not entry.did:
        return (
            f"{where}.{name}={shown}: {cls_name} has no field '{name}' in this version and"
            " its 1.x meaning is not known here, so ignoring a value that is not empty"
            " could change the result; remove it if the step does what you want without it"
        )
    return (
        f"{where}.{name}={shown}: in distilabel 1.x this {entry.did}; "
        + entry.here.format(cls=cls_name)
    )


def drop_constructor_fields(
    cls_name: str, fields: Mapping[str, Any], data: dict[str, Any]
) -> dict[str, Any]:
    """``data`` (a constructor's keyword arguments) without the 1.x-only fields of the
    table that the class (with ``fields``) lacks. A field holding its 1.x default goes
    silently; one whose value means nothing here goes with a warning (once per class and
    field). Fields outside the table are left for the class to refuse.

    Raises:
        DistilabelUserError: a field holds a value that did something in 1.x.
    """
    from distilabel.errors import DistilabelUserError

    legacy = [k for k in data if k in FIELDS and k not in fields]
    if not legacy:
        return data
    kept = dict(data)
    refused = []
    for name in legacy:
        value = kept.pop(name)
        entry = FIELDS[name]
        problem = classify(name, value, data)
        if problem is not None:
            refused.append(refusal(cls_name, cls_name, name, value, problem))
        elif not _is_default(value, entry.defaults) and (cls_name, name) not in _warned:
            _warned.add((cls_name, name))
            _logger.warning(
                "%s(%s=%s): a distilabel 1.x field with no meaning here; ignored (%s).",
                cls_name, name, show_value(name, value), entry.here.format(cls=cls_name),
            )
    if refused:
        raise DistilabelUserError(
            f"{cls_name} was given distilabel 1.x fields this version does not have, with"
            " values that would change the result if ignored: " + "; ".join(refused)
            + ". See docs/migrating.md."
        )
    return kept
