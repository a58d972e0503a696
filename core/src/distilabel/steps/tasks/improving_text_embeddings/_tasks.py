"""The four embedding-data tasks that write an example for an input ``task``.

Our own wording of the prompt family of Wang et al., 2024, "Improving Text Embeddings
with Large Language Models" (https://arxiv.org/abs/2401.00368): a brainstormed task
description comes in, one synthetic training example for it goes out as JSON, with the
paper's knobs (query type, length, clarity, difficulty, document length, language)
given or sampled per row.
"""

from __future__ import annotations

from typing import Any, Literal, Optional, get_args

from pydantic import Field

from distilabel.steps.tasks.improving_text_embeddings._base import EmbeddingDataTask

__all__ = [
    "GenerateLongTextMatchingData",
    "GenerateShortTextMatchingData",
    "GenerateTextClassificationData",
    "GenerateTextRetrievalData",
]

QueryType = Literal["extremely long-tail", "long-tail", "common"]
QueryLength = Literal["less than 5 words", "5 to 15 words", "at least 10 words"]
Difficulty = Literal["high school", "college", "PhD"]
Clarity = Literal["clear", "understandable with some effort", "ambiguous"]
NumWords = Literal[50, 100, 200, 300, 400, 500]


def _json_keys(keys: dict[str, str]) -> str:
    return "\n".join(f'- "{k}": {v}' for k, v in keys.items())


_ANSWER_ONLY = "Answer with the JSON object only, no explanation."


class GenerateTextRetrievalData(EmbeddingDataTask):
    """Write a query, a document that answers it and a hard negative for a retrieval ``task``.

    One of the synthetic-data prompts of Wang et al., 2024, "Improving Text Embeddings
    with Large Language Models" (https://arxiv.org/abs/2401.00368): asymmetric retrieval
    examples whose hard negative looks relevant but helps less.

    Input: ``task`` (a retrieval task description, e.g. from a brainstorming step), and
    optionally ``system_prompt``. Outputs: ``user_query``, ``positive_document``,
    ``hard_negative_document`` and ``model_name``. Options left ``None`` are sampled per
    row (``seed``).
    """

    KEYS = ("user_query", "positive_document", "hard_negative_document")
    EXAMPLE_REQUEST = {
        "task": "Find recipes that answer a cooking question.",
        "language": "English", "query_type": "common", "query_length": "5 to 15 words",
        "clarity": "clear", "difficulty": "high school", "num_words": 50,
    }
    EXAMPLE_ANSWER = (
        '{"user_query": "how long should I boil an egg for a soft yolk",'
        ' "positive_document": "For a soft, runny yolk, lower the egg into boiling water'
        ' and cook it for six minutes. Then move it to cold water for a minute so it stops'
        ' cooking and peels easily.",'
        ' "hard_negative_document": "Eggs keep for several weeks in the fridge. Store them'
        ' in their box on a middle shelf, not in the door, where the temperature changes'
        ' every time it is opened."}'
    )

    query_type: Optional[QueryType] = Field(default=None, description="How common the query is.")
    query_length: Optional[QueryLength] = Field(default=None, description="How long the query is.")
    difficulty: Optional[Difficulty] = Field(
        default=None, description="The education needed to understand the query."
    )
    clarity: Optional[Clarity] = Field(default=None, description="How clear the query is.")
    num_words: Optional[NumWords] = Field(
        default=None, description="The least number of words of each document."
    )

    def options(self) -> dict[str, Any]:
        return {
            **super().options(),
            "query_type": self.pick(self.query_type, get_args(QueryType)),
            "query_length": self.pick(self.query_length, get_args(QueryLength)),
            "clarity": self.pick(self.clarity, get_args(Clarity)),
            "difficulty": self.pick(self.difficulty, get_args(Difficulty)),
            "num_words": self.pick(self.num_words, get_args(NumWords)),
        }

    def request(self, **f: Any) -> str:  # type: ignore[override]
        return (
            f"Retrieval task: {f['task']}\n"
            "Write one training example for this task as a JSON object with the keys:\n"
            + _json_keys({
                "user_query": f"a search query for the task: {f['query_type']},"
                f" {f['query_length']}, {f['clarity']}, needing {f['difficulty']}"
                " knowledge",
                "positive_document": "a document that answers the query well",
                "hard_negative_document": "a document that seems to match the query but"
                " is less useful than the positive one",
            })
            + f"\nEach document has about {f['num_words']} words or more and does not"
            f" copy the query. Write everything in {f['language']}. {_ANSWER_ONLY}"
        )


class GenerateShortTextMatchingData(EmbeddingDataTask):
    """Write a short text and a short text that matches it, for a text-matching ``task``.

    Symmetric short-text matching from Wang et al., 2024, "Improving Text Embeddings
    with Large Language Models" (https://arxiv.org/abs/2401.00368).

    Input: ``task`` (and optionally ``system_prompt``). Outputs: ``input``,
    ``positive_document`` and ``model_name``.
    """

    KEYS = ("input", "positive_document")
    EXAMPLE_REQUEST = {
        "task": "Given a product name, find other names of the same product.",
        "language": "English",
    }
    EXAMPLE_ANSWER = (
        '{"input": "wireless noise cancelling headphones",'
        ' "positive_document": "Bluetooth headphones with active noise cancellation"}'
    )

    def request(self, **f: Any) -> str:  # type: ignore[override]
        return (
            f"Text matching task: {f['task']}\n"
            "Write one training example for this task as a JSON object with the keys:\n"
            + _json_keys({
                "input": "a short text of a few words, as the task describes",
                "positive_document": "a short text that matches the input for this task",
            })
            + "\nKeep both texts short and make them differ in wording."
            f" Write everything in {f['language']}. {_ANSWER_ONLY}"
        )


class GenerateLongTextMatchingData(EmbeddingDataTask):
    """Write a long text and a long text that matches it, for a text-matching ``task``.

    Symmetric long-text matching from Wang et al., 2024, "Improving Text Embeddings with
    Large Language Models" (https://arxiv.org/abs/2401.00368).

    Input: ``task`` (and optionally ``system_prompt``). Outputs: ``input``,
    ``positive_document`` and ``model_name``.
    """

    KEYS = ("input", "positive_document")
    EXAMPLE_REQUEST = {
        "task": "Given a news paragraph, find another paragraph that reports the same event.",
        "language": "English",
    }
    EXAMPLE_ANSWER = (
        '{"input": "Heavy rain flooded the main road into the village on Tuesday night.'
        ' Firefighters helped several families leave their homes, and the road stayed'
        ' closed until the water went down.",'
        ' "positive_document": "After a night of storms, water covered the road to the'
        ' village and rescuers moved residents to safety. Traffic could only pass again'
        ' once the flood had drained away."}'
    )

    def request(self, **f: Any) -> str:  # type: ignore[override]
        return (
            f"Text matching task: {f['task']}\n"
            "Write one training example for this task as a JSON object with the keys:\n"
            + _json_keys({
                "input": "a text of several sentences, as the task describes",
                "positive_document": "a text of several sentences that matches the input"
                " for this task",
            })
            + "\nSay the same things in different words; do not copy sentences."
            f" Write everything in {f['language']}. {_ANSWER_ONLY}"
        )


class GenerateTextClassificationData(EmbeddingDataTask):
    """Write a text, its label and a misleading label for a classification ``task``.

    Text classification examples from Wang et al., 2024, "Improving Text Embeddings with
    Large Language Models" (https://arxiv.org/abs/2401.00368): the misleading label is
    a plausible but wrong one, a hard negative for the text.

    Input: ``task`` (and optionally ``system_prompt``). Outputs: ``input_text``,
    ``label``, ``misleading_label`` and ``model_name``. Options left ``None`` are sampled
    per row (``seed``).
    """

    KEYS = ("input_text", "label", "misleading_label")
    EXAMPLE_REQUEST = {
        "task": "Classify a customer review as positive, negative or neutral.",
        "language": "English", "difficulty": "high school", "clarity": "clear",
    }
    EXAMPLE_ANSWER = (
        '{"input_text": "The delivery came two days late, but the chair itself is'
        ' comfortable and easy to build.", "label": "positive",'
        ' "misleading_label": "negative"}'
    )

    difficulty: Optional[Difficulty] = Field(
        default=None, description="The education needed to understand the text."
    )
    clarity: Optional[Clarity] = Field(default=None, description="How clear the text is.")

    def options(self) -> dict[str, Any]:
        return {
            **super().options(),
            "difficulty": self.pick(self.difficulty, get_args(Difficulty)),
            "clarity": self.pick(self.clarity, get_args(Clarity)),
        }

    def request(self, **f: Any) -> str:  # type: ignore[override]
        return (
            f"Classification task: {f['task']}\n"
            "Write one training example for this task as a JSON object with the keys:\n"
            + _json_keys({
                "input_text": f"a text to classify, {f['clarity']}, needing"
                f" {f['difficulty']} knowledge",
                "label": "the correct label of the text for the task",
                "misleading_label": "another label of the task that is wrong for this text",
            })
            + f"\nWrite everything in {f['language']}. {_ANSWER_ONLY}"
        )
