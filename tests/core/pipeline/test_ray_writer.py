"""The Ray engine's run writer (plain code, no Ray): hosted loaders, resume, closing."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from distilabel.pipeline.ray._writer import RunWriter
from distilabel.pipeline.storage._store import StepStore
from distilabel.steps import GeneratorStep
from distilabel.steps.typing import GeneratorStepOutput


class Counting(GeneratorStep):
    """``count`` rows in batches of 4; ``gate`` (when set) blocks the batch at row 8."""

    count: int = 10
    loads: int = 0
    unloads: int = 0

    @property
    def outputs(self) -> list[str]:
        return ["id"]

    def load(self) -> None:
        super().load()
        self.loads += 1

    def unload(self) -> None:
        self.unloads += 1

    def process(self, offset: int = 0) -> GeneratorStepOutput:  # type: ignore[override]
        for start in range(offset, self.count, 4):
            if start == 8 and _GATE.get("wait") is not None:
                _GATE["wait"].wait(10)
            stop = min(start + 4, self.count)
            yield [{"id": i} for i in range(start, stop)], stop == self.count


_GATE: dict[str, threading.Event] = {}


def _store(path: Path) -> StepStore:
    store = StepStore(path, "sig")
    store.open(reset=False)
    return store


def test_a_hosted_loader_commits_each_batch_and_resumes_after_them(tmp_path: Path) -> None:
    folder = tmp_path / "load"
    _store(folder).close()
    writer = RunWriter()
    writer.adopt("load", _store(folder))
    step = Counting(name="load")
    writer.host("load", step)
    meta, rows = writer.generate("load")
    assert meta == (4, False, False) and [r["id"] for r in rows] == [0, 1, 2, 3]
    writer.generate("load")
    writer.close()  # as when a run fails after two batches
    deadline = time.monotonic() + 5
    while step.unloads == 0 and time.monotonic() < deadline:  # unloaded without waiting
        time.sleep(0.01)
    assert step.unloads == 1
    store = _store(folder)
    assert store.committed_rows == 8 and store.consumed == {"offset": 8}
    store.close()

    again = RunWriter()
    again.adopt("load", _store(folder))
    step = Counting(name="load")
    again.host("load", step)
    meta, rows = again.generate("load")
    assert meta == (2, True, False) and [r["id"] for r in rows] == [8, 9]
    again.mark_done("load")
    assert again.release("load") is None and step.unloads == 1
    store = _store(folder)
    assert store.done and [r["id"] for b in store.iter_batches() for r in b] == list(range(10))
    store.close()


def test_closing_does_not_wait_for_a_stuck_loader(tmp_path: Path) -> None:
    folder = tmp_path / "load"
    _store(folder).close()
    writer = RunWriter()
    writer.adopt("load", _store(folder))
    writer.host("load", Counting(name="load"))
    writer.generate("load")
    writer.generate("load")
    _GATE["wait"] = threading.Event()
    try:
        late: list[BaseException] = []

        def pull() -> None:
            try:
                writer.generate("load")
            except RuntimeError as exc:
                late.append(exc)

        puller = threading.Thread(target=pull, daemon=True)
        puller.start()
        time.sleep(0.1)  # the pull is now blocked inside the generator
        start = time.perf_counter()
        writer.close()
        assert time.perf_counter() - start < 2
    finally:
        _GATE.pop("wait").set()
    puller.join(5)
    assert "closed: the run is stopping" in str(late[0])
    store = _store(folder)
    assert store.committed_rows == 8  # the batch pulled after closing was not committed
    store.close()


def test_a_failing_unload_is_reported_not_raised(tmp_path: Path) -> None:
    folder = tmp_path / "load"
    _store(folder).close()

    class Failing(Counting):
        def unload(self) -> None:
            raise OSError("disk gone")

    writer = RunWriter()
    writer.adopt("load", _store(folder))
    writer.host("load", Failing(name="load"))
    writer.mark_done("load")
    assert writer.release("load") == "OSError: disk gone"
    writer.close()
