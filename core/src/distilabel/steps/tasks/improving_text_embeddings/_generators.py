"""The two embedding-data tasks with no input rows: sentence triplets scored for
similarity, in one language or across two.

Our own wording of the semantic-similarity prompts of Wang et al., 2024, "Improving Text
Embeddings with Large Language Models" (https://arxiv.org/abs/2401.00368): S1, then S2
close to it in meaning (about ``high_score`` of 5) and S3 only loosely related (about
``low_score``), with unit and difficulty given or sampled per row.
"""

from __future__ import annotations

from typing import Any, Literal, Optional, get_args

from pydantic import Field

from distilabel.steps.tasks.improving_text_embeddings._base import (
    LANGUAGE_DESCRIPTION,
    EmbeddingDataGenerator,
)

__all__ = ["BitextRetrievalGenerator", "MonolingualTripletGenerator"]

Unit = Literal["sentence", "phrase", "passage"]
Difficulty = Literal["elementary school", "high school", "college"]
HighScore = Literal["4", "4.5", "5"]
LowScore = Literal["2.5", "3", "3.5"]

_KEYS = ("S1", "S2", "S3")


class _Triplets(EmbeddingDataGenerator):
    KEYS = _KEYS

    unit: Optional[Unit] = Field(default=None, description="What S1, S2 and S3 are.")
    difficulty: Optional[Difficulty] = Field(
        default=None, description="The education needed to understand them."
    )
    high_score: Optional[HighScore] = Field(
        default=None, description="How similar S2 is to S1, out of 5."
    )
    low_score: Optional[LowScore] = Field(
        default=None, description="How similar S3 is to S1, out of 5."
    )

    def _shared(self) -> dict[str, Any]:
        return {
            "unit": self.pick(self.unit, get_args(Unit)),
            "difficulty": self.pick(self.difficulty, get_args(Difficulty)),
            "high_score": self.pick(self.high_score, get_args(HighScore)),
            "low_score": self.pick(self.low_score, get_args(LowScore)),
        }


def _triplet_request(f: dict[str, Any], s1: str, s23: str) -> str:
    return (
        f"Write three texts, each a {f['unit']} a reader with {f['difficulty']} education"
        " understands, as a JSON object with the keys:\n"
        f'- "S1": {s1}\n'
        f'- "S2": {s23}, that means nearly the same as S1 (similarity about'
        f" {f['high_score']} out of 5)\n"
        f'- "S3": {s23}, on the same subject as S1 but with a different meaning'
        f" (similarity about {f['low_score']} out of 5)\n"
        "S2 and S3 must not copy S1's wording. Answer with the JSON object only, no"
        " explanation."
    )


class MonolingualTripletGenerator(_Triplets):
    """Write triplets S1, S2 (close in meaning) and S3 (loosely related) in ``language``.

    The monolingual semantic-similarity data of Wang et al., 2024, "Improving Text
    Embeddings with Large Language Models" (https://arxiv.org/abs/2401.00368).

    No input rows: ``num_rows`` rows (one prompt's ``num_generations`` answers when
    ``num_rows`` is unset). Outputs: ``S1``, ``S2``, ``S3`` and ``model_name``. Options
    left ``None`` are sampled per row (``seed``).
    """

    EXAMPLE_REQUEST = {
        "language": "English", "unit": "sentence", "difficulty": "elementary school",
        "high_score": "4.5", "low_score": "2.5",
    }
    EXAMPLE_ANSWER = (
        '{"S1": "The dog ran across the park to fetch the ball.",'
        ' "S2": "In the park, the dog dashed off to get the ball.",'
        ' "S3": "The park has a fenced area where dogs can play."}'
    )

    language: str = Field(default="English", description=LANGUAGE_DESCRIPTION)

    def options(self) -> dict[str, Any]:
        return {"language": self.language, **self._shared()}

    def request(self, **f: Any) -> str:  # type: ignore[override]
        written = f"in {f['language']}"
        return _triplet_request(f, f"a {f['unit']} {written}", f"a {f['unit']} {written}")


class BitextRetrievalGenerator(_Triplets):
    """Write S1 in ``source_language`` and S2 (its close translation) and S3 (loosely
    related) in ``target_language``, for cross-lingual retrieval.

    The bitext data of Wang et al., 2024, "Improving Text Embeddings with Large Language
    Models" (https://arxiv.org/abs/2401.00368).

    No input rows: ``num_rows`` rows (one prompt's ``num_generations`` answers when
    ``num_rows`` is unset). Outputs: ``S1``, ``S2``, ``S3`` and ``model_name``. Options
    left ``None`` are sampled per row (``seed``).
    """

    EXAMPLE_REQUEST = {
        "source_language": "English", "target_language": "Spanish", "unit": "sentence",
        "difficulty": "elementary school", "high_score": "4.5", "low_score": "2.5",
    }
    EXAMPLE_ANSWER = (
        '{"S1": "The library opens at nine in the morning.",'
        ' "S2": "La biblioteca abre a las nueve de la mañana.",'
        ' "S3": "La biblioteca tiene muchos libros para niños."}'
    )

    source_language: str = Field(default="English", description=LANGUAGE_DESCRIPTION)
    target_language: str = Field(..., description="The language of S2 and S3.")

    def options(self) -> dict[str, Any]:
        return {
            "source_language": self.source_language,
            "target_language": self.target_language, **self._shared(),
        }

    def request(self, **f: Any) -> str:  # type: ignore[override]
        return _triplet_request(
            f, f"a {f['unit']} in {f['source_language']}",
            f"a {f['unit']} in {f['target_language']}",
        )
