"""Two large local models that must never be in memory together: ``load_groups``.

Run it: ``python examples/pipeline_load_groups.py``. It needs only distilabel-core and
runs offline; ``BigModel`` stands for a local backend (``LlamaCppLLM``,
``TransformersLLM``) and prints when it is loaded and unloaded. With
``load_groups=[["draft"], ["polish"]]`` the pipeline runs ``load`` and ``draft``, unloads
the draft model, and only then loads the polishing model, which reads the drafts from
the run directory.
"""

from __future__ import annotations

from typing import Any, List

from pydantic import validate_call

from distilabel.llms import LLM
from distilabel.llms.typing import GenerateOutput
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration
from distilabel.steps.tasks.typing import ChatType


class BigModel(LLM):
    size: str

    @property
    def model_name(self) -> str:
        return f"big-{self.size}"

    def load(self) -> None:
        super().load()
        print(f"loaded {self.model_name}")

    def unload(self) -> None:
        print(f"unloaded {self.model_name}")
        super().unload()

    @validate_call
    def generate(
        self, inputs: List[ChatType], num_generations: int = 1, **kwargs: Any
    ) -> List[GenerateOutput]:
        return [[f"{i[-1]['content']} ({self.size})"] * num_generations for i in inputs]


with Pipeline(name="load-groups-example") as pipeline:
    load = LoadDataFromDicts(name="load", data=[{"instruction": "Name a colour."}] * 3)
    draft = TextGeneration(name="draft", llm=BigModel(size="7b"))
    polish = TextGeneration(
        name="polish", llm=BigModel(size="70b"), input_mappings={"instruction": "generation"}
    )
    load >> draft >> polish

if __name__ == "__main__":
    distiset = pipeline.run(
        load_groups=[["draft"], ["polish"]], use_cache=False, show_progress=False
    )
    print(distiset["polish"][0]["generation"])
