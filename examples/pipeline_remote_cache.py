"""A pipeline whose run directory is an fsspec URL instead of a local path.

Run it: ``python examples/pipeline_remote_cache.py [URL]``. With no URL it uses a
``file://`` URL of a temporary directory; give ``s3://my-bucket/distilabel`` (with
``pip install s3fs`` and the usual ``AWS_*`` credentials), ``gs://...`` (gcsfs) or any
other fsspec URL to keep the progress there, where every machine (and every Ray node)
can reach it. The second run finds every batch committed and processes nothing.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts, StepInput, StepOutput, step

PROCESSED: list[int] = []


@step(inputs=["text"], outputs=["upper"])
def Upper(inputs: StepInput) -> StepOutput:
    """Upper-case ``text`` (and count the rows it really processed)."""
    PROCESSED.append(len(inputs))
    yield [{**row, "upper": row["text"].upper()} for row in inputs]


@step(inputs=["text"], outputs=["rows"], step_type="global")
def CountRows(inputs: StepInput) -> StepOutput:
    """Count every row (a global step: its output is committed all at once)."""
    yield [{"rows": len(inputs)}]


def build(cache_dir: str) -> Pipeline:
    words = ["fox", "dog", "cat", "owl", "elk"]
    with Pipeline(name="remote-cache", cache_dir=cache_dir) as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"text": w} for w in words], batch_size=2)
        upper = Upper(name="upper", input_batch_size=2)
        load >> [upper, CountRows(name="count")]
    return pipeline


def main(cache_dir: str) -> None:
    pipeline = build(cache_dir)
    distiset = pipeline.run(show_progress=False)
    print("run directory on", str(pipeline.run_dir).split("://")[0])
    print([row["upper"] for row in distiset["upper"]])
    print(distiset["count"].to_list())
    print(f"first run processed {sum(PROCESSED)} rows")
    PROCESSED.clear()
    again = build(cache_dir).run(show_progress=False)
    assert again["upper"].to_list() == distiset["upper"].to_list()
    print(f"second run processed {sum(PROCESSED)} rows")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1])
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(Path(tmp).as_uri())
