"""Pipelines round-trip through dicts, YAML and JSON with type info and without secrets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from pipeline_test_llms import KeyedLLM, SleepyAsyncLLM
from pydantic import SecretStr

from distilabel.errors import DistilabelUserError
from distilabel.pipeline import Pipeline
from distilabel.steps import KeepColumns, LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration


def build() -> Pipeline:
    with Pipeline(name="serial", description="round trip") as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"question": "a b"}, {"question": "c"}])
        keyed = TextGeneration(
            name="keyed", llm=KeyedLLM(prefix="k", api_key=SecretStr("sk-very-secret")),
            input_mappings={"instruction": "question"},
        )
        sleepy = TextGeneration(
            name="sleepy", template="Q: {{ question }}", columns=["question"],
            llm=SleepyAsyncLLM(prefix="z", max_concurrency=3,
                               generation_kwargs={"temperature": 0.5}),
        )
        keep = KeepColumns(name="keep", columns=["question", "generation"])
        load >> [keyed, sleepy]
        sleepy >> keep
    return pipeline


def test_dump_names_every_class_and_connection_and_no_secret() -> None:
    data = build().dump()
    text = json.dumps(data)
    assert "sk-very-secret" not in text and "api_key" not in text
    body = data["pipeline"]
    assert body["name"] == "serial" and body["description"] == "round trip"
    assert [s["step"]["type_info"]["name"] for s in body["steps"]] == [
        "LoadDataFromDicts", "TextGeneration", "TextGeneration", "KeepColumns"]
    assert body["steps"][2]["step"]["llm"]["type_info"] == {
        "module": "pipeline_test_llms", "name": "SleepyAsyncLLM"}
    assert body["connections"][0] == {"from": "load", "to": ["keyed", "sleepy"]}


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_save_and_load_round_trip_and_run(tmp_path: Path, suffix: str) -> None:
    original = build()
    path = original.save(tmp_path / f"pipeline{suffix}")
    text = path.read_text()
    assert "sk-very-secret" not in text
    (json.loads if suffix == ".json" else yaml.safe_load)(text)
    loaded = Pipeline.from_yaml(path)
    assert loaded.dump() == original.dump()
    assert loaded.signature == original.signature
    sleepy = loaded.get_step("sleepy")
    assert isinstance(sleepy, TextGeneration) and sleepy.llm.generation_kwargs == {
        "temperature": 0.5}
    distiset = loaded.run()
    assert [r["generation"] for r in distiset["keep"]] == ["z:Q: a b:t=0.5", "z:Q: c:t=0.5"]
    assert [r["generation"] for r in distiset["keyed"]] == ["k:a b:t=1.0", "k:c:t=1.0"]


def test_explicit_format_and_errors(tmp_path: Path) -> None:
    pipeline = build()
    path = pipeline.save(tmp_path / "pipeline.txt", format="json")
    assert json.loads(path.read_text())["pipeline"]["name"] == "serial"
    with pytest.raises(DistilabelUserError, match="use 'yaml' or 'json'"):
        pipeline.save(tmp_path / "x", format="toml")
    with pytest.raises(DistilabelUserError, match="does not exist"):
        Pipeline.from_yaml(tmp_path / "missing.yaml")
    (tmp_path / "bad.yaml").write_text("steps: []\n")
    with pytest.raises(DistilabelUserError, match="Not a dumped pipeline"):
        Pipeline.from_yaml(tmp_path / "bad.yaml")
    data = pipeline.dump()
    data["pipeline"]["steps"][0]["step"]["type_info"]["module"] = "no_such_module_xyz"
    with pytest.raises(DistilabelUserError, match="Cannot import module 'no_such_module_xyz'"):
        Pipeline.from_dict(data)
    data = pipeline.dump()
    data["pipeline"]["steps"][3]["step"]["colums"] = ["a"]
    with pytest.raises(DistilabelUserError, match="Step 'keep' \\(KeepColumns\\) in the pipeline"
                       " file is invalid: colums: Extra inputs are not permitted"):
        Pipeline.from_dict(data)


def test_the_run_directory_never_holds_secrets() -> None:
    pipeline = build()
    pipeline.run()
    for path in pipeline.run_dir.rglob("*"):
        if path.is_file():
            assert b"sk-very-secret" not in path.read_bytes(), path
