"""Steps without an LLM: a file loader, a ``@step`` function, fan-out and fan-in,
a global step and column steps.

Run it: ``python examples/pipeline_steps.py``. It writes two small JSONL files to a
temporary directory, reads them back with a glob, and prints the resulting rows.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from distilabel.pipeline import Pipeline
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.steps import (
    CombineOutputs,
    ExpandColumns,
    KeepColumns,
    LoadDataFromFileSystem,
    StepInput,
    StepOutput,
    step,
)


@step(inputs=["text"], outputs=["words"])
def SplitWords(inputs: StepInput, lowercase: RuntimeParameter[bool] = False) -> StepOutput:
    """Split ``text`` into its words."""
    for row in inputs:
        text = row["text"].lower() if lowercase else row["text"]
        row["words"] = text.split()
    yield inputs


@step(inputs=["text"], outputs=["length"])
def Length(inputs: StepInput) -> StepOutput:
    """Count the characters of ``text``."""
    yield [{**row, "length": len(row["text"])} for row in inputs]


@step(inputs=["word"], outputs=["count"], step_type="global")
def CountWords(inputs: StepInput) -> StepOutput:
    """Count each word over the whole dataset (needs every row at once)."""
    counts: dict[str, int] = {}
    for row in inputs:
        counts[row["word"]] = counts.get(row["word"], 0) + 1
    yield [{"word": word, "count": n} for word, n in sorted(counts.items())]


def build(data_dir: Path) -> Pipeline:
    with Pipeline(name="pipeline-steps", description="Word statistics") as pipeline:
        load = LoadDataFromFileSystem(name="load", data_files=str(data_dir / "*.jsonl"))
        split = SplitWords(name="split")
        length = Length(name="length")
        combine = CombineOutputs(name="combine")
        expand = ExpandColumns(name="expand", columns={"words": "word"})
        count = CountWords(name="count")
        keep = KeepColumns(name="keep", columns=["text", "length"])
        load >> [split, length] >> combine >> [expand, keep]
        expand >> count
    return pipeline


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        (data_dir / "a.jsonl").write_text(json.dumps({"text": "The cat sat"}) + "\n")
        (data_dir / "b.jsonl").write_text(json.dumps({"text": "the Dog sat down"}) + "\n")
        pipeline = build(data_dir)
        distiset = pipeline.run(parameters={"split": {"lowercase": True}}, use_cache=False)
        print(distiset["keep"].to_list())
        print(distiset["count"].to_list())
