"""Watch a pipeline's progress: a live board on a terminal, lines in a pipe, a notebook
output in Jupyter, with log records shown above the board and saved in the run log.

Run it: ``python examples/pipeline_progress.py [--rows N] [--delay SECONDS]``. It needs
only distilabel-core and runs offline: a pretend LLM answers each row after a short
wait and reports token counts, and every 25th row fails (logged, kept as an error).
Pipe it (``python examples/pipeline_progress.py 2>&1 | cat``) to see the timestamped
lines CI logs get; ``DISTILABEL_PROGRESS_INTERVAL=1`` prints them every second.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from typing import Any, Optional

from pydantic import validate_call

from distilabel.llms import AsyncLLM
from distilabel.llms.typing import GenerateOutput
from distilabel.logging import get_logger
from distilabel.pipeline import Pipeline
from distilabel.steps import KeepColumns, LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration
from distilabel.steps.tasks.typing import ChatType

logger = get_logger("distilabel.examples.progress")


class SlowEchoLLM(AsyncLLM):
    """Answers after ``delay`` seconds, as a remote API would; row 25, 50... fail."""

    delay: float = 0.05

    @property
    def model_name(self) -> str:
        return "slow-echo"

    @validate_call
    async def agenerate(
        self, input: ChatType, num_generations: int = 1, **kwargs: Any
    ) -> GenerateOutput:
        await asyncio.sleep(self.delay)
        text = input[-1]["content"]
        if text.endswith(("25", "50", "75", "00")):
            raise RuntimeError(f"the pretend server refused {text!r}")
        words = len(text.split())
        return {
            "generations": [f"echo: {text}"] * num_generations,
            "statistics": {"input_tokens": [words] * num_generations,
                           "output_tokens": [words + 40] * num_generations},
        }


def build(rows: int, delay: float, cache_dir: str) -> Pipeline:
    with Pipeline(name="progress-demo", cache_dir=cache_dir) as pipeline:
        load = LoadDataFromDicts(
            name="load_instructions",
            data=[{"instruction": f"Say something about number {i}"} for i in range(1, rows + 1)],
            batch_size=20,
        )
        answer = TextGeneration(
            name="answer_with_a_slow_model", llm=SlowEchoLLM(delay=delay, max_concurrency=8),
            input_batch_size=20,
        )
        keep = KeepColumns(name="keep", columns=["instruction", "generation"])
        load >> answer >> keep
    return pipeline


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.05)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as cache_dir:
        logger.info("Running %d rows, %.2f s per request, 8 at a time.", args.rows, args.delay)
        distiset = build(args.rows, args.delay, cache_dir).run()
        rows = distiset["keep"]
        failed = sum(1 for row in rows if row["generation"] is None)
        print(f"{len(rows)} rows, {failed} failed")
        log = distiset.log_text() or ""
        print(f"run log: {log.count(' WARNING ')} warnings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
