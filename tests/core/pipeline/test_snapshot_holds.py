"""A returned ``Distiset`` stays readable while it is referenced, whatever later runs
prune, with the run directory on a path or on an fsspec URL (``memory://``,
``file://``); a hold ends when its process does."""

from __future__ import annotations

import gc
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import fsspec
import pytest

from distilabel.pipeline import Pipeline
from distilabel.pipeline._pipeline import _KEEP_SNAPSHOTS
from distilabel.steps import LoadDataFromDicts, StepInput, StepOutput, step

ROWS = [{"n": i} for i in range(30)]


@step(inputs=["n"], outputs=["square"])
def Square(inputs: StepInput) -> StepOutput:
    for row in inputs:
        row["square"] = row["n"] ** 2
    yield inputs


def build() -> Pipeline:
    with Pipeline(name="held") as pipeline:
        LoadDataFromDicts(name="load", data=ROWS, batch_size=7) >> Square(name="square")
    return pipeline


def snapshots(pipeline: Pipeline) -> list[str]:
    """The names of the pipeline's distiset snapshots, on a path or a URL."""
    run_dir = pipeline.run_dir
    if isinstance(run_dir, Path):
        return sorted(p.name for p in (run_dir / "distisets").iterdir())
    fs, root = fsspec.core.url_to_fs(f"{run_dir}/distisets")
    fs.invalidate_cache()
    return sorted(str(p).rstrip("/").rpartition("/")[2] for p in fs.ls(root, detail=False))


@pytest.fixture(params=["path", "memory", "file-url"])
def cache(request: pytest.FixtureRequest, tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``DISTILABEL_CACHE_DIR`` as a path, a ``memory://`` URL or a ``file://`` URL."""
    if request.param == "path":
        value = str(tmp_path / "cache")
    elif request.param == "file-url":
        value = (tmp_path / "cache").as_uri()
    else:
        value = f"memory://distilabel-holds-{uuid.uuid4().hex}"
    monkeypatch.setenv("DISTILABEL_CACHE_DIR", value)
    yield value
    if request.param == "memory":
        fsspec.filesystem("memory").rm(value[len("memory://"):], recursive=True)


def test_a_referenced_distiset_survives_later_runs_and_is_pruned_once_released(
    cache: str,
) -> None:
    first = build().run()
    expected = [{"n": i, "square": i * i} for i in range(30)]
    for _ in range(_KEEP_SNAPSHOTS + 2):  # more runs than snapshots are kept
        build().run(use_cache=False)
    assert first["default"].to_list() == expected
    assert first["default"][29] == {"n": 29, "square": 841}
    assert len(snapshots(build())) == _KEEP_SNAPSHOTS + 1  # the newest and the held one
    del first
    gc.collect()
    build().run(use_cache=False)
    assert len(snapshots(build())) == _KEEP_SNAPSHOTS  # released, so pruned


def test_a_url_snapshot_held_by_another_process_is_kept_until_that_process_dies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_url = (tmp_path / "cache").as_uri()
    monkeypatch.setenv("DISTILABEL_CACHE_DIR", cache_url)
    holder = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_snapshot_holds import build
        distiset = build().run(show_progress=False)
        print(distiset["default"].path, flush=True)
        sys.stdin.readline()
        print(len(distiset["default"].to_list()), flush=True)
    """)
    proc = subprocess.Popen(
        [sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True, env=dict(os.environ),
    )
    try:
        assert proc.stdout is not None and proc.stdin is not None
        held = proc.stdout.readline().strip().rsplit("/", 2)[-2]
        assert held, "the holder process printed no snapshot"
        for _ in range(_KEEP_SNAPSHOTS + 1):
            build().run(use_cache=False)
        assert held in snapshots(build())
        assert held == snapshots(build())[0]  # the oldest, kept only by the hold

        proc.stdin.write("\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "30"  # it still reads all its rows
        proc.stdin.close()
        proc.send_signal(signal.SIGKILL)  # dies without releasing: its marker stays
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    build().run(use_cache=False)
    assert held not in snapshots(build())  # a dead process's hold protects nothing


def test_a_hold_from_another_host_lasts_while_its_heartbeat_is_fresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distilabel.pipeline.storage._object_lock import TTL_SECONDS

    monkeypatch.setenv("DISTILABEL_CACHE_DIR", (tmp_path / "cache").as_uri())
    for _ in range(_KEEP_SNAPSHOTS):
        build().run(use_cache=False)
    oldest = snapshots(build())[0]
    pipeline = build()
    folder = Path(str(pipeline.run_dir)[len("file://"):]) / "distisets" / oldest
    marker = folder / ".held-by-4242-elsewhere"

    def other_host_holds(age: float) -> None:
        record = {"host": f"not-{socket.gethostname()}", "pid": 4242,
                  "heartbeat": time.time() - age}
        marker.write_text(json.dumps(record))

    other_host_holds(age=1.0)
    build().run(use_cache=False)
    assert oldest in snapshots(build())
    other_host_holds(age=TTL_SECONDS + 1)  # its renewals stopped: that process is gone
    build().run(use_cache=False)
    assert oldest not in snapshots(build())
