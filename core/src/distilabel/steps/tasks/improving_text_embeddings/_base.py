"""What the embedding-data tasks share: a JSON answer with fixed keys, options sampled
when not given, and the worked example shown before each request.

Each task of the family (Wang et al., 2024, "Improving Text Embeddings with Large
Language Models", https://arxiv.org/abs/2401.00368) asks for one JSON object whose keys
are its output columns. ``JSONExampleTask`` builds the conversation (an optional system
prompt, one worked example, the request) and reads the answer: a JSON object anywhere in
it (fenced, after chatter, with raw line breaks inside strings, Python-style quotes),
else the first complete ``"key": "value"`` pairs of an object cut off or looping, else
``key: value`` lines. A key that is missing or empty (no letter or digit in its value)
fails the row, naming it.
With ``use_default_structured_output`` the LLM is held to the JSON schema of the keys.
"""

from __future__ import annotations

import ast
import json
import random
import re
from typing import Any, ClassVar, Optional, Sequence

from pydantic import Field, PrivateAttr

from distilabel.steps.tasks._base import Task
from distilabel.steps.tasks._kinds import GeneratorTask
from distilabel.steps.tasks._parsing import MalformedOutputError, extract_json, sections
from distilabel.steps.typing import Row, StepColumns
from distilabel.typing import ChatType

__all__ = ["EmbeddingDataGenerator", "EmbeddingDataTask", "JSONExampleTask", "read_keys"]

LANGUAGE_DESCRIPTION = (
    "The language to write in, e.g. one of XLM-R's languages (Conneau et al., 2020,"
    " Appendix A)."
)


def read_keys(task: str, text: str, keys: Sequence[str]) -> dict[str, str]:
    """The values of ``keys`` in an answer that was asked to be a JSON object.

    Raises:
        MalformedOutputError: a key is missing or empty (its value has no letter or
            digit); the message names it.
    """
    data = extract_json(text) or _python_dict(text) or {}
    lowered = {str(k).strip().lower(): v for k, v in data.items()}
    found: dict[str, str] = {}
    for key in keys:
        value = lowered.get(key.lower())
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and _has_words(value):
            found[key] = value.strip()
    if len(found) < len(keys):
        for key, value in _first_pairs(text, keys).items():
            if key not in found and _has_words(value):
                found[key] = value.strip()
    if len(found) < len(keys):
        labelled = sections(text, [*keys, *(k.replace("_", " ") for k in keys)])
        for key in keys:
            value = labelled.get(key) or labelled.get(key.replace("_", " "))
            if key not in found and value and _has_words(value):
                found[key] = value.strip().strip('",').strip()
    missing = [k for k in keys if not found.get(k)]
    if missing:
        raise MalformedOutputError(task, " and ".join(f"'{m}'" for m in missing), text)
    return {k: found[k] for k in keys}


_WORD = re.compile(r"[^\W_]")


def _has_words(value: str) -> bool:
    """Whether ``value`` holds a letter or digit (``", "`` is no document)."""
    return bool(_WORD.search(value))


def _first_pairs(text: str, keys: Sequence[str]) -> dict[str, str]:
    """The first complete ``"key": "value"`` of each key in an object that is no valid
    JSON: cut off before its closing brace, repeating its keys in a loop, or broken
    further on (small models do all three). A value counts only when its closing quote
    is followed by the next key, a brace or the end: a value cut off mid-string is not
    read, and a quote inside a value does not end it."""
    found: dict[str, str] = {}
    for key in keys:
        pair = re.compile(
            rf'"{re.escape(key)}"\s*:\s*"(.*?)"(?=\s*(?:,\s*"[^"\n]*"\s*:|[}}\])]|$))',
            re.DOTALL | re.IGNORECASE,
        )
        match = pair.search(text)
        if match:
            raw = match.group(1)
            try:
                found[key] = json.loads(f'"{raw}"', strict=False)
            except ValueError:
                found[key] = raw
    return found


_BRACES = re.compile(r"\{.*\}", re.DOTALL)


def _python_dict(text: str) -> Optional[dict[str, Any]]:
    """A dict written with Python quotes (``{'a': 'b'}``), as small models often do."""
    match = _BRACES.search(text)
    if not match:
        return None
    try:
        value = ast.literal_eval(match.group(0))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


class JSONExampleTask(Task):
    """A task that asks for one JSON object with the keys ``KEYS`` (its output columns),
    after one worked example (``EXAMPLE_REQUEST`` answered with ``EXAMPLE_ANSWER``)."""

    KEYS: ClassVar[tuple[str, ...]] = ()
    EXAMPLE_REQUEST: ClassVar[dict[str, Any]] = {}
    EXAMPLE_ANSWER: ClassVar[str] = ""

    seed: int = Field(default=42, description="Seeds the options sampled when not given.")
    system_prompt: Optional[str] = Field(
        default=None, description="A system prompt put before the request."
    )

    _random: random.Random = PrivateAttr(default_factory=random.Random)

    def load(self) -> None:
        """Load the LLM and restart the option sampling from ``seed``."""
        super().load()
        self._random = random.Random(self.seed)

    @property
    def outputs(self) -> StepColumns:
        return [*self.KEYS, "model_name"]

    def get_structured_output(self) -> Optional[dict[str, Any]]:
        """The JSON schema of the answer: every key a string (``use_default_structured_output``)."""
        return {
            "format": "json",
            "schema": {
                "type": "object",
                "properties": {k: {"type": "string"} for k in self.KEYS},
                "required": list(self.KEYS),
            },
        }

    def pick(self, value: Any, options: Sequence[Any]) -> Any:
        """``value`` when given, else one of ``options`` at random (seeded by ``seed``)."""
        return value if value is not None else self._random.choice(list(options))

    def request(self, **fields: Any) -> str:
        """The request to the LLM, from the row's fields (``task``) and the options."""
        raise NotImplementedError

    def conversation(self, row: Row, **fields: Any) -> ChatType:
        """The system prompt (the row's ``system_prompt`` wins), the worked example and
        the request."""
        messages: ChatType = []
        system = row.get("system_prompt") or self.system_prompt
        if isinstance(system, str) and system.strip():
            messages.append({"role": "system", "content": system})
        messages.append({"role": "user", "content": self.request(**self.EXAMPLE_REQUEST)})
        messages.append({"role": "assistant", "content": self.EXAMPLE_ANSWER})
        messages.append({"role": "user", "content": self.request(**fields)})
        return messages

    def format_output(self, output: Optional[str], input: Optional[Row] = None) -> dict[str, Any]:
        """The keys of the JSON answer (see ``read_keys``)."""
        if output is None:
            return dict.fromkeys(self.KEYS)
        return read_keys(type(self).__name__, output, self.KEYS)


class EmbeddingDataTask(JSONExampleTask):
    """An embedding-data task that writes one example per input row's ``task``, in
    ``language``."""

    language: str = Field(default="English", description=LANGUAGE_DESCRIPTION)

    @property
    def inputs(self) -> StepColumns:
        return {"task": True, "system_prompt": False}

    def options(self) -> dict[str, Any]:
        """This row's options: the given ones, the others sampled."""
        return {"language": self.language}

    def format_input(self, input: Row) -> ChatType:
        task = input.get("task")
        if not isinstance(task, str) or not task.strip():
            raise ValueError(
                f"Step '{self.name}': column 'task' is missing, empty or not text"
                f" ({type(task).__name__}); it describes the task to write an example for."
            )
        return self.conversation(input, task=task.strip(), **self.options())


class EmbeddingDataGenerator(GeneratorTask, JSONExampleTask):  # type: ignore[misc]
    """An embedding-data task with no input rows: ``num_rows`` examples (one prompt and
    ``num_generations`` answers when ``num_rows`` is not set, as in 1.x)."""

    def num_seeds(self) -> int:
        return self.num_rows or 1

    def options(self) -> dict[str, Any]:
        """This row's options: the given ones, the others sampled."""
        return {}

    def format_input(self, input: Row) -> ChatType:
        return self.conversation(input, **self.options())
