"""LoadDataFromDicts, LoadDataFromFileSystem and LoadDataFromHub on local data."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

from distilabel.errors import DistilabelUserError
from distilabel.steps import LoadDataFromDicts, LoadDataFromFileSystem, LoadDataFromHub

ROWS = [{"id": i, "text": f"row {i}"} for i in range(5)]


def all_rows(step: LoadDataFromDicts | LoadDataFromFileSystem | LoadDataFromHub,
             offset: int = 0) -> list[dict[str, object]]:
    batches = list(step.process_applying_mappings(offset=offset))
    assert batches[-1][1] is True and all(not last for _b, last in batches[:-1])
    return [row for batch, _last in batches for row in batch]


def test_load_from_dicts_batches_copies_and_offsets() -> None:
    load = LoadDataFromDicts(name="load", data=ROWS, batch_size=2)
    batches = list(load.process_applying_mappings())
    assert [len(b) for b, _ in batches] == [2, 2, 1]
    batches[0][0][0]["text"] = "changed"
    assert ROWS[0]["text"] == "row 0"
    assert all_rows(load, offset=3) == ROWS[3:]
    assert load.outputs == ["id", "text"] and load.total_rows() == 5


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_file_system_reads_jsonl_json_and_csv(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl", ROWS[:2])
    (tmp_path / "b.json").write_text(json.dumps(ROWS[2:4]))
    with open(tmp_path / "c.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "text"])
        writer.writeheader()
        writer.writerow(ROWS[4])
    load = LoadDataFromFileSystem(name="load", data_files=str(tmp_path), batch_size=2)
    load.load()
    rows = all_rows(load)
    assert rows[:4] == ROWS[:4]
    assert rows[4] == {"id": "4", "text": "row 4"}  # CSV values are strings
    assert load.get_output_columns(None) == {"id", "text"}


def test_file_system_reads_parquet(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa

    pq.write_table(pa.Table.from_pylist(ROWS), tmp_path / "data.parquet")
    load = LoadDataFromFileSystem(name="load", data_files=str(tmp_path / "*.parquet"))
    assert all_rows(load) == ROWS


def test_file_system_globs_lists_offsets_and_limits(tmp_path: Path) -> None:
    for index in range(3):
        write_jsonl(tmp_path / f"part-{index}.jsonl", [ROWS[index]])
    write_jsonl(tmp_path / "other.jsonl", [{"id": 99, "text": "no"}])
    load = LoadDataFromFileSystem(name="load", data_files=[str(tmp_path / "part-*.jsonl")],
                                  batch_size=1)
    assert all_rows(load) == ROWS[:3]
    assert all_rows(load, offset=2) == ROWS[2:3]
    load.set_runtime_parameters({"num_examples": "2"})
    assert all_rows(load) == ROWS[:2]


def test_file_system_accepts_a_path_object(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "data.jsonl", ROWS)
    load = LoadDataFromFileSystem(name="load", data_files=path)  # type: ignore[arg-type]
    assert load.data_files == str(path) and all_rows(load) == ROWS


def test_file_system_errors_name_the_file_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(DistilabelUserError, match="does not exist"):
        LoadDataFromFileSystem(name="l", data_files=str(tmp_path / "missing.jsonl")).load()
    with pytest.raises(DistilabelUserError, match="matches no data file"):
        LoadDataFromFileSystem(name="l", data_files=str(tmp_path / "*.csv")).load()
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(DistilabelUserError, match="Set `filetype`"):
        all_rows(LoadDataFromFileSystem(name="l", data_files=str(tmp_path / "notes.txt")))
    (tmp_path / "bad.jsonl").write_text('{"a": 1}\n{"a": \n')
    with pytest.raises(DistilabelUserError, match=r"bad.jsonl:2"):
        all_rows(LoadDataFromFileSystem(name="l", data_files=str(tmp_path / "bad.jsonl")))
    assert LoadDataFromFileSystem(name="l").missing_runtime_parameters() == ["data_files"]


def test_hub_loader_reads_a_saved_dataset_directory_offline(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    datasets.DatasetDict({"train": datasets.Dataset.from_list(ROWS),
                          "test": datasets.Dataset.from_list(ROWS[:1])}).save_to_disk(
        str(tmp_path / "saved"))
    load = LoadDataFromHub(name="hub", repo_id=str(tmp_path / "saved"), split="test",
                           batch_size=2)
    assert load.get_output_columns(None) == {"id", "text"}
    load.load()
    assert all_rows(load) == ROWS[:1] and load.total_rows() == 1
    load.unload()
    missing = LoadDataFromHub(name="hub2", repo_id=str(tmp_path / "saved"), split="dev")
    with pytest.raises(DistilabelUserError, match="no split 'dev'; available: train, test"):
        missing.load()


def test_hub_loader_reads_a_directory_of_data_files(tmp_path: Path) -> None:
    pytest.importorskip("datasets")
    (tmp_path / "ds").mkdir()
    write_jsonl(tmp_path / "ds" / "train.jsonl", ROWS)
    load = LoadDataFromHub(name="hub", repo_id=str(tmp_path / "ds"), num_examples=4,
                           batch_size=3)
    load.load()
    assert all_rows(load, offset=1) == ROWS[1:4]


def test_hub_loader_without_datasets_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "datasets", None)
    load = LoadDataFromHub(name="hub", repo_id=str(tmp_path))
    with pytest.raises(ImportError, match="pip install datasets"):
        load.load()
