"""EvolInstruct, EvolComplexity, their generators and EvolQuality, used as users would."""

from __future__ import annotations

from typing import Any, List

import pytest
from pydantic import validate_call

from distilabel.llms import LLM
from distilabel.llms.typing import GenerateOutput
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import (
    METADATA_COLUMN,
    EvolComplexity,
    EvolComplexityGenerator,
    EvolInstruct,
    EvolInstructGenerator,
    EvolQuality,
)
from distilabel.steps.tasks._parsing import MalformedOutputError
from distilabel.steps.tasks.evol_complexity import COMPLEXITY_MUTATIONS
from distilabel.steps.tasks.evol_instruct import MUTATION_TEMPLATES
from distilabel.steps.tasks.typing import ChatType


class Rewriter(LLM):
    """Answers a rewrite request with a labelled, longer prompt; anything else with an
    answer. Counts its batches."""

    batches: List[int] = []
    grow: str = " in detail"

    @property
    def model_name(self) -> str:
        return "rewriter"

    @validate_call
    def generate(
        self, inputs: List[ChatType], num_generations: int = 1, **kwargs: Any
    ) -> List[GenerateOutput]:
        self.batches.append(len(inputs))
        out: List[GenerateOutput] = []
        for conversation in inputs:
            text = conversation[-1]["content"]
            if "\nPrompt: " in text:
                answer = "**Rewritten Prompt:** " + text.rsplit("\nPrompt: ", 1)[1] + self.grow
            elif "\nKeywords: " in text:
                answer = '"Tell me about ' + text.rsplit("\nKeywords: ", 1)[1] + '"'
            else:
                answer = f"answer to {text}"
            out.append({"generations": [answer], "statistics": {}})
        return out


def test_evol_instruct_evolves_each_instruction_and_answers_every_round() -> None:
    task = EvolInstruct(
        name="evol", llm=Rewriter(), num_evolutions=2, store_evolutions=True,
        include_original_instruction=True, generate_answers=True,
    )
    task.load()
    rows = next(task.process([{"instruction": "Bake bread"}, {"instruction": "Sing"}]))
    assert task.outputs == ["evolved_instructions", "answers", "model_name"]
    assert rows[0]["evolved_instructions"] == [
        "Bake bread", "Bake bread in detail", "Bake bread in detail in detail"
    ]
    assert rows[0]["answers"] == [f"answer to {i}" for i in rows[0]["evolved_instructions"]]
    meta = rows[0][METADATA_COLUMN]
    assert meta["statistics_evol"] == {"calls": 5}  # two rounds, three answers
    assert meta["raw_output_evol"][0] == "**Rewritten Prompt:** Bake bread in detail"
    assert rows[1]["evolved_instructions"][-1] == "Sing in detail in detail"


def test_evol_instruct_keeps_only_the_last_round_by_default() -> None:
    task = EvolInstruct(llm=Rewriter(), num_evolutions=3, generate_answers=True)
    task.load()
    (row,) = next(task.process([{"instruction": "Sing"}]))
    assert task.outputs == ["evolved_instruction", "answer", "model_name"]
    assert row["evolved_instruction"] == "Sing in detail in detail in detail"
    assert row["answer"] == "answer to Sing in detail in detail in detail"


def test_each_round_batches_every_row_for_a_local_llm() -> None:
    llm = Rewriter()
    llm.batches = []
    task = EvolInstruct(llm=llm, num_evolutions=3)
    task.load()
    next(task.process([{"instruction": f"task {i}"} for i in range(6)]))
    assert llm.batches == [6, 6, 6]


def test_mutations_are_picked_per_row_and_round_from_the_seed() -> None:
    def mutations(seed: int) -> list[str]:
        task = EvolInstruct(name="evol", llm=Rewriter(), num_evolutions=4, seed=seed)
        task.load()
        rows = next(task.process([{"instruction": f"task {i}"} for i in range(5)]))
        return [
            next(name for name, text in MUTATION_TEMPLATES.items() if text in call[-1]["content"])
            for row in rows for call in row[METADATA_COLUMN]["raw_input_evol"]
        ]

    first = mutations(42)
    assert first == mutations(42)  # reproducible
    assert first != mutations(7)
    assert len(set(first)) >= 3  # rounds do not all use one mutation


def test_evol_complexity_uses_only_in_depth_rewrites() -> None:
    assert "BREADTH" not in COMPLEXITY_MUTATIONS and len(COMPLEXITY_MUTATIONS) == 4
    task = EvolComplexity(name="evol", llm=Rewriter(), num_evolutions=5)
    task.load()
    rows = next(task.process([{"instruction": f"task {i}"} for i in range(8)]))
    prompts = [c[-1]["content"] for r in rows for c in r[METADATA_COLUMN]["raw_input_evol"]]
    assert all(MUTATION_TEMPLATES["BREADTH"] not in p for p in prompts)
    assert rows[0]["evolved_instruction"] == "task 0" + " in detail" * 5


def test_a_row_whose_rewrite_is_empty_fails_alone_with_its_answer_kept() -> None:
    class Silent(Rewriter):
        @validate_call
        def generate(
            self, inputs: List[ChatType], num_generations: int = 1, **kwargs: Any
        ) -> List[GenerateOutput]:
            out = super().generate(inputs, num_generations)
            for conversation, output in zip(inputs, out, strict=True):
                if "quiet" in conversation[-1]["content"]:
                    output["generations"] = ["Rewritten prompt:  "]
            return out

    task = EvolInstruct(name="evol", llm=Silent(), num_evolutions=2)
    task.load()
    rows = next(task.process([{"instruction": "loud"}, {"instruction": "quiet"}]))
    assert rows[0]["evolved_instruction"] == "loud in detail in detail"
    meta = rows[1][METADATA_COLUMN]
    assert rows[1]["evolved_instruction"] is None
    assert meta["error_evol"].startswith("MalformedOutputError: EvolInstruct: the answer has no")
    # each attempt of the round asked with another mutation; all three were eliminated
    assert meta["raw_output_evol"] == ["Rewritten prompt:  "] * 3
    mutations = [
        next(n for n, t in MUTATION_TEMPLATES.items() if t in call[-1]["content"])
        for call in meta["raw_input_evol"]
    ]
    assert len(set(mutations)) == 3


def test_an_eliminated_evolution_is_asked_for_again_with_another_mutation() -> None:
    class CopiesOnce(Rewriter):
        """Copies the request's wording the first time it sees an instruction."""

        seen: List[str] = []

        @validate_call
        def generate(
            self, inputs: List[ChatType], num_generations: int = 1, **kwargs: Any
        ) -> List[GenerateOutput]:
            out = super().generate(inputs, num_generations)
            for conversation, output in zip(inputs, out, strict=True):
                given = conversation[-1]["content"].rsplit("\nPrompt: ", 1)[-1]
                if given not in self.seen:
                    self.seen.append(given)
                    output["generations"] = ["The new prompt: write only the new prompt."]
            return out

    task = EvolInstruct(name="evol", llm=CopiesOnce(), num_evolutions=2)
    task.load()
    (row,) = next(task.process([{"instruction": "Sing"}]))
    assert row["evolved_instruction"] == "Sing in detail in detail"
    calls = row[METADATA_COLUMN]["raw_input_evol"]
    assert len(calls) == 4  # two rounds, each eliminated once then kept
    assert calls[0][-1]["content"] != calls[1][-1]["content"]  # another mutation
    assert calls[0][-1]["content"].endswith("\nPrompt: Sing")
    assert calls[1][-1]["content"].endswith("\nPrompt: Sing")
    once = EvolInstruct(name="evol", llm=CopiesOnce(seen=[]), num_evolutions=1,
                        attempts_per_round=1)
    once.load()
    (failed,) = next(once.process([{"instruction": "Sing"}]))
    assert failed["evolved_instruction"] is None
    assert "copies the wording" in failed[METADATA_COLUMN]["error_evol"]


def test_a_missing_instruction_fails_its_row_before_any_call() -> None:
    task = EvolInstruct(name="evol", llm=Rewriter(), num_evolutions=1)
    task.load()
    rows = next(task.process([{"instruction": "ok"}, {"instruction": ""}]))
    assert rows[0]["evolved_instruction"] == "ok in detail"
    assert "column 'instruction' is missing" in rows[1][METADATA_COLUMN]["error_evol"]


def test_the_generator_makes_num_instructions_rows_within_the_length_bounds() -> None:
    task = EvolInstructGenerator(
        name="gen", llm=Rewriter(), num_instructions=5, min_length=60, max_length=200,
        generate_answers=True, batch_size=2,
    )
    task.load()
    batches = list(task.process())
    rows = [row for batch, _ in batches for row in batch]
    assert [len(batch) for batch, _ in batches] == [2, 2, 1] and batches[-1][1]
    assert len(rows) == 5 and task.outputs == ["instruction", "answer", "model_name"]
    for row in rows:
        size = len(row["instruction"].encode())
        assert 60 <= size <= 200 and row["instruction"].startswith("Tell me about ")
        assert row["answer"] == f"answer to {row['instruction']}"
        assert set(row) == {"instruction", "answer", "model_name", METADATA_COLUMN}
    # the keywords differ between rows, and the same seed gives the same rows
    assert len({r["instruction"] for r in rows}) == 5
    again = EvolInstructGenerator(
        name="gen", llm=Rewriter(), num_instructions=5, min_length=60, max_length=200,
        generate_answers=True,
    )
    again.load()
    assert [r["instruction"] for r in next(again.process())[0]] == [
        r["instruction"] for r in rows
    ]


def test_the_generator_starts_afresh_when_an_instruction_grows_too_long() -> None:
    llm = Rewriter(grow=" and" + " more" * 19)  # 100 bytes a round: 30-50 -> 130-150 -> 230+
    task = EvolInstructGenerator(
        name="gen", llm=llm, num_instructions=1, min_length=170, max_length=180, max_rounds=6
    )
    task.load()
    (row,), _ = next(task.process())
    prompts = [c[-1]["content"] for c in row[METADATA_COLUMN]["raw_input_gen"]]
    assert sum("\nKeywords: " in p for p in prompts) >= 2  # restarted from new keywords
    error = row[METADATA_COLUMN]["error_gen"]
    assert "no instruction of 170 to 180 bytes after 6 rounds" in error
    assert row["instruction"] is None


def test_the_generator_checks_its_templates_and_bounds() -> None:
    with pytest.raises(ValueError, match="FRESH_START"):
        EvolInstructGenerator(llm=Rewriter(), num_instructions=1, mutation_templates={"X": "y"})
    with pytest.raises(ValueError, match="min_length"):
        EvolInstructGenerator(llm=Rewriter(), num_instructions=1, min_length=9, max_length=3)
    generator = EvolComplexityGenerator(llm=Rewriter(), num_instructions=1)
    assert "BREADTH" not in generator.mutation_templates
    assert "FRESH_START" in generator.mutation_templates


def test_evol_instruct_then_evol_quality_in_a_pipeline() -> None:
    with Pipeline(name="evol-then-quality") as pipeline:
        load = LoadDataFromDicts(data=[{"instruction": f"task {i}"} for i in range(4)])
        evol = EvolInstruct(
            name="evol", llm=Rewriter(), num_evolutions=1, generate_answers=True,
            output_mappings={"evolved_instruction": "instruction_evolved"},
        )
        quality = EvolQuality(
            name="quality", llm=Rewriter(), num_evolutions=1,
            input_mappings={"instruction": "instruction_evolved", "response": "answer"},
        )
        load >> evol >> quality
    distiset = pipeline.run(show_progress=False, use_cache=False)
    rows = distiset["quality"].to_list()
    assert sorted(r["instruction_evolved"] for r in rows) == [
        f"task {i} in detail" for i in range(4)
    ]
    assert all(r["evolved_response"].startswith("answer to Rewrite the response") for r in rows)


def test_evolutions_that_copy_the_request_or_change_nothing_are_eliminated() -> None:
    task = EvolInstruct(llm=Rewriter(), num_evolutions=1)
    assert task.read("## Rewritten prompt:\n**Name two rivers in Spain.**") == (
        "Name two rivers in Spain."
    )
    # answers SmolLM2-135M gave (tests/core/tasks/fixtures/answers.json)
    for copied in (
        'The original prompt is: "Do not change the original prompt."',
        "The new prompt: Write only the new prompt.",
        "The new prompt is: \"Do not explain what I changed.\"",
    ):
        with pytest.raises(MalformedOutputError, match="copies the wording"):
            task.read(copied, "Write an email asking for a day off.")
    with pytest.raises(MalformedOutputError, match="change to the instruction"):
        task.read("What causes the seasons on Earth", "What causes the seasons on Earth?")
