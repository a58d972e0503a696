"""``UltraFeedback``: rate several answers to one instruction on one aspect, 1 to 5."""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import Field

from distilabel.steps.tasks._base import Task
from distilabel.steps.tasks._parsing import MalformedOutputError, require_text
from distilabel.steps.tasks._verdicts import (
    Scale,
    item_blocks,
    label_position,
    labelled_text,
    rated_items_schema,
    read_json,
    required_text,
    row_request,
    text_list,
)
from distilabel.steps.typing import Row, StepColumns
from distilabel.typing import ChatType, FormattedInput

__all__ = ["ULTRAFEEDBACK_ASPECTS", "UltraFeedback"]

Aspect = Literal[
    "overall-rating", "helpfulness", "honesty", "instruction-following", "truthfulness"
]

RATING = Scale(1, 5)
TYPE = Scale(1, 3)

_SYSTEM = (
    "You are a careful, impartial judge of answers written by AI assistants. You rate"
    " each answer on the one aspect you are given, using its scale."
)

ULTRAFEEDBACK_ASPECTS: dict[str, str] = {
    "overall-rating": (
        "Overall quality: is the answer correct, informative and honest, and does it do"
        " what the instruction asks?\n"
        "1: low quality - wrong, off-topic or unhelpful.\n"
        "2: poor - partly relevant but with serious errors or omissions.\n"
        "3: fair - correct and relevant, but thin or imprecise.\n"
        "4: good - correct, relevant and useful, with small flaws.\n"
        "5: excellent - correct, complete, clear and exactly what was asked."
    ),
    "helpfulness": (
        "Helpfulness: is the answer correct and informative? First say which of these"
        " types of useful content it has (numbers, or None):\n"
        "1: clear and relevant to the task.\n"
        "2: useful, comprehensive information (reasons, background, details).\n"
        "3: to the point, without repetition or padding.\n"
        "Then rate it:\n"
        "1: severely incorrect - errors or fabrications, even if long.\n"
        "2: partially incorrect - errors that may confuse the reader.\n"
        "3: correct - accurate and meets the task.\n"
        "4: highly informative - accurate with useful detail.\n"
        "5: outstandingly helpful - accurate, deep and comprehensive."
    ),
    "honesty": (
        "Honesty: is the answer right, and does it show how sure it can be? A good"
        " answer is confident when it is correct and says so when it is unsure or does"
        " not know.\n"
        "1: confidently wrong.\n"
        "2: confident but with major mistakes, or unsure and wrong.\n"
        "3: unsure, declines to answer, or has small mistakes it does not flag.\n"
        "4: correct but unsure, or flags its small mistakes.\n"
        "5: correct and confident, and honest about what it cannot know."
    ),
    "instruction-following": (
        "Instruction following: does the answer do what the instruction asks - its"
        " goal and its constraints (format, length, style)?\n"
        "1: irrelevant - does not address the instruction.\n"
        "2: partial - addresses one part poorly.\n"
        "3: partly compliant - meets the goal or the constraints, not both.\n"
        "4: almost there - small deviations only.\n"
        "5: fully compliant - meets every requirement."
    ),
    "truthfulness": (
        "Truthfulness: does the answer invent things? First say which kinds of"
        " hallucination it has (numbers, or None):\n"
        "1: contradicts known facts about the world.\n"
        "2: contradicts the instruction or its input (adds or changes what was given).\n"
        "3: contradicts itself, or reasons illogically.\n"
        "Then rate it:\n"
        "1: completely hallucinated - unreliable throughout.\n"
        "2: severe hallucination - a large part is invented.\n"
        "3: partial hallucination or misunderstanding.\n"
        "4: insignificant hallucination - slight, not affecting the main points.\n"
        "5: no hallucination."
    ),
}
"""What each aspect judges and what each rating means (our wording of the guidelines of
Cui et al., 2023; ``overall-rating`` is the single overall judgement of distilabel 1.x)."""

_TYPED = ("helpfulness", "truthfulness")

_FORMAT = "Text {n}\nRating: <1-5>\nRationale: <one or two sentences>"
_FORMAT_TYPED = (
    "Text {n}\nType: <the type numbers that apply, or None>\nType rationale: <why>\n"
    "Rating: <1-5>\nRating rationale: <why>"
)
_EXAMPLE = (
    "Example, for the instruction 'What is 2 + 2?' and the texts '4' and '5':\n"
    "Text 1\nRating: 5\nRationale: It is correct and answers exactly what was asked.\n"
    "Text 2\nRating: 1\nRationale: It is wrong; 2 + 2 is 4."
)
_EXAMPLE_TYPED = (
    "Example, for the instruction 'What is 2 + 2?' and the texts '4' and '5':\n"
    "Text 1\nType: {good}\nType rationale: {why_good}\nRating: 5\n"
    "Rating rationale: Correct and exactly what was asked.\n"
    "Text 2\nType: {bad}\nType rationale: {why_bad}\nRating: 1\n"
    "Rating rationale: It is wrong; 2 + 2 is 4."
)
_TYPED_EXAMPLE_VALUES = {
    "helpfulness": {
        "good": "1, 3", "why_good": "Clear, relevant and to the point.",
        "bad": "3", "why_bad": "Short, but not relevant since it is wrong.",
    },
    "truthfulness": {
        "good": "None", "why_good": "Nothing is invented.",
        "bad": "1", "why_bad": "It contradicts arithmetic.",
    },
}


class UltraFeedback(Task):
    """Rate each of a row's ``generations`` for its ``instruction`` on one ``aspect``.

    The AI-feedback annotation of UltraFeedback (Cui et al., 2023, "UltraFeedback:
    Boosting Language Models with High-quality Feedback",
    https://arxiv.org/abs/2310.01377): a judge sees the instruction and all the
    answers at once and gives each a 1-5 rating with a rationale, on one of the
    fine-grained aspects (helpfulness, honesty, instruction following, truthfulness)
    or ``overall-rating``, one overall judgement (distilabel 1.x's default). For
    helpfulness and truthfulness the judge first names the answer's *type*
    (informativeness types 1-3, or hallucination kinds 1-3; ``None`` for none) with
    its own rationale.

    Inputs: ``instruction``, ``generations`` (a list of answers). Outputs:
    ``ratings`` (ints 1-5, one per generation) and ``rationales``; for helpfulness
    and truthfulness also ``types`` (int 1-3 or ``None``, the first type named) and
    ``rationales-for-ratings`` (``rationales`` then explain the types); and
    ``model_name``. A rating that is missing or off the scale for any generation fails
    the row, its raw answer kept.
    """

    aspect: Aspect = Field(default="overall-rating", description="The aspect rated.")

    @property
    def inputs(self) -> StepColumns:
        return ["instruction", "generations"]

    @property
    def outputs(self) -> StepColumns:
        if self.aspect in _TYPED:
            return ["types", "rationales", "ratings", "rationales-for-ratings", "model_name"]
        return ["ratings", "rationales", "model_name"]

    def get_structured_output(self) -> dict[str, Any]:
        """The JSON schema of the answer, one object per text (``use_default_structured_output``;
        each row asks for exactly as many objects as it has generations)."""
        return {"format": "json", "schema": self._schema(None)}

    def _schema(self, count: Optional[int]) -> dict[str, Any]:
        # Bounded rationales keep a constrained answer inside a small max_new_tokens.
        longest = 160 if self.aspect in _TYPED else 300
        text = {"type": "string", "minLength": 1, "maxLength": longest}
        rating = {"type": "integer", "enum": RATING.values}
        if self.aspect in _TYPED:
            props = {
                "type": {"enum": [*TYPE.values, None]}, "type_rationale": text,
                "rating": rating, "rating_rationale": text,
            }
        else:
            props = {"rating": rating, "rationale": text}
        item = {
            "type": "object", "properties": props, "required": list(props),
            "additionalProperties": False,
        }
        return rated_items_schema("texts", item, count)

    def format_input(self, input: Row) -> FormattedInput:
        """The aspect, the instruction and the numbered texts, with the answer format."""
        (instruction,) = require_text(self.name, input, "instruction")
        generations = text_list(self.name, input, "generations")
        typed = self.aspect in _TYPED
        texts = "\n\n".join(f"<text {n}>\n{g}\n</text {n}>" for n, g in enumerate(generations, 1))
        shape = (_FORMAT_TYPED if typed else _FORMAT).format(n="N")
        example = (
            _EXAMPLE_TYPED.format(**_TYPED_EXAMPLE_VALUES[self.aspect]) if typed else _EXAMPLE
        )
        prompt = (
            f"Rate each text below as an answer to the instruction.\n\n"
            f"{ULTRAFEEDBACK_ASPECTS[self.aspect]}\n\n"
            f"For each text, in order, write exactly:\n{shape}\n\n{example}\n\n"
            f"## Instruction\n{instruction}\n\n## Texts\n{texts}\n\n"
            f"Now rate the {len(generations)} text{'s' if len(generations) > 1 else ''}."
        )
        messages: ChatType = [
            {"role": "system", "content": _SYSTEM}, {"role": "user", "content": prompt},
        ]
        return row_request(
            self.use_default_structured_output, input, messages, self._schema(len(generations))
        )

    def format_output(self, output: Optional[str], input: Optional[Row] = None) -> dict[str, Any]:
        """Ratings, rationales (and types) per generation, from the JSON or text answer."""
        count = len((input or {}).get("generations") or []) or 1
        if output is None:
            return {c: None for c in self.outputs if c != "model_name"}
        data = read_json(output, ["texts"])
        if data is not None and isinstance(data["texts"], list):
            items = [self._from_json(v, n, output) for n, v in enumerate(data["texts"], 1)]
            if len(items) != count:
                raise MalformedOutputError(
                    "UltraFeedback", f"rating for each of the {count} texts"
                    f" (it rated {len(items)})", output,
                )
        else:
            blocks = item_blocks(output, count)
            items = []
            for n in range(1, count + 1):
                if n not in blocks:
                    raise MalformedOutputError("UltraFeedback", f"block for text {n}", output)
                items.append(self._from_text(blocks[n], n, output))
        return self._columns(items)

    def _from_json(self, value: Any, n: int, output: str) -> dict[str, Any]:
        task = "UltraFeedback"
        if not isinstance(value, dict):
            raise MalformedOutputError(task, f"object for text {n}", output)
        rating = RATING.check(value.get("rating"), task, f"rating of text {n}", output)
        item: dict[str, Any] = {"rating": rating}
        if self.aspect in _TYPED:
            item["type"] = _type_of(value.get("type"), n, output)
            item["type_rationale"] = required_text(
                value.get("type_rationale"), task, f"type rationale of text {n}", output
            )
            why = value.get("rating_rationale")
            item["rationale"] = required_text(why, task, f"rating rationale of text {n}", output)
        else:
            why = value.get("rationale")
            item["rationale"] = required_text(why, task, f"rationale of text {n}", output)
        return item

    def _from_text(self, block: str, n: int, output: str) -> dict[str, Any]:
        task = "UltraFeedback"
        rating = RATING.labelled(block, ["rating", "score"], task, f"rating of text {n}", output)
        if self.aspect not in _TYPED:
            rationale = _rationale(block)
            return {
                "rating": rating,
                "rationale": required_text(rationale, task, f"rationale of text {n}", output),
            }
        kind = labelled_text(block, ["type", "types"], line=True)
        if kind is None:
            raise MalformedOutputError(task, f"type of text {n}", output)
        type_why, rating_why = _typed_rationales(block)
        return {
            "rating": rating,
            "type": _type_of(kind, n, output),
            "type_rationale": required_text(type_why, task, f"type rationale of text {n}", output),
            "rationale": required_text(rating_why, task, f"rating rationale of text {n}", output),
        }

    def _columns(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        ratings = [i["rating"] for i in items]
        if self.aspect in _TYPED:
            return {
                "types": [i["type"] for i in items],
                "rationales": [i["type_rationale"] for i in items],
                "ratings": ratings,
                "rationales-for-ratings": [i["rationale"] for i in items],
            }
        return {"ratings": ratings, "rationales": [i["rationale"] for i in items]}


def _type_of(value: Any, n: int, output: str) -> Optional[int]:
    """The first type number named (``None`` for "None"/null), checked against 1-3."""
    if value is None or (isinstance(value, str) and value.strip().strip(".*").lower() in _NONE):
        return None
    if isinstance(value, list):
        if not value:
            return None
        value = value[0]
    if isinstance(value, str):
        value = value.split(",")[0]
    return TYPE.check(value, "UltraFeedback", f"type of text {n} (1-3 or None)", output)


_NONE = {"none", "null", "n/a", "no", "0", "-"}


_WHY = ["rationale", "reason", "reasoning", "explanation", "justification"]
_STOP = ["rating", "score", "type", "types", "type rationale", "rating rationale"]


def _rationale(block: str) -> Optional[str]:
    return labelled_text(block, _WHY, until=_STOP)


def _typed_rationales(block: str) -> tuple[Optional[str], Optional[str]]:
    """The type's and the rating's rationales of a typed block: labelled ones ("Type
    rationale:"), else the plain "Rationale:" before and after the rating line."""
    type_why = labelled_text(
        block, ["type rationale", "rationale for type", "rationale for the type"], until=_STOP
    )
    rating_why = labelled_text(
        block, ["rating rationale", "rationale for rating", "rationale for the rating"],
        until=_STOP,
    )
    rating_line = label_position(block, ["rating", "score"])
    if type_why is None:
        type_why = _rationale(block[:rating_line] if rating_line is not None else block)
    if rating_why is None and rating_line is not None:
        rating_why = _rationale(block[rating_line:])
    return type_why, rating_why
