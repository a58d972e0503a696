"""Every pipeline test gets its own cache directory and fresh LLM call counters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pipeline_test_llms
import pytest


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "cache"
    monkeypatch.setenv("DISTILABEL_CACHE_DIR", str(path))
    pipeline_test_llms.reset()
    yield path
