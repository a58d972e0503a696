"""LoadDataFromHub(streaming=True), LoadDataFromDisk (datasets and distisets), remote
files for LoadDataFromFileSystem (fsspec's memory file system, and HTTP from a local
server), and PushToHub against a loopback stand-in of the Hub."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from distilabel.errors import DistilabelUserError
from distilabel.pipeline import Pipeline
from distilabel.steps import (
    KeepColumns,
    LoadDataFromDicts,
    LoadDataFromDisk,
    LoadDataFromFileSystem,
    LoadDataFromHub,
    PushToHub,
)

datasets = pytest.importorskip("datasets")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "compat"))
from hub_server import HubServer  # noqa: E402  (the Hub stand-in the compat tests use)

ROWS = [{"id": i, "text": f"row {i}"} for i in range(7)]


def all_rows(step: object, offset: int = 0) -> list[dict]:
    step.load()  # type: ignore[attr-defined]
    return [row for batch, _ in step.process(offset=offset) for row in batch]  # type: ignore[attr-defined]


def test_streaming_reads_a_folder_of_data_files_row_by_row(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    load = LoadDataFromHub(repo_id=str(folder), streaming=True, batch_size=3)
    assert all_rows(load) == ROWS
    assert load.total_rows() is None  # a stream's length is not known ahead
    assert all_rows(LoadDataFromHub(repo_id=str(folder), streaming=True), offset=5) == ROWS[5:]
    assert all_rows(LoadDataFromHub(repo_id=str(folder), streaming=True, num_examples=2)) \
        == ROWS[:2]


def test_streaming_a_saved_dataset_in_a_pipeline(tmp_path: Path) -> None:
    datasets.Dataset.from_list(ROWS).save_to_disk(str(tmp_path / "saved"))
    with Pipeline(name="stream") as pipeline:
        load = LoadDataFromHub(repo_id=str(tmp_path / "saved"), streaming=True, batch_size=2)
        load >> KeepColumns(name="keep", columns=["text"])
    rows = pipeline.run(use_cache=False)["keep"].to_list()
    assert rows == [{"text": r["text"]} for r in ROWS]


def test_load_from_disk_reads_a_split_of_a_dataset_dict(tmp_path: Path) -> None:
    datasets.DatasetDict({
        "train": datasets.Dataset.from_list(ROWS),
        "test": datasets.Dataset.from_list(ROWS[:2]),
    }).save_to_disk(str(tmp_path / "dict"))
    assert all_rows(LoadDataFromDisk(dataset_path=str(tmp_path / "dict"))) == ROWS
    assert all_rows(LoadDataFromDisk(dataset_path=str(tmp_path / "dict"), split="test")) \
        == ROWS[:2]
    with pytest.raises(DistilabelUserError, match="no split 'dev'; available: train, test"):
        LoadDataFromDisk(dataset_path=str(tmp_path / "dict"), split="dev").load()
    with pytest.raises(DistilabelUserError, match="not a dataset saved with save_to_disk"):
        LoadDataFromDisk(dataset_path=str(tmp_path / "nothing")).load()


def test_load_from_disk_reads_a_distiset_a_pipeline_saved(tmp_path: Path) -> None:
    with Pipeline(name="to-save") as pipeline:
        LoadDataFromDicts(data=ROWS) >> KeepColumns(name="keep", columns=["id"])
    pipeline.run(use_cache=False).save_to_disk(tmp_path / "distiset")
    load = LoadDataFromDisk(dataset_path=str(tmp_path / "distiset"), is_distiset=True,
                            num_examples=3)
    assert all_rows(load) == [{"id": 0}, {"id": 1}, {"id": 2}]


def test_remote_files_through_fsspec_memory() -> None:
    import fsspec

    memory = fsspec.filesystem("memory")
    with memory.open("/bucket/part-1.jsonl", "w") as fh:
        fh.write("".join(json.dumps(r) + "\n" for r in ROWS[:4]))
    with memory.open("/bucket/part-2.csv", "w") as fh:
        fh.write("id,text\n4,row 4\n")
    try:
        load = LoadDataFromFileSystem(data_files="memory://bucket/part-*")
        rows = all_rows(load)
        assert rows == [*ROWS[:4], {"id": "4", "text": "row 4"}]  # CSV values are strings
        stamps = load.signature_data()
        assert [s[0] for s in stamps] == ["memory:///bucket/part-1.jsonl",
                                          "memory:///bucket/part-2.csv"]
        with pytest.raises(DistilabelUserError, match="does not exist"):
            LoadDataFromFileSystem(data_files="memory://bucket/nothing.jsonl").load()
    finally:
        memory.rm("/bucket", recursive=True)


@pytest.fixture
def http_folder(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None  # type: ignore[assignment]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path
    server.shutdown()
    server.server_close()


def test_remote_files_over_http_from_a_local_server(http_folder: tuple[str, Path]) -> None:
    url, folder = http_folder
    pyarrow = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pyarrow.Table.from_pylist(ROWS), folder / "train.parquet")
    (folder / "more.json").write_text(json.dumps(ROWS[:2]))
    load = LoadDataFromFileSystem(data_files=[f"{url}/train.parquet", f"{url}/more.json"])
    assert all_rows(load) == [*ROWS, *ROWS[:2]]
    with pytest.raises(DistilabelUserError, match="does not exist"):
        LoadDataFromFileSystem(data_files=f"{url}/missing.jsonl").load()


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    import huggingface_hub.constants

    with HubServer(tmp_path / "hub") as server:
        monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", server.url)
        monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
        yield server


def test_push_to_hub_uploads_the_rows_and_passes_them_on(hub: HubServer) -> None:
    with Pipeline(name="push") as pipeline:
        load = LoadDataFromDicts(data=ROWS)
        load >> PushToHub(name="push", repo_id="me/rows", split="test", private=True,
                          token="hf_push_secret")
    distiset = pipeline.run(use_cache=False)
    assert distiset["push"].to_list() == ROWS
    assert hub.unexpected == []
    assert hub.repos["me/rows"]["visibility"] == "private"
    assert hub.repos["me/rows"]["type"] == "dataset"
    (commit,) = hub.commits
    assert commit["files"] == ["data/test-00000-of-00001.parquet"]
    assert all(a == "Bearer hf_push_secret" for a in hub.authorizations)
    pushed = datasets.Dataset.from_parquet(
        str(hub.root / "me/rows/data/test-00000-of-00001.parquet"))
    assert pushed.to_list() == ROWS
    assert "hf_push_secret" not in json.dumps(pipeline.dump())


def test_push_to_hub_without_a_repo_id_is_refused_before_the_run() -> None:
    with Pipeline(name="push-no-repo") as pipeline:
        LoadDataFromDicts(data=ROWS) >> PushToHub(name="push")
    with pytest.raises(Exception, match="repo_id"):
        pipeline.run(use_cache=False)
