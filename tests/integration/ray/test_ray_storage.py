"""The Ray engine with its run directory on an fsspec URL (``file://``): the replicas
write their journal straight to the URL, a failed run resumes from it without asking an
LLM again, and the rows are those of the local engine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ray_storage_pipelines import build, journal_objects, journaled_keys

from distilabel.errors import DistilabelUserError
from distilabel.pipeline import StepFailedError
from distilabel.pipeline.ray._run import RayPipeline


def asked(tmp: Path) -> list[str]:
    log = tmp / "asked.log"
    return log.read_text().split() if log.exists() else []


def test_replicas_journal_to_the_url_and_a_rerun_resumes_from_it(
    ray_address: str, tmp_path: Path
) -> None:
    cache = (tmp_path / "remote").as_uri()
    resources = {"generate": {"replicas": 2}}
    with pytest.raises(StepFailedError, match="stopping with answers journaled"):
        RayPipeline(build(cache, tmp_path), resources=resources).run(show_progress=False)

    # The journal objects were written by the replicas (one writer id each), to the URL.
    names = [Path(p).name for p in journal_objects(cache)]
    assert names and all(re.fullmatch(r"[0-9a-f]{16}-\d{9}\.jsonl", n) for n in names)
    journaled = journaled_keys(cache)
    assert {f"load:{i}" for i in (8, 9, 10, 11, 12, 14, 15)} <= journaled
    assert "load:13" not in journaled  # held at the gate

    (tmp_path / "gate").write_text("")
    first_run = asked(tmp_path)
    (tmp_path / "asked.log").write_text("")
    distiset = RayPipeline(build(cache, tmp_path), resources=resources).run(show_progress=False)
    again = asked(tmp_path)
    assert "p13" in again
    assert not {f"p{k.split(':')[1]}" for k in journaled} & set(again), "journaled rows re-asked"
    assert sorted(first_run + again) == sorted(set(first_run + again))  # nobody asked twice
    rows = distiset["check"].to_list()
    assert [r["id"] for r in rows] == list(range(30))
    assert isinstance(distiset["check"].path, str) and distiset["check"].path.startswith("file:")

    local_tmp = tmp_path / "local"
    local_tmp.mkdir()
    (local_tmp / "gate").write_text("")
    (local_tmp / "stopped").write_text("")
    local = build(str(tmp_path / "local-cache"), local_tmp).run(show_progress=False)
    assert local["check"].to_list() == rows


def test_a_memory_url_is_refused_for_ray(tmp_path: Path) -> None:
    pipeline = build("memory://distilabel-ray-test", tmp_path)
    with pytest.raises(DistilabelUserError, match="every node can reach"):
        RayPipeline(pipeline).run(show_progress=False)
