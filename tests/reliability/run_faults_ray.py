"""The run-level failure cases on the Ray engine, in a process of their own (a fresh
local Ray cluster, whose workers import this module from ``PYTHONPATH``).

The LLMs here live in Ray worker processes, so what they are asked is appended to a
file (``sent``), and the prompts they must fail are read from one (``failing``).

``python run_faults_ray.py SCENARIO DIR`` prints one JSON line with what happened.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, List

from distilabel.errors import FatalLLMError
from distilabel.llms import LLM, AsyncLLM
from distilabel.pipeline import Pipeline, StepFailedError
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration
from distilabel.steps.tasks.typing import ChatType

PROMPTS = [f"q{i}" for i in range(40)]


def _answer(sent: str, failing: str, prompt: str) -> list[str]:
    with open(sent, "a", encoding="utf-8") as fh:
        fh.write(prompt + "\n")
    bad = Path(failing).read_text().split() if os.path.exists(failing) else []
    if prompt in bad or "*" in bad:
        if "fatal" in bad:
            raise FatalLLMError("invalid key", llm="FileLLM", url="http://x/v1", status=401)
        raise RuntimeError(f"cannot answer {prompt}")
    return [f"answer to {prompt}"]


class FileAsyncLLM(AsyncLLM):
    sent: str
    failing: str

    @property
    def model_name(self) -> str:
        return "file-async"

    async def agenerate(self, input: ChatType, num_generations: int = 1) -> Any:
        return _answer(self.sent, self.failing, input[-1]["content"])


class FileLLM(LLM):
    sent: str
    failing: str

    @property
    def model_name(self) -> str:
        return "file-sync"

    def generate(self, inputs: List[ChatType], num_generations: int = 1) -> List[Any]:
        return [_answer(self.sent, self.failing, i[-1]["content"]) for i in inputs]


def build(kind: str, root: Path) -> Pipeline:
    llm_class = FileAsyncLLM if kind == "async" else FileLLM
    with Pipeline(name=f"ray-faults-{kind}", cache_dir=root / "cache") as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"instruction": p} for p in PROMPTS],
                                 batch_size=10)
        gen = TextGeneration(
            name="gen", input_batch_size=10,
            llm=llm_class(sent=str(root / "sent"), failing=str(root / "failing"),
                          **({"max_concurrency": 4} if kind == "async" else {})),
            resources={"replicas": 2},
        )
        load >> gen
    return pipeline


def sent(root: Path) -> list[str]:
    path = root / "sent"
    return path.read_text().split() if path.exists() else []


def retry(kind: str, root: Path) -> dict[str, Any]:
    (root / "failing").write_text("q3 q17 q18")
    first = build(kind, root).ray().run(show_progress=False)
    failed = [r["instruction"] for r in first["gen"] if r["generation"] is None]
    (root / "failing").write_text("")
    (root / "sent").write_text("")
    again = build(kind, root).ray().run(show_progress=False)
    return {
        "failed_first": failed,
        "sent_again": sorted(sent(root)),
        "rows": [r["generation"] for r in again["gen"]],
        "retried": again.summary.steps["gen"].retried,
    }


def fatal(kind: str, root: Path) -> dict[str, Any]:
    (root / "failing").write_text("fatal *")
    try:
        build(kind, root).ray().run(show_progress=False)
    except StepFailedError as exc:
        return {"error": str(exc), "sent": len(sent(root))}
    return {"error": None, "sent": len(sent(root))}


if __name__ == "__main__":
    import ray

    scenario, folder = sys.argv[1], Path(sys.argv[2])
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        results = {}
        for kind in ("async", "sync"):
            root = folder / f"{scenario}-{kind}"
            root.mkdir(parents=True)
            results[kind] = {"retry": retry, "fatal": fatal}[scenario](kind, root)
        print(json.dumps(results))
    finally:
        ray.shutdown()
