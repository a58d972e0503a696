"""The four ways to write a task (docs/writing-tasks.md), in one pipeline.

A toy LLM stands in for a real one so the example runs anywhere in a second: it answers
with the last message upper-cased. Swap in ``LlamaCppLLM``, ``TransformersLLM`` or
``OpenAILLM`` and nothing else changes.
"""

from __future__ import annotations

from typing import Any, Optional

from distilabel.llms import AsyncLLM
from distilabel.pipeline import Pipeline
from distilabel.steps.tasks import GeneratorTask, GlobalTask, LLMCalls, MultiCallTask, task


class ShoutLLM(AsyncLLM):
    @property
    def model_name(self) -> str:
        return "shout"

    async def agenerate(self, input: Any, num_generations: int = 1, **kwargs: Any) -> Any:
        return [input[-1]["content"].upper()] * num_generations


# 1. A generator task: no input rows, `num_rows` of them, `batch_size` at a time.
class Topics(GeneratorTask):
    @property
    def outputs(self) -> list[str]:
        return ["topic"]

    def seed_row(self, index: int) -> dict[str, Any]:
        return {"index": index}

    def format_input(self, input: dict[str, Any]) -> Any:
        return [{"role": "user", "content": f"topic {input['index']}"}]

    def format_output(self, output: Optional[str], input: Any = None) -> dict[str, Any]:
        return {"topic": output}


# 2. The @task decorator: a prompt template (the docstring) and an output function.
@task(inputs=["topic"], outputs=["question"])
def AskQuestion(output: Optional[str], input: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """
    ---
    system_prompt: |
      You write one short question.
    user_message_template: |
      a question about {{ topic }}
    ---
    """
    return {"question": output}


# 3. A multi-call task: three calls per row, each one journaled.
class DraftAndRefine(MultiCallTask):
    @property
    def inputs(self) -> list[str]:
        return ["question"]

    @property
    def outputs(self) -> list[str]:
        return ["draft", "answer"]

    async def generate_row(self, row: dict[str, Any], llm: LLMCalls) -> dict[str, Any]:
        draft = await llm.text([{"role": "user", "content": f"answer: {row['question']}"}])
        critique = await llm.text([{"role": "user", "content": f"critique: {draft}"}])
        answer = await llm.text([{"role": "user", "content": f"improve: {critique}"}])
        return {"draft": draft, "answer": answer}


# 4. A global task: every row in one batch (here: the shortest answer wins).
class PickShortest(GlobalTask):
    @property
    def inputs(self) -> list[str]:
        return ["answer"]

    @property
    def outputs(self) -> list[str]:
        return ["verdict"]

    def process(self, inputs: Any) -> Any:  # type: ignore[override]
        shortest = min(inputs, key=lambda row: len(row["answer"]))
        yield self.process_rows([shortest])

    def format_input(self, input: dict[str, Any]) -> Any:
        return [{"role": "user", "content": f"best: {input['answer']}"}]

    def format_output(self, output: Optional[str], input: Any = None) -> dict[str, Any]:
        return {"verdict": output}


with Pipeline(name="writing-tasks") as pipeline:
    topics = Topics(name="topics", llm=ShoutLLM(), num_rows=3, batch_size=2)
    ask = AskQuestion(name="ask", llm=ShoutLLM())
    refine = DraftAndRefine(name="refine", llm=ShoutLLM())
    pick = PickShortest(name="pick", llm=ShoutLLM())
    topics >> ask >> refine >> pick

if __name__ == "__main__":
    distiset = pipeline.run(show_progress=False, use_cache=False)
    [row] = distiset["pick"].to_list()
    print(row["topic"], "|", row["question"], "|", row["answer"])
    print(row["distilabel_metadata"]["statistics_refine"])
    print(row["verdict"])
