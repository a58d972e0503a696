"""ChatGeneration: conversations in, the next assistant message out."""

from __future__ import annotations

import pytest
from task_test_llms import CustomLLM

from distilabel.steps.tasks import ChatGeneration


def test_chat_generation_answers_the_conversation() -> None:
    task = ChatGeneration(name="chat", llm=CustomLLM())
    task.load()
    messages = [
        {"role": "system", "content": "You are kind."},
        {"role": "user", "content": "hi there"},
        {"role": "assistant", "content": "hello"},
        {"role": "user", "content": "how are you"},
    ]
    (row,) = next(task.process([{"messages": messages}]))
    assert row["generation"] == "you are how"
    assert row["distilabel_metadata"]["raw_input_chat"] == messages
    assert task.outputs == ["generation", "model_name"]


@pytest.mark.parametrize(
    "messages, problem",
    [
        ("hello", "non-empty list"),
        ([], "non-empty list"),
        ([{"role": "robot", "content": "x"}], "message 0"),
        ([{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}],
         "last message must come from the user"),
    ],
)
def test_malformed_conversations_fail_only_their_row(messages: object, problem: str) -> None:
    task = ChatGeneration(name="chat", llm=CustomLLM())
    task.load()
    bad, good = next(task.process([{"messages": messages},
                                   {"messages": [{"role": "user", "content": "a b"}]}]))
    assert bad["generation"] is None and problem in bad["distilabel_metadata"]["error_chat"]
    assert good["generation"] == "b a"
