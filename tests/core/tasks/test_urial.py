"""``URIAL``: the few-shot raw prompt, the answer's cut, and LLMs that cannot take it."""

from __future__ import annotations

from typing import Any, ClassVar, List

import pytest
from task_test_llms import CustomLLM

from distilabel.llms import LLM
from distilabel.llms.typing import GenerateOutput
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import METADATA_COLUMN, URIAL
from distilabel.steps.tasks._parsing import MalformedOutputError
from distilabel.typing import FormattedInput


class Continue(LLM):
    """A base model's continuation: an answer, then the start of another turn."""

    supports_raw_prompts: ClassVar[bool] = True
    seen: List[Any] = []

    @property
    def model_name(self) -> str:
        return "base"

    def generate(  # type: ignore[override]
        self, inputs: List[FormattedInput], num_generations: int = 1, **kwargs: Any
    ) -> List[GenerateOutput]:
        self.seen.extend(inputs)
        text = "Plants use sunlight.\n```\n\n# User:\n```\nAnd animals?"
        return [{"generations": [text], "statistics": {}} for _ in inputs]


def test_the_answer_is_cut_where_the_next_turn_starts() -> None:
    task = URIAL(name="urial", llm=Continue())
    task.load()
    row = next(task.process([{"instruction": "How do plants eat?"}]))[0]
    assert row["generation"] == "Plants use sunlight."
    prompt = row[METADATA_COLUMN]["raw_input_urial"]
    assert isinstance(prompt, str)
    assert prompt.endswith("# User:\n```\nHow do plants eat?\n```\n\n# Assistant:\n```\n")
    assert prompt.count("# Assistant:") == 4  # three examples and the answer's opening


def test_a_conversation_is_rendered_turn_by_turn_and_must_end_with_the_user() -> None:
    task = URIAL(llm=Continue())
    prompt = task.format_input({"conversation": [
        {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "How are you?"},
    ]})
    assert prompt.endswith(
        "# User:\n```\nHi\n```\n\n# Assistant:\n```\nHello!\n```\n\n"
        "# User:\n```\nHow are you?\n```\n\n# Assistant:\n```\n"
    )
    with pytest.raises(ValueError, match="last message must be the user's"):
        task.format_input({"conversation": [{"role": "assistant", "content": "x"}]})
    with pytest.raises(ValueError, match="neither an 'instruction'"):
        task.format_input({})


def test_an_empty_answer_fails_its_row() -> None:
    task = URIAL(llm=Continue())
    assert task.format_output("```\nFine, thanks.\n```") == {"generation": "Fine, thanks."}
    with pytest.raises(MalformedOutputError, match="no answer"):
        task.format_output("\n```\n# User:\nnext")


def test_a_chat_only_llm_is_refused_before_anything_loads() -> None:
    with Pipeline(name="urial-chat-only") as pipeline:
        LoadDataFromDicts(data=[{"instruction": "Hi"}]) >> URIAL(name="urial", llm=CustomLLM())
    with pytest.raises(Exception, match="URIAL sends raw few-shot prompts"):
        pipeline.run(use_cache=False)
