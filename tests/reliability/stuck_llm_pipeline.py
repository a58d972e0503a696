"""A script whose synchronous LLM gets stuck in ``generate()`` on the second batch
(``load >> gen``, 30 rows, batches of 10), for the Ctrl-C tests: run it as
``python stuck_llm_pipeline.py MARK [--unstuck]``. It writes MARK when it is stuck and
prints ``SENT <n>`` / ``RETURNED complete=<bool> rows=<n>`` when ``run()`` returns;
``--unstuck`` answers every row."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from typing import Any, List

# As in a terminal, whatever the shell that started the tests did to SIGINT.
signal.signal(signal.SIGINT, signal.default_int_handler)

from distilabel.llms import LLM  # noqa: E402
from distilabel.pipeline import Pipeline  # noqa: E402
from distilabel.steps import LoadDataFromDicts  # noqa: E402
from distilabel.steps.tasks import TextGeneration  # noqa: E402

MARK = Path(sys.argv[1])
UNSTUCK = "--unstuck" in sys.argv
SENT: List[str] = []


class StuckLLM(LLM):
    """Answers at once, except a batch holding 'row 10': that call never returns."""

    @property
    def model_name(self) -> str:
        return "stuck"

    def generate(self, inputs: List[Any], num_generations: int = 1) -> List[Any]:
        prompts = [i[-1]["content"] for i in inputs]
        SENT.extend(prompts)
        if "row 10" in prompts and not UNSTUCK:
            MARK.write_text("stuck")
            threading.Event().wait()
        return [[f"answer to {p}"] for p in prompts]


with Pipeline(name="stuck") as pipeline:
    load = LoadDataFromDicts(
        name="load", data=[{"instruction": f"row {i}"} for i in range(30)], batch_size=10
    )
    load >> TextGeneration(name="gen", llm=StuckLLM(), input_batch_size=10)

distiset = pipeline.run(show_progress=False)
print(f"SENT {len(SENT)}", flush=True)
print(f"RETURNED complete={distiset.complete} rows={len(distiset['gen'].to_list())}", flush=True)
