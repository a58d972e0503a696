"""The judge tasks: their columns, prompts, structured output and typed, range-checked
verdicts (a bad verdict fails its row, never the batch)."""

from __future__ import annotations

import pytest
from task_test_llms import Replay

from distilabel.llms._structured import StructuredOutput
from distilabel.steps.tasks import (
    CLAIR,
    METADATA_COLUMN,
    ComplexityScorer,
    PrometheusEval,
    QualityScorer,
    UltraFeedback,
)
from distilabel.steps.tasks._parsing import MalformedOutputError


def scripted(*answers: str) -> Replay:
    return Replay(answers=list(answers))


PAIR = {"instruction": "What is 2 + 2?", "generations": ["4", "5"]}


# -- UltraFeedback ---------------------------------------------------------------------


def test_ultrafeedback_columns_follow_the_aspect_as_in_1x() -> None:
    llm = scripted()
    assert UltraFeedback(llm=llm).outputs == ["ratings", "rationales", "model_name"]
    for aspect in ("honesty", "instruction-following", "overall-rating"):
        assert UltraFeedback(llm=llm, aspect=aspect).outputs[:2] == ["ratings", "rationales"]
    for aspect in ("helpfulness", "truthfulness"):
        assert UltraFeedback(llm=llm, aspect=aspect).outputs == [
            "types", "rationales", "ratings", "rationales-for-ratings", "model_name"
        ]
    with pytest.raises(ValueError, match="aspect"):
        UltraFeedback(llm=llm, aspect="politeness")


def test_ultrafeedback_rates_every_generation_with_ints() -> None:
    task = UltraFeedback(name="uf", llm=scripted(
        "Text 1\nRating: 5\nRationale: Correct.\n\nText 2\n**Rating:** 1/5\nRationale: Wrong."
    ))
    task.load()
    (row,) = next(task.process([PAIR]))
    assert row["ratings"] == [5, 1]
    assert all(type(r) is int for r in row["ratings"])
    assert row["rationales"] == ["Correct.", "Wrong."]
    prompt = row[METADATA_COLUMN]["raw_input_uf"][-1]["content"]
    assert "<text 2>\n5\n</text 2>" in prompt and "Overall quality" in prompt


def test_ultrafeedback_typed_aspect_reads_types_and_both_rationales() -> None:
    task = UltraFeedback(llm=scripted(), aspect="truthfulness")
    answer = (
        "#### Output for Text 1\nType: None\nRationale: Nothing invented.\nRating: 5\n"
        "Rationale: Accurate.\n#### Output for Text 2\nType: 1, 3\n"
        "Type rationale: Wrong arithmetic.\nRating: 2\nRating rationale: Mostly invented."
    )
    assert task.format_output(answer, PAIR) == {
        "types": [None, 1],
        "rationales": ["Nothing invented.", "Wrong arithmetic."],
        "ratings": [5, 2],
        "rationales-for-ratings": ["Accurate.", "Mostly invented."],
    }
    with pytest.raises(MalformedOutputError, match="type of text 1"):
        task.format_output("Text 1\nType: 4\nRationale: a\nRating: 3\nRationale: b", PAIR)
    with pytest.raises(MalformedOutputError, match="type of text 1"):
        task.format_output("Text 1\nRating: 3\nRationale: b\nText 2\nType: 1\nRating: 2", PAIR)


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("Text 1\nRating: 6\nRationale: a\nText 2\nRating: 1\nRationale: b", "scale 1-5"),
        ("Text 1\nRating: 4.5\nRationale: a\nText 2\nRating: 1\nRationale: b", "scale 1-5"),
        ("Text 1\nRating: 8/10\nRationale: a\nText 2\nRating: 1\nRationale: b", "scale 1-5"),
        ("Text 1\nRating: 4\nRationale: a", "block for text 2"),
        ("Text 1\nRationale: a\nText 2\nRating: 1\nRationale: b", "rating of text 1"),
        ("Text 1\nRating: 4\nText 2\nRating: 1\nRationale: b", "rationale of text 1"),
        ('{"texts": [{"rating": 4, "rationale": "a"}]}', "each of the 2 texts"),
        ('{"texts": [{"rating": 9, "rationale": "a"}, {"rating": 1, "rationale": "b"}]}',
         "scale 1-5"),
    ],
)
def test_ultrafeedback_missing_or_off_scale_ratings_fail_the_row(answer: str, problem: str) -> None:
    task = UltraFeedback(llm=scripted())
    with pytest.raises(MalformedOutputError, match=problem):
        task.format_output(answer, PAIR)


def test_a_bad_verdict_fails_its_row_and_keeps_the_raw_answer() -> None:
    good = "Text 1\nRating: 4\nRationale: Fine.\nText 2\nRating: 2\nRationale: Weak."
    bad = "Text 1\nRating: 9\nRationale: Too generous."
    task = UltraFeedback(name="uf", llm=scripted(good, bad, good))
    task.load()
    rows = next(task.process([PAIR, PAIR, PAIR]))
    assert [r["ratings"] for r in rows] == [[4, 2], None, [4, 2]]
    assert rows[1]["rationales"] is None
    meta = rows[1][METADATA_COLUMN]
    assert meta["raw_output_uf"] == bad
    assert meta["error_uf"].startswith("MalformedOutputError: UltraFeedback:")
    assert "on the scale 1-5 (it gave '9')" in meta["error_uf"]


def test_ultrafeedback_rejects_rows_without_generations_before_calling_the_llm() -> None:
    llm = scripted("never used")
    task = UltraFeedback(name="uf", llm=llm)
    task.load()
    (row,) = next(task.process([{"instruction": "Hi", "generations": ["ok", ""]}]))
    assert row["ratings"] is None
    assert "column 'generations' must be a non-empty list" in row[METADATA_COLUMN]["error_uf"]
    assert llm.seen == []


def test_ultrafeedback_structured_output_asks_one_object_per_generation() -> None:
    llm = scripted('{"texts": [{"rating": 5, "rationale": "Right."},'
                   ' {"rating": 1, "rationale": "Wrong."}]}')
    task = UltraFeedback(llm=llm, use_default_structured_output=True)
    task.load()
    (row,) = next(task.process([PAIR]))
    assert row["ratings"] == [5, 1] and row["rationales"] == ["Right.", "Wrong."]
    (_, request) = llm.seen[0]
    spec = StructuredOutput.of(request)
    assert spec is not None and spec.json_schema is not None
    texts = spec.json_schema["properties"]["texts"]
    assert texts["minItems"] == texts["maxItems"] == 2
    assert texts["items"]["properties"]["rating"]["enum"] == [1, 2, 3, 4, 5]
    assert task.get_structured_output()["schema"]["properties"]["texts"].get("minItems") is None


# -- PrometheusEval --------------------------------------------------------------------


def test_prometheus_inputs_follow_mode_and_reference() -> None:
    llm = scripted()
    assert PrometheusEval(llm=llm, mode="absolute", rubric="helpfulness").inputs == [
        "instruction", "generation"
    ]
    assert PrometheusEval(llm=llm, mode="relative", rubric="reasoning", reference=True).inputs == [
        "instruction", "generations", "reference"
    ]
    assert PrometheusEval(llm=llm, mode="absolute", rubric="honesty").outputs == [
        "feedback", "result", "model_name"
    ]


def test_prometheus_knows_1x_rubric_names_and_checks_custom_ones() -> None:
    llm = scripted()
    for name in ("helpfulness", "harmlessness", "honesty", "factual-validity", "reasoning"):
        PrometheusEval(llm=llm, mode="absolute", rubric=name)
    custom = "[Is it polite?]\n" + "\n".join(f"Score {n}: level {n}" for n in range(1, 6))
    task = PrometheusEval(llm=llm, mode="absolute", rubric="polite", rubrics={"polite": custom})
    prompt = task.format_input({"instruction": "Hi", "generation": "Hello"})[-1]["content"]
    assert "[Is it polite?]" in prompt
    with pytest.raises(ValueError, match=r"unknown rubric 'politeness'.*factual-validity"):
        PrometheusEval(llm=llm, mode="absolute", rubric="politeness")
    with pytest.raises(ValueError, match="rubric 'short' does not have the rubric shape"):
        PrometheusEval(llm=llm, mode="absolute", rubric="short", rubrics={"short": "Be nice."})


def test_prometheus_absolute_reads_feedback_and_a_score() -> None:
    task = PrometheusEval(llm=scripted(), mode="absolute", rubric="helpfulness")
    assert task.format_output("Feedback: Correct but terse. [RESULT] 4") == {
        "feedback": "Correct but terse.", "result": 4
    }
    assert task.format_output("It is right.\n\n[RESULT]: (5)") == {
        "feedback": "It is right.", "result": 5
    }
    assert task.format_output("The answer helps.\n**Score:** 3") == {
        "feedback": "The answer helps.", "result": 3
    }
    with pytest.raises(MalformedOutputError, match="scale 1-5"):
        task.format_output("Feedback: Generous. [RESULT] 10")
    with pytest.raises(MalformedOutputError, match="feedback"):
        task.format_output("[RESULT] 3")
    with pytest.raises(MalformedOutputError, match="verdict"):
        task.format_output("Feedback: I like it a lot.")


def test_prometheus_relative_picks_a_or_b() -> None:
    task = PrometheusEval(llm=scripted(), mode="relative", rubric="honesty")
    assert task.format_output("Feedback: B admits doubt. [RESULT] B")["result"] == "B"
    assert task.format_output("Feedback: A is right. [RESULT] Response A")["result"] == "A"
    with pytest.raises(MalformedOutputError, match="A or B"):
        task.format_output("Feedback: Both are fine. [RESULT] Tie")
    task.load()
    rows = next(task.process([{"instruction": "Hi", "generations": ["one"]}]))
    assert "exactly 2" in rows[0][METADATA_COLUMN][f"error_{task.name}"]


def test_prometheus_reference_goes_into_the_prompt() -> None:
    task = PrometheusEval(llm=scripted(), mode="absolute", rubric="reasoning", reference=True)
    prompt = task.format_input(
        {"instruction": "2+2?", "generation": "5", "reference": "4"}
    )[-1]["content"]
    assert "## Reference answer" in prompt and "\n4\n" in prompt
    with pytest.raises(ValueError, match="'reference'"):
        task.format_input({"instruction": "2+2?", "generation": "5"})


def test_prometheus_structured_output_is_feedback_then_an_enum() -> None:
    task = PrometheusEval(llm=scripted(), mode="relative", rubric="honesty")
    schema = task.get_structured_output()["schema"]
    assert list(schema["properties"]) == ["feedback", "result"]
    assert schema["properties"]["result"]["enum"] == ["A", "B"]
    assert task.format_output('{"feedback": "A is honest.", "result": "A"}') == {
        "feedback": "A is honest.", "result": "A"
    }


# -- Deita scorers ---------------------------------------------------------------------


def test_quality_scorer_scores_each_response_1_to_6() -> None:
    row = {"instruction": "Boil an egg?", "responses": ["Eggs.", "Boil 8 min.", "Fry it."]}
    task = QualityScorer(llm=scripted())
    assert task.inputs == ["instruction", "responses"]
    assert task.outputs == ["scores", "model_name"]
    answer = "[Response 1] Score: 1\n[Response 2] Score: 6\n[Response 3] Score: 2"
    assert task.format_output(answer, row) == {"scores": [1, 6, 2]}
    assert task.format_output('{"scores": [2, 5, 3]}', row) == {"scores": [2, 5, 3]}
    with pytest.raises(MalformedOutputError, match="scale 1-6"):
        task.format_output("[Response 1] Score: 1\n[Response 2] Score: 7\n[Response 3] 2", row)
    with pytest.raises(MalformedOutputError, match="score for item 3"):
        task.format_output("[Response 1] Score: 1\n[Response 2] Score: 5", row)


def test_complexity_scorer_scores_each_instruction() -> None:
    row = {"instructions": ["Name a fruit.", "Compare three fruits' vitamins."]}
    llm = scripted("[1] Score: 1\n[2] Score: 4")
    task = ComplexityScorer(name="cx", llm=llm, use_default_structured_output=False)
    assert task.inputs == ["instructions"]
    task.load()
    (out,) = next(task.process([row]))
    assert out["scores"] == [1, 4]
    assert "[2] Compare three fruits' vitamins." in llm.seen[0][-1]["content"]
    structured = ComplexityScorer(llm=scripted(), use_default_structured_output=True)
    (_, request) = structured.format_row(row)  # type: ignore[misc]
    array = request["schema"]["properties"]["scores"]
    assert (array["minItems"], array["maxItems"]) == (2, 2)
    assert array["items"]["enum"] == [1, 2, 3, 4, 5, 6]


# -- CLAIR -----------------------------------------------------------------------------


def test_clair_reads_reasoning_and_revision_in_1x_columns() -> None:
    task = CLAIR(llm=scripted())
    assert task.inputs == ["task", "student_solution"]
    assert task.outputs == ["revision", "rational", "model_name"]
    assert task.format_output("Reasoning: Units are missing.\nRevision: It is 5 m.") == {
        "revision": "It is 5 m.", "rational": "Units are missing."
    }
    # The identifiers the CLAIR paper's prompt (and distilabel 1.x) asked for.
    assert task.format_output(
        "{teacher_reasoning}: Too vague.\n\n{corrected_student_solution}:\nParis is the capital."
    ) == {"revision": "Paris is the capital.", "rational": "Too vague."}
    assert task.format_output("**Reasoning:**\nShort.\n\n## Improved answer\nBetter.") == {
        "revision": "Better.", "rational": "Short."
    }
    with pytest.raises(MalformedOutputError, match="revision"):
        task.format_output("Reasoning: it is fine as it is.")
    with pytest.raises(MalformedOutputError, match="reasoning"):
        task.format_output("Revision: Paris.")


def test_clair_system_prompt_can_be_replaced_or_dropped() -> None:
    row = {"task": "Capital of France?", "student_solution": "Lyon."}
    default = CLAIR(llm=scripted()).format_input(row)
    assert [m["role"] for m in default] == ["system", "user"]
    assert "Lyon." in default[-1]["content"] and "Capital of France?" in default[-1]["content"]
    own = CLAIR(llm=scripted(), system_prompt="Be a strict teacher.").format_input(row)
    assert own[0] == {"role": "system", "content": "Be a strict teacher."}
    assert [m["role"] for m in CLAIR(llm=scripted(), system_prompt=None).format_input(row)] == [
        "user"
    ]


def test_judges_import_from_their_1x_modules() -> None:
    from distilabel.steps.tasks.clair import CLAIR as C
    from distilabel.steps.tasks.complexity_scorer import ComplexityScorer as X
    from distilabel.steps.tasks.prometheus_eval import PrometheusEval as P
    from distilabel.steps.tasks.quality_scorer import QualityScorer as Q
    from distilabel.steps.tasks.ultrafeedback import UltraFeedback as U

    assert (C, X, P) == (CLAIR, ComplexityScorer, PrometheusEval)
    assert (Q, U) == (QualityScorer, UltraFeedback)


def test_the_default_prometheus_rubrics_are_exported_with_the_tasks() -> None:
    from distilabel.steps.tasks import PROMETHEUS_RUBRICS
    from distilabel.steps.tasks.prometheus_eval import PROMETHEUS_RUBRICS as defaults

    assert PROMETHEUS_RUBRICS is defaults
    assert set(PROMETHEUS_RUBRICS) == {
        "helpfulness", "harmlessness", "honesty", "factual-validity", "reasoning",
    }
    task = PrometheusEval(llm=scripted(), mode="absolute", rubric="honesty")
    assert task.rubrics == PROMETHEUS_RUBRICS and task.rubrics is not PROMETHEUS_RUBRICS
