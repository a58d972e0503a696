"""One local Ray cluster (a head with 2 CPUs on loopback) shared by the session's Ray
tests, and a fresh cache directory per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parents[2] / "examples"


@pytest.fixture(scope="session")
def ray_address() -> Iterator[str]:
    """Start the cluster; yield its address (for subprocesses: ``RAY_ADDRESS``)."""
    # Loopback only (read when Ray is imported), no usage reports; workers import the
    # test helpers and the examples.
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(HERE), str(EXAMPLES), os.environ.get("PYTHONPATH", "")) if p
    )
    ray = pytest.importorskip("ray", reason="the Ray engine needs `pip install ray`")
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cache"
    monkeypatch.setenv("DISTILABEL_CACHE_DIR", str(path))
    return path
