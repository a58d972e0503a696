"""The cache behind ``distilabel llms list``: served while nothing installed changes,
recomputed when something does, never kept for a listing with a broken plugin, and off
with ``DISTILABEL_PLUGIN_CACHE=0``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from distilabel.plugins._listing import cached_listing

GROUP = "distilabel.test-listing-cache"  # no entry points: the fingerprint sees the core


class Counting:
    def __init__(self, broken: bool = False) -> None:
        self.calls = 0
        self.broken = broken

    def __call__(self) -> dict[str, Any]:
        self.calls += 1
        broken = [{"plugin": "x", "error": "ImportError"}] if self.broken else []
        return {"models": [{"name": f"M{self.calls}"}], "broken": broken,
                "conflicts": [], "skipped": []}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DISTILABEL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DISTILABEL_PLUGIN_CACHE", raising=False)
    return tmp_path / "cache" / "plugins"


def test_served_from_the_cache_until_an_installed_directory_changes(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    compute = Counting()
    first = cached_listing("llms", GROUP, compute)
    assert cached_listing("llms", GROUP, compute) == first
    assert compute.calls == 1
    assert len(list(cache.glob("llms-*.json"))) == 1

    time.sleep(0.01)
    (site / "newly_installed.py").write_text("")  # an install changes its directory
    assert cached_listing("llms", GROUP, compute)["models"] == [{"name": "M2"}]
    assert compute.calls == 2
    assert len(list(cache.glob("llms-*.json"))) == 1, "the stale listing was kept"

    assert cached_listing("llms", GROUP, compute, refresh=True)["models"] == [{"name": "M3"}]


def test_a_listing_with_a_broken_plugin_is_not_cached(cache: Path) -> None:
    compute = Counting(broken=True)
    cached_listing("llms", GROUP, compute)
    cached_listing("llms", GROUP, compute)
    assert compute.calls == 2
    assert not cache.exists() or list(cache.glob("*.json")) == []


def test_turned_off_by_the_environment(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISTILABEL_PLUGIN_CACHE", "0")
    compute = Counting()
    cached_listing("llms", GROUP, compute)
    cached_listing("llms", GROUP, compute)
    assert compute.calls == 2


def test_an_unreadable_cache_file_is_recomputed(cache: Path) -> None:
    compute = Counting()
    cached_listing("llms", GROUP, compute)
    for path in cache.glob("llms-*.json"):
        path.write_text("{not json")
    assert cached_listing("llms", GROUP, compute)["models"] == [{"name": "M2"}]


def test_a_url_cache_directory_keeps_the_listing_on_this_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISTILABEL_CACHE_DIR", "s3://bucket/runs")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("DISTILABEL_PLUGIN_CACHE", raising=False)
    compute = Counting()
    cached_listing("llms", GROUP, compute)
    assert cached_listing("llms", GROUP, compute) == {
        "models": [{"name": "M1"}], "broken": [], "conflicts": [], "skipped": [],
    }
    assert compute.calls == 1
    assert len(list((tmp_path / ".cache" / "distilabel" / "plugins").glob("llms-*.json"))) == 1


def test_a_cached_listing_imports_neither_the_plugin_manager_nor_pluggy(cache: Path) -> None:
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from distilabel.cli._main import main\n"
        "main(['llms', 'list'])\n"
        "print(sorted(m for m in ('pluggy', 'distilabel.plugins._manager') if m in sys.modules))\n"
    )

    def imported() -> str:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=120, env=dict(os.environ), check=True)
        return out.stdout.strip().splitlines()[-1]

    assert imported() == "['distilabel.plugins._manager', 'pluggy']"  # discovers, then caches
    assert imported() == "[]"  # served from the cache
