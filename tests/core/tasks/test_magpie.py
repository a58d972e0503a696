"""``Magpie`` and ``MagpieGenerator``: turns, columns, system prompts and failed rows."""

from __future__ import annotations

from typing import Any, ClassVar, List, Optional

import pytest
from task_test_llms import CustomLLM

from distilabel.llms import LLM
from distilabel.llms.typing import GenerateOutput
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import METADATA_COLUMN, Magpie, MagpieGenerator
from distilabel.typing import FormattedInput


class TurnWriter(LLM):
    """Writes numbered user turns for Magpie inputs and answers the others; the call
    numbered ``empty_at`` gets an empty text. Records what each call asked for."""

    supports_raw_prompts: ClassVar[bool] = True
    empty_at: Optional[int] = None
    seen: List[Any] = []

    @property
    def model_name(self) -> str:
        return "turn-writer"

    def generate(  # type: ignore[override]
        self, inputs: List[FormattedInput], num_generations: int = 1, **kwargs: Any
    ) -> List[GenerateOutput]:
        outputs: List[GenerateOutput] = []
        for item in inputs:
            prepared = self.prepare_input(item)
            self.seen.append(prepared)
            system = [m["content"] for m in prepared.messages or [] if m["role"] == "system"]
            turn = sum(1 for m in prepared.messages or [] if m["role"] == "user")
            if prepared.magpie:
                text = f"question {turn + 1}" + (f" about {system[0]}" if system else "")
            else:
                text = f"answer {turn}"
            if len(self.seen) == self.empty_at:
                text = "  "
            outputs.append({"generations": [text], "statistics": {}})
        return outputs


def run(task: Any, rows: Optional[list[dict[str, Any]]] = None) -> list[dict[str, Any]]:
    task.load()
    if rows is None:
        return [r for batch, _ in task.process() for r in batch]
    return next(task.process(rows))


def test_one_turn_is_an_instruction_and_its_response() -> None:
    task = Magpie(llm=TurnWriter())
    assert task.llm.use_magpie_template
    assert task.outputs == ["instruction", "response", "model_name"]
    row = run(task, [{}])[0]
    assert (row["instruction"], row["response"]) == ("question 1", "answer 1")
    assert row["model_name"] == "turn-writer"
    assert row[METADATA_COLUMN][f"statistics_{task.name}"]["calls"] == 2


def test_turns_alternate_and_the_multi_turn_system_prompt_steers_them() -> None:
    task = Magpie(llm=TurnWriter(), n_turns=2, include_system_prompt=True)
    assert task.outputs == ["conversation", "model_name"]
    conversation = run(task, [{}])[0]["conversation"]
    roles = [m["role"] for m in conversation]
    assert roles == ["system", "user", "assistant", "user", "assistant"]
    assert conversation[3]["content"].startswith("question 2 about You are a helpful AI")
    plain = run(Magpie(llm=TurnWriter(), n_turns=2), [{}])[0]["conversation"]
    assert [m["role"] for m in plain] == ["user", "assistant", "user", "assistant"]


def test_end_with_user_and_only_instruction_stop_at_a_user_turn() -> None:
    ending = Magpie(llm=TurnWriter(), n_turns=2, end_with_user=True)
    roles = [m["role"] for m in run(ending, [{}])[0]["conversation"]]
    assert roles == ["user", "assistant", "user"]
    only = Magpie(llm=TurnWriter(), n_turns=3, only_instruction=True)
    assert only.outputs == ["instruction", "model_name"]
    row = run(only, [{}])[0]
    assert row["instruction"] == "question 1"
    assert row[METADATA_COLUMN][f"statistics_{only.name}"]["calls"] == 1
    assert Magpie(llm=TurnWriter(), end_with_user=True).outputs == ["instruction", "model_name"]


def test_a_rows_system_prompt_wins_and_a_dict_records_its_key() -> None:
    task = Magpie(
        llm=TurnWriter(), only_instruction=True,
        system_prompt={"cooking": ("cooking", 1.0), "maths": ("maths", 0.0)},
    )
    assert task.outputs == ["instruction", "system_prompt_key", "model_name"]
    rows = run(task, [{}, {"system_prompt": "gardening"}])
    assert rows[0]["instruction"] == "question 1 about cooking"
    assert rows[0]["system_prompt_key"] == "cooking"
    assert rows[1]["instruction"] == "question 1 about gardening"
    picking = Magpie(llm=TurnWriter(), only_instruction=True, system_prompt=["a", "b"])
    listed = run(picking, [{}] * 6)
    assert {r["instruction"] for r in listed} <= {
        "question 1 about a", "question 1 about b"
    }


def test_probabilities_must_add_up_to_one() -> None:
    with pytest.raises(ValueError, match=r"add up to 0\.9"):
        Magpie(llm=TurnWriter(), system_prompt={"a": ("A", 0.6), "b": ("B", 0.3)})
    Magpie(llm=TurnWriter(), system_prompt={"a": ("A", 0.1), "b": ("B", 0.2), "c": ("C", 0.7)})


def test_an_empty_turn_fails_its_row_and_keeps_the_calls_made() -> None:
    task = Magpie(name="magpie", llm=TurnWriter(empty_at=2), n_turns=2)
    rows = run(task, [{}, {}])
    failed = [r for r in rows if r["conversation"] is None]
    assert len(failed) == 1
    meta = failed[0][METADATA_COLUMN]
    assert meta["error_magpie"].startswith("MalformedOutputError: Magpie: the answer has no text")
    assert meta["raw_output_magpie"][-1] == "  "
    assert len(meta["raw_input_magpie"]) == len(meta["raw_output_magpie"])
    whole = next(r for r in rows if r["conversation"])
    assert whole["conversation"][-1]["content"] == "answer 2"


def test_generator_makes_num_rows_with_no_input() -> None:
    task = MagpieGenerator(llm=TurnWriter(), num_rows=5, batch_size=2)
    assert task.inputs == []
    rows = run(task)
    assert len(rows) == 5
    assert all(r["instruction"] == "question 1" and r["response"] == "answer 1" for r in rows)


def test_a_chat_only_llm_is_refused_before_anything_loads() -> None:
    with Pipeline(name="magpie-chat-only") as pipeline:
        MagpieGenerator(name="magpie", llm=CustomLLM(), num_rows=2)
    with pytest.raises(Exception, match="cannot use Magpie pre-query"):
        pipeline.run(use_cache=False)


def test_in_a_pipeline_each_seed_row_gets_a_conversation() -> None:
    with Pipeline(name="magpie-rows") as pipeline:
        seeds = LoadDataFromDicts(data=[{"system_prompt": "space"}, {"system_prompt": "tea"}])
        seeds >> Magpie(name="magpie", llm=TurnWriter(), n_turns=2)
    rows = pipeline.run(use_cache=False)["default"]["train"].to_list()
    assert sorted(r["conversation"][0]["content"] for r in rows) == [
        "question 1 about space", "question 1 about tea"
    ]
