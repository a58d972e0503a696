"""TextGeneration used standalone, as the original docs show, with custom LLMs."""

from __future__ import annotations

import pytest
from task_test_llms import CustomAsyncLLM, CustomLLM

from distilabel.errors import LLMNotLoadedError
from distilabel.steps.tasks import TextGeneration


def test_docs_snippet_runs_standalone_with_a_sync_llm() -> None:
    llm = CustomLLM()
    task = TextGeneration(name="text_generation", llm=llm)
    task.load()
    result = next(task.process(inputs=[{"instruction": "hello big world"}]))
    assert result == [
        {
            "instruction": "hello big world",
            "generation": "world big hello",
            "model_name": "my-model",
            "distilabel_metadata": {
                "raw_output_text_generation": "world big hello",
                "raw_input_text_generation": [{"role": "user", "content": "hello big world"}],
            },
        }
    ]


def test_load_loads_the_llm_and_process_before_load_fails() -> None:
    task = TextGeneration(name="tg", llm=CustomLLM())
    with pytest.raises(LLMNotLoadedError, match="load"):
        next(task.process([{"instruction": "x"}]))
    task.load()
    assert task.llm.is_loaded
    task.unload()
    assert not task.llm.is_loaded


def test_async_llm_records_statistics_per_generation() -> None:
    task = TextGeneration(name="tg", llm=CustomAsyncLLM(), num_generations=2)
    task.load()
    rows = next(task.process([{"instruction": "two words"}]))
    task.unload()
    assert [r["generation"] for r in rows] == ["TWO WORDS #0", "TWO WORDS #1"]
    assert [r["distilabel_metadata"]["statistics_tg"] for r in rows] == [
        {"input_tokens": 2, "output_tokens": 2},
        {"input_tokens": 2, "output_tokens": 3},
    ]
    assert {r["model_name"] for r in rows} == {"my-async-model"}


def test_group_generations_keeps_one_row_with_lists() -> None:
    task = TextGeneration(name="tg", llm=CustomAsyncLLM(), num_generations=3,
                          group_generations=True)
    task.load()
    (row,) = next(task.process([{"instruction": "a"}]))
    task.unload()
    assert row["generation"] == ["A #0", "A #1", "A #2"]
    assert row["distilabel_metadata"]["raw_output_tg"] == ["A #0", "A #1", "A #2"]
    assert row["distilabel_metadata"]["statistics_tg"]["output_tokens"] == [1, 2, 3]


@pytest.mark.parametrize("llm_class", [CustomLLM, CustomAsyncLLM])
def test_a_failing_row_gets_none_and_its_error_and_the_batch_goes_on(llm_class: type) -> None:
    task = TextGeneration(name="tg", llm=llm_class())
    task.load()
    rows = next(task.process([{"instruction": "fine one"}, {"instruction": "boom now"},
                              {"instruction": "fine two"}]))
    task.unload()
    assert [r["generation"] is None for r in rows] == [False, True, False]
    assert rows[1]["distilabel_metadata"]["error_tg"] == "RuntimeError: the model exploded"
    assert "error_tg" not in rows[0]["distilabel_metadata"]


def test_a_row_missing_its_column_fails_alone_without_calling_the_llm() -> None:
    task = TextGeneration(name="tg", llm=CustomLLM())
    task.load()
    rows = next(task.process([{"instruction": "ok"}, {"other": 1}]))
    assert rows[0]["generation"] == "ok"
    assert rows[1]["generation"] is None
    assert "column 'instruction' is missing" in rows[1]["distilabel_metadata"]["error_tg"]


def test_system_prompt_field_and_column() -> None:
    task = TextGeneration(name="tg", llm=CustomLLM(), system_prompt="Be brief.")
    assert task.format_input({"instruction": "hi"}) == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "hi"},
    ]
    assert task.format_input({"instruction": "hi", "system_prompt": "Row wins."})[0] == {
        "role": "system", "content": "Row wins."}
    quiet = TextGeneration(name="tg2", llm=CustomLLM(), system_prompt="x", use_system_prompt=False)
    assert quiet.format_input({"instruction": "hi"}) == [{"role": "user", "content": "hi"}]


def test_template_with_named_columns() -> None:
    task = TextGeneration(
        name="tg", llm=CustomLLM(),
        template="Translate to {{ language }}:\n{{ text }}{% if note %} ({{ note }}){% endif %}",
        columns=["language", "text", "note"],
    )
    assert set(task.inputs) == {"language", "text", "note", "system_prompt"}
    message = task.format_input({"language": "French", "text": "Hello", "note": "formal"})
    assert message == [{"role": "user", "content": "Translate to French:\nHello (formal)"}]


def test_template_errors_name_the_problem() -> None:
    with pytest.raises(ValueError, match=r"\['tone'\] do not appear in the template"):
        TextGeneration(llm=CustomLLM(), template="{{ text }}", columns=["text", "tone"])
    with pytest.raises(ValueError, match=r"uses \['tone'\], which are not in `columns`"):
        TextGeneration(llm=CustomLLM(), template="{{ text }} {{ tone }}", columns=["text"])
    with pytest.raises(ValueError, match="Invalid Jinja2 template"):
        TextGeneration(llm=CustomLLM(), template="{{ text ", columns=["text"])


def test_raw_input_and_output_can_be_left_out() -> None:
    task = TextGeneration(name="tg", llm=CustomLLM(), add_raw_input=False, add_raw_output=False)
    task.load()
    (row,) = next(task.process([{"instruction": "a b"}]))
    assert row["distilabel_metadata"] == {}


def test_metadata_of_earlier_tasks_is_kept() -> None:
    first = TextGeneration(name="first", llm=CustomLLM())
    second = TextGeneration(name="second", llm=CustomLLM(),
                            input_mappings={"instruction": "generation"},
                            output_mappings={"generation": "second_generation"})
    first.load()
    second.load()
    rows = next(first.process([{"instruction": "one two"}]))
    (row,) = next(second.process_applying_mappings(rows))
    assert row["generation"] == "two one"
    assert row["second_generation"] == "one two"
    assert set(row["distilabel_metadata"]) == {
        "raw_output_first", "raw_input_first", "raw_output_second", "raw_input_second"}


def test_dump_round_trip_keeps_the_llm() -> None:
    task = TextGeneration(name="tg", llm=CustomAsyncLLM(max_concurrency=7), num_generations=2,
                          template="Q: {{ q }}", columns="q")
    data = task.dump()
    assert data["llm"]["type_info"] == {"module": "task_test_llms", "name": "CustomAsyncLLM"}
    assert data["type_info"] == {"module": "distilabel.steps.tasks", "name": "TextGeneration"}
    again = TextGeneration.from_dict(data)
    assert isinstance(again.llm, CustomAsyncLLM) and again.llm.max_concurrency == 7
    assert again.dump() == data
