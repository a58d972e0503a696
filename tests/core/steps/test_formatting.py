"""The SFT and DPO formatters: 1.x columns, the best and worst rated answers, bad rows kept."""

from __future__ import annotations

import hashlib

from distilabel.pipeline import Pipeline
from distilabel.steps import (
    FormatChatGenerationDPO,
    FormatChatGenerationSFT,
    FormatTextGenerationDPO,
    FormatTextGenerationSFT,
    LoadDataFromDicts,
)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_text_sft_in_a_pipeline_writes_prompt_id_and_messages() -> None:
    with Pipeline(name="sft") as pipeline:
        load = LoadDataFromDicts(data=[
            {"instruction": "Name a colour.", "generation": "Blue.", "system_prompt": "Be brief."},
            {"instruction": "Say hi.", "generation": "Hi."},
        ])
        load >> FormatTextGenerationSFT(name="sft")
    rows = pipeline.run(use_cache=False)["sft"].to_list()
    assert rows[0]["prompt"] == "Name a colour." and rows[0]["prompt_id"] == sha("Name a colour.")
    assert rows[0]["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Name a colour."},
        {"role": "assistant", "content": "Blue."},
    ]
    assert rows[1]["messages"] == [
        {"role": "user", "content": "Say hi."}, {"role": "assistant", "content": "Hi."}]


def test_text_sft_keeps_a_failed_generation_as_no_messages() -> None:
    (rows,) = FormatTextGenerationSFT().process([{"instruction": "q", "generation": None}])
    assert rows == [{"instruction": "q", "generation": None, "prompt": "q",
                     "prompt_id": sha("q"), "messages": None}]


def test_chat_sft_appends_the_answer_and_takes_the_last_user_turn_as_prompt() -> None:
    conversation = [
        {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "And now?"},
    ]
    (rows,) = FormatChatGenerationSFT().process(
        [{"messages": conversation, "generation": "Now this."}])
    assert rows[0]["prompt"] == "And now?" and rows[0]["prompt_id"] == sha("And now?")
    assert rows[0]["messages"] == [*conversation, {"role": "assistant", "content": "Now this."}]
    assert len(conversation) == 3  # the input conversation is not changed in place


def test_text_dpo_chooses_the_best_and_rejects_the_worst_rated_answer() -> None:
    row = {
        "system_prompt": "Be kind.", "instruction": "Greet me.",
        "generations": ["Hey.", "Good morning to you!", "Go away."],
        "generation_models": ["m-a", "m-b", "m-c"], "ratings": [3, 5, 1],
    }
    (rows,) = FormatTextGenerationDPO().process([row])
    out = rows[0]
    head = [{"role": "system", "content": "Be kind."}, {"role": "user", "content": "Greet me."}]
    assert out["prompt"] == "Greet me." and out["prompt_id"] == sha("Greet me.")
    assert out["chosen"] == [*head, {"role": "assistant", "content": "Good morning to you!"}]
    assert out["rejected"] == [*head, {"role": "assistant", "content": "Go away."}]
    assert (out["chosen_rating"], out["rejected_rating"]) == (5.0, 1.0)
    assert (out["chosen_model"], out["rejected_model"]) == ("m-b", "m-c")


def test_dpo_skips_unrated_or_failed_answers_and_keeps_a_row_without_a_pair() -> None:
    rows = [
        {"instruction": "a", "generations": ["x", None, "z"], "ratings": [None, 9, 2]},
        {"instruction": "b", "generations": ["x", "y"], "ratings": [None, 4]},
    ]
    (out,) = FormatTextGenerationDPO().process(rows)
    # "x" has no rating and the 9 belongs to a failed generation: no pair is left.
    assert out[0]["chosen"] is None and out[0]["rejected_rating"] is None
    assert out[1]["chosen"] is None and out[1]["prompt_id"] == sha("b")
    assert out[0]["chosen_model"] is None  # no generation_models column: no models


def test_dpo_with_equal_ratings_still_pairs_two_different_answers() -> None:
    (rows,) = FormatTextGenerationDPO().process(
        [{"instruction": "q", "generations": ["one", "two"], "ratings": [3, 3]}])
    assert rows[0]["chosen"][-1]["content"] == "one"
    assert rows[0]["rejected"][-1]["content"] == "two"


def test_chat_dpo_in_a_pipeline_builds_both_conversations() -> None:
    conversation = [{"role": "user", "content": "Pick a number."}]
    with Pipeline(name="chat-dpo") as pipeline:
        load = LoadDataFromDicts(data=[{
            "messages": conversation, "generations": ["7", "seven hundred"],
            "ratings": [2.5, 4.0],
        }])
        load >> FormatChatGenerationDPO(name="dpo")
    (row,) = pipeline.run(use_cache=False)["dpo"].to_list()
    assert row["prompt"] == "Pick a number."
    assert row["chosen"] == [*conversation, {"role": "assistant", "content": "seven hundred"}]
    assert row["rejected"] == [*conversation, {"role": "assistant", "content": "7"}]
    assert (row["chosen_rating"], row["rejected_rating"]) == (4.0, 2.5)


def test_formatters_declare_the_1x_columns() -> None:
    assert FormatTextGenerationSFT().outputs == ["prompt", "prompt_id", "messages"]
    assert FormatChatGenerationDPO().outputs == [
        "prompt", "prompt_id", "chosen", "chosen_model", "chosen_rating",
        "rejected", "rejected_model", "rejected_rating",
    ]
    assert FormatTextGenerationDPO().inputs == {
        "system_prompt": False, "instruction": True, "generations": True,
        "generation_models": False, "ratings": True,
    }


def test_the_1x_import_paths_resolve_to_the_same_classes() -> None:
    from distilabel.steps.formatting.dpo import FormatTextGenerationDPO as Dpo
    from distilabel.steps.formatting.sft import FormatChatGenerationSFT as Sft

    assert Dpo is FormatTextGenerationDPO and Sft is FormatChatGenerationSFT
