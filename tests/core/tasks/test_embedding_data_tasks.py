"""The embedding-training-data family (Wang et al., 2024): prompts, options, JSON answers."""

from __future__ import annotations

from typing import Any, ClassVar, List

import pytest

from distilabel.llms import LLM
from distilabel.llms.typing import GenerateOutput
from distilabel.steps.tasks import (
    METADATA_COLUMN,
    BitextRetrievalGenerator,
    GenerateLongTextMatchingData,
    GenerateShortTextMatchingData,
    GenerateTextClassificationData,
    GenerateTextRetrievalData,
    MonolingualTripletGenerator,
)
from distilabel.steps.tasks._parsing import MalformedOutputError
from distilabel.typing import FormattedInput


class Echo(LLM):
    """Answers every input with ``answer`` and keeps the inputs it was given."""

    answer: str = "{}"
    seen: List[Any] = []
    supports_raw_prompts: ClassVar[bool] = True

    @property
    def model_name(self) -> str:
        return "echo"

    def generate(  # type: ignore[override]
        self, inputs: List[FormattedInput], num_generations: int = 1, **kwargs: Any
    ) -> List[GenerateOutput]:
        self.seen.extend(inputs)
        return [{"generations": [self.answer] * num_generations, "statistics": {}} for _ in inputs]


def test_retrieval_reads_a_fenced_json_answer_into_its_columns() -> None:
    answer = (
        'Here you go:\n```json\n{"user_query": "q", "positive_document": "line 1\nline 2",'
        ' "hard_negative_document": "n"}\n```'
    )
    task = GenerateTextRetrievalData(llm=Echo(answer=answer), query_type="common")
    task.load()
    row = next(task.process([{"task": "Find recipes."}]))[0]
    assert task.outputs == [
        "user_query", "positive_document", "hard_negative_document", "model_name"
    ]
    assert (row["user_query"], row["positive_document"]) == ("q", "line 1\nline 2")
    prompt = row[METADATA_COLUMN][f"raw_input_{task.name}"]
    assert [m["role"] for m in prompt] == ["user", "assistant", "user"]
    assert prompt[-1]["content"].startswith("Retrieval task: Find recipes.")
    assert "common" in prompt[-1]["content"]


def test_unset_options_are_sampled_from_the_seed_and_given_ones_kept() -> None:
    def prompts(seed: int) -> list[str]:
        task = GenerateTextRetrievalData(llm=Echo(), seed=seed, difficulty="PhD")
        task.load()
        return [task.format_input({"task": "t"})[-1]["content"] for _ in range(6)]

    assert prompts(1) == prompts(1)
    assert prompts(1) != prompts(2)
    assert all("needing PhD knowledge" in p for p in prompts(3))


def test_a_missing_key_fails_the_row_naming_it() -> None:
    task = GenerateTextClassificationData(llm=Echo())
    with pytest.raises(MalformedOutputError, match="'misleading_label'"):
        task.format_output('{"input_text": "great film", "label": "positive"}')
    assert task.format_output(
        "{'input_text': 'great film', 'label': 'positive', 'misleading_label': 'negative'}"
    ) == {"input_text": "great film", "label": "positive", "misleading_label": "negative"}
    assert task.format_output(
        "Input text: great film\nLabel: positive\nMisleading label: negative"
    )["misleading_label"] == "negative"


def test_a_row_without_task_fails_alone() -> None:
    task = GenerateShortTextMatchingData(
        name="short", llm=Echo(answer='{"input": "a", "positive_document": "b"}')
    )
    task.load()
    rows = next(task.process([{"task": ""}, {"task": "Match city names."}]))
    assert rows[0]["input"] is None
    assert "column 'task'" in rows[0][METADATA_COLUMN]["error_short"]
    assert (rows[1]["input"], rows[1]["positive_document"]) == ("a", "b")


def test_system_prompt_from_the_row_or_the_task() -> None:
    task = GenerateLongTextMatchingData(llm=Echo(), system_prompt="Be brief.")
    assert task.format_input({"task": "t"})[0] == {"role": "system", "content": "Be brief."}
    assert task.format_input({"task": "t", "system_prompt": "Mine."})[0]["content"] == "Mine."


def test_structured_output_is_the_schema_of_the_keys() -> None:
    task = MonolingualTripletGenerator(llm=Echo(), use_default_structured_output=True)
    schema = task.get_structured_output()
    assert schema is not None and schema["schema"]["required"] == ["S1", "S2", "S3"]
    formatted = task.format_row({})
    assert isinstance(formatted, tuple) and formatted[1] == schema


def test_generators_make_num_rows_or_one_prompts_generations() -> None:
    answer = '{"S1": "a", "S2": "b", "S3": "c"}'
    task = BitextRetrievalGenerator(llm=Echo(answer=answer), target_language="French", num_rows=3)
    task.load()
    rows = [r for batch, _ in task.process() for r in batch]
    assert [(r["S1"], r["S2"], r["S3"]) for r in rows] == [("a", "b", "c")] * 3
    assert "in French" in task.llm.seen[-1][-1]["content"]  # type: ignore[attr-defined]
    legacy = MonolingualTripletGenerator(llm=Echo(answer=answer), num_generations=2)
    legacy.load()
    assert len([r for batch, _ in legacy.process() for r in batch]) == 2


def test_an_object_cut_off_or_looping_gives_its_first_complete_values() -> None:
    # answers SmolLM2-135M wrote (fixtures/more_answers.json), shortened
    triplets = MonolingualTripletGenerator(llm=Echo())
    broken = (
        '{"S1": "The latest edition is out.", "S2": "La edición está en Europa.",'
        ' "S3": "La cinemónía es una cinemón.")}'
    )
    assert triplets.format_output(broken)["S3"] == "La cinemónía es una cinemón."
    looping = (
        '{"S1": "The cat sat.", "S2": "A cat was sitting.", "S3": "The cat slept.",'
        ' "S1": "The dog ran.", "S2": "The dog was run'
    )
    assert triplets.format_output(looping) == {
        "S1": "The cat sat.", "S2": "A cat was sitting.", "S3": "The cat slept."
    }
    cut_off = '{"S1": "The cat chased its tail.", "S2": "It chased its tail.", "S3": "a cat tha'
    with pytest.raises(MalformedOutputError, match="'S3'"):
        triplets.format_output(cut_off)
    matching = GenerateLongTextMatchingData(llm=Echo())
    quoted = (
        '{"input": "The book is a classic, "a tale passed down.", "positive_document":'
        ' "The book has been passed down.", "positive_document": "The book has'
    )
    assert matching.format_output(quoted) == {
        "input": 'The book is a classic, "a tale passed down.',
        "positive_document": "The book has been passed down.",
    }


def test_a_value_without_a_letter_or_digit_is_missing() -> None:
    task = GenerateTextRetrievalData(llm=Echo())
    answer = (
        '{"user_query": "What causes a cold?", "positive_document": ", ",'
        ' "hard_negative_document": "Colds are common in winter."}'
    )
    with pytest.raises(MalformedOutputError, match="'positive_document'"):
        task.format_output(answer)
