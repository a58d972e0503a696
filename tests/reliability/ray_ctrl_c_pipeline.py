"""A Ray run to interrupt, for the Ctrl-C tests: ``load >> gen`` (40 rows, batches of 5,
two replicas of a synchronous LLM). Rows 0-9 are answered at once; a batch with a later
row takes 1 s (``slow``) or never returns (``stuck``); ``unstuck`` answers every row.

``python ray_ctrl_c_pipeline.py DIR MODE``: the mode is written to ``DIR/mode``, where
the LLM reads it (so that the LLM, and the run's cache key, is the same in every mode);
each prompt the LLM is asked is appended to
``DIR/sent`` (the LLM runs in Ray worker processes), ``DIR/started`` appears when a batch
past row 9 starts, and ``RETURNED complete=<bool> rows=<n>`` is printed when ``run()``
returns. Ray starts a local cluster of its own, as ``pipeline.ray().run()`` does.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any, List

from distilabel.llms import LLM
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration
from distilabel.steps.tasks.typing import ChatType


class SlowLLM(LLM):
    """Appends what it is asked to ``root/sent``; slow or stuck past row 9 (``root/mode``)."""

    root: str

    @property
    def model_name(self) -> str:
        return "slow"

    def generate(self, inputs: List[ChatType], num_generations: int = 1) -> List[Any]:
        prompts = [str(i[-1]["content"]) for i in inputs]
        with open(os.path.join(self.root, "sent"), "a", encoding="utf-8") as fh:
            fh.write("".join(f"{p}\n" for p in prompts))
        mode = Path(self.root, "mode").read_text()
        if mode != "unstuck" and any(int(p.split()[1]) >= 10 for p in prompts):
            Path(self.root, "started").touch()
            if mode == "stuck":
                threading.Event().wait()
            time.sleep(1.0)
        return [[f"answer to {p}"] for p in prompts]


def main() -> None:
    root = Path(sys.argv[1])
    (root / "mode").write_text(sys.argv[2])
    with Pipeline(name="ray-ctrl-c", cache_dir=root / "cache") as pipeline:
        load = LoadDataFromDicts(
            name="load", data=[{"instruction": f"row {i}"} for i in range(40)], batch_size=5
        )
        load >> TextGeneration(
            name="gen", llm=SlowLLM(root=str(root)), input_batch_size=5,
            resources={"replicas": 2},
        )
    distiset = pipeline.ray(
        ray_init_kwargs={"num_cpus": 2, "include_dashboard": False}
    ).run(show_progress=False)
    rows = len(distiset["gen"].to_list())
    print(f"RETURNED complete={distiset.complete} rows={rows}", flush=True)


if __name__ == "__main__":
    # As in a terminal, whatever the shell that started the tests did to SIGINT.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    main()
