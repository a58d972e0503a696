"""Every pipeline test gets its own cache directory and fresh LLM call counters; the
crash-bar tests get a counting server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pipeline_test_llms
import pytest
from http_counting_server import CountingServer


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "cache"
    monkeypatch.setenv("DISTILABEL_CACHE_DIR", str(path))
    pipeline_test_llms.reset()
    yield path


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[CountingServer]:
    """A counting server that holds every request after the test module's
    ``HOLD_AFTER`` answers (the crash-bar tests: ``kill_rerun``)."""
    srv = CountingServer(hold_after=request.module.HOLD_AFTER).start()
    yield srv
    srv.stop()
