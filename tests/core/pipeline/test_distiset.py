"""Distiset: the leaf steps' rows, saved to and loaded from disk, and as datasets."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pipeline_test_llms import EchoLLM

from distilabel.distiset import Distiset, StepRows
from distilabel.errors import DistilabelUserError
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration


def run() -> Distiset:
    with Pipeline(name="distiset", description="for the distiset tests") as pipeline:
        load = LoadDataFromDicts(name="load", batch_size=3,
                                 data=[{"instruction": f"q{i}"} for i in range(10)])
        load >> TextGeneration(name="generate", llm=EchoLLM(prefix="d"))
    return pipeline.run()


def test_rows_are_a_lazy_sequence() -> None:
    rows = run()["generate"]
    assert isinstance(rows, StepRows) and len(rows) == 10
    assert rows[0]["generation"] == "d:q0:t=1.0" and rows[-1]["instruction"] == "q9"
    assert [r["instruction"] for r in rows[2:5]] == ["q2", "q3", "q4"]
    assert rows.column_names == ["instruction", "generation", "model_name",
                                 "distilabel_metadata"]
    with pytest.raises(IndexError):
        rows[10]
    assert run()["default"]["train"][0] == rows[0]  # the 1.x spelling still works


def test_a_distiset_survives_a_later_fresh_run() -> None:
    first = run()
    snapshot = first["generate"].to_list()
    run()  # reuses the cache
    with Pipeline(name="distiset", description="for the distiset tests") as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"instruction": "other"}])
        load >> TextGeneration(name="generate", llm=EchoLLM(prefix="d"))
    pipeline.run(use_cache=False)
    assert first["generate"].to_list() == snapshot


def test_save_and_load_jsonl_parquet_yaml_and_card(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    distiset = run()
    path = distiset.save_to_disk(tmp_path / "out")
    assert (path / "generate" / "train.jsonl").is_file()
    assert (path / "generate" / "train.parquet").is_file()
    assert "name: distiset" in (path / "pipeline.yaml").read_text()
    card = (path / "README.md").read_text()
    assert "config_name: generate" in card and "10 rows" in card
    assert "distilabel pipeline run --config pipeline.yaml" in card
    loaded = Distiset.load_from_disk(path)
    assert loaded["generate"].to_list() == distiset["generate"].to_list()
    assert loaded.pipeline_yaml == distiset.pipeline_yaml
    (path / "generate" / "train.jsonl").unlink()
    from_parquet = Distiset.load_from_disk(path)
    assert [r["generation"] for r in from_parquet["generate"]] == [
        f"d:q{i}:t=1.0" for i in range(10)]


def test_parquet_keeps_rows_arrow_cannot_type(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    rows = [
        {"id": 1, "distilabel_metadata": {}, "raw": [{"role": "user", "content": "hi"}]},
        {"id": 2, "distilabel_metadata": {}, "raw": "plain text"},
    ]
    path = Distiset({"mixed": rows}).save_to_disk(tmp_path / "out")
    (path / "mixed" / "train.jsonl").unlink()
    assert Distiset.load_from_disk(path)["mixed"].to_list() == rows


def test_formats_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    distiset = Distiset({"rows": [{"a": 1}]})
    with pytest.raises(DistilabelUserError, match="Unknown distiset format"):
        distiset.save_to_disk(tmp_path, formats=["csv"])
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ImportError, match="pip install 'distilabel-core\\[parquet\\]'"):
        distiset.save_to_disk(tmp_path, formats=["parquet"])
    only_jsonl = distiset.save_to_disk(tmp_path / "plain")
    assert not (only_jsonl / "rows" / "train.parquet").exists()
    with pytest.raises(DistilabelUserError, match="not a saved distiset"):
        Distiset.load_from_disk(tmp_path / "nowhere")


def test_to_datasets(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("datasets")
    datasets = run().to_datasets()
    assert list(datasets) == ["generate"]
    assert datasets["generate"].num_rows == 10
    assert datasets["generate"][0]["generation"] == "d:q0:t=1.0"
    monkeypatch.setitem(sys.modules, "datasets", None)
    with pytest.raises(ImportError, match="pip install datasets"):
        Distiset({"a": [{"x": 1}]}).to_datasets()
    with pytest.raises(ImportError, match="pip install datasets"):
        Distiset({"a": [{"x": 1}]}).push_to_hub("org/name")


def test_default_alias_and_missing_names() -> None:
    distiset = Distiset({"only": [{"a": 1}]})
    assert distiset["default"] is distiset["only"]
    with pytest.raises(KeyError, match="available: only"):
        distiset["other"]
