"""``distilabel pipeline run`` and ``distilabel pipeline info``."""

from __future__ import annotations

import json
from pathlib import Path

import pipeline_test_llms as llms
import pytest
from pipeline_test_llms import EchoLLM

from distilabel.cli import main
from distilabel.cli._pipeline import parse_params
from distilabel.distiset import Distiset
from distilabel.errors import DistilabelUserError
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    with Pipeline(name="cli") as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"instruction": f"q{i}"} for i in range(4)])
        load >> TextGeneration(name="generate", llm=EchoLLM(prefix="cli"))
    return pipeline.save(tmp_path / "cli.yaml")


def test_parse_params_builds_nested_string_values() -> None:
    assert parse_params(["g.llm.generation_kwargs.temperature=0.7", "g.input_batch_size=3",
                         "load.data_files=a=b.jsonl"]) == {
        "g": {"llm": {"generation_kwargs": {"temperature": "0.7"}}, "input_batch_size": "3"},
        "load": {"data_files": "a=b.jsonl"}}
    for bad in ["novalue", "nodot=1", "a..b=1"]:
        with pytest.raises(DistilabelUserError, match=r"use STEP\.NAME=VALUE"):
            parse_params([bad])


def test_run_with_params_output_and_cache(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["pipeline", "run", "--config", str(config), "--no-progress",
                 "--param", "generate.llm.generation_kwargs.temperature=0.7",
                 "--output", str(tmp_path / "out")])
    assert code == 0
    assert capsys.readouterr().out.splitlines() == [
        "generate: 4 rows", f"saved to {tmp_path / 'out'}"]
    rows = Distiset.load_from_disk(tmp_path / "out")["generate"].to_list()
    assert [r["generation"] for r in rows] == [f"cli:q{i}:t=0.7" for i in range(4)]
    assert main(["pipeline", "run", "--config", str(config), "--no-progress",
                 "--param", "generate.llm.generation_kwargs.temperature=0.7"]) == 0
    assert llms.CALLS["cli"] == 4  # cached
    assert main(["pipeline", "run", "--config", str(config), "--no-progress", "--ignore-cache",
                 "--param", "generate.llm.generation_kwargs.temperature=0.7"]) == 0
    assert llms.CALLS["cli"] == 8


def test_run_reports_bad_parameters(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["pipeline", "run", "--config", str(config), "--no-progress",
                 "--param", "generate.llm.generation_kwargs.temprature=0.7"])
    assert code == 1
    err = capsys.readouterr().err
    assert "Unknown runtime parameter 'temprature'" in err and "did you mean 'temperature'" in err
    assert main(["pipeline", "run", "--config", str(config), "--param", "oops"]) == 1


def test_progress_is_drawn_per_step(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pipeline", "run", "--config", str(config)]) == 0
    err = capsys.readouterr().err
    assert "load" in err and "generate" in err and "4/4 rows 100.0%" in err
    assert "rows/s" in err


def test_info_lists_steps_connections_and_parameters(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pipeline", "info", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "load (LoadDataFromDicts, generator)" in out
    assert "load >> generate" in out
    assert ".temperature: float - recorded in the answer." in out
    assert main(["pipeline", "info", "--config", str(config), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert [s["name"] for s in info["steps"]] == ["load", "generate"]
    assert info["connections"] == [["load", "generate"]]


def test_the_files_example_runs_from_the_cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["pipeline", "run", "--config", "examples/pipeline_files.yaml", "--no-progress",
                 "--param", "load.num_examples=2", "--output", str(tmp_path / "tags")]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "keep: 3 rows"
    rows = Distiset.load_from_disk(tmp_path / "tags")["keep"].to_list()
    assert rows == [{"id": 1, "tag": "sky"}, {"id": 1, "tag": "colour"},
                    {"id": 2, "tag": "greeting"}]


def test_info_shows_the_files_values(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pipeline", "info", "--config",
                 str(ROOT / "examples/pipeline_llamacpp.yaml")]) == 0
    out = capsys.readouterr().out
    assert "system_prompt = 'You answer in one short sentence.'" in out
    assert "generation_kwargs = {'max_new_tokens': 32, 'temperature': 0.0}" in out
    assert "n_ctx = 512: int (default 2048)" in out


def test_without_output_the_run_says_where_the_rows_are(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pipeline", "run", "--config", str(config), "--no-progress"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    folder = Path(last.split(" in ", 1)[1].split(" (", 1)[0])
    assert (folder / "generate.batches.jsonl").is_file(), last
    assert "add --output DIR" in last


@pytest.mark.parametrize("output", ["{file}", "{file}/below", "/proc/distilabel/out"])
def test_an_unwritable_output_stops_the_run_before_it_starts(
    output: str, config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a-file").write_text("")
    llms.CALLS.clear()
    target = output.format(file=tmp_path / "a-file")
    assert main(["pipeline", "run", "--config", str(config), "--output", target]) == 1
    captured = capsys.readouterr()
    assert f"'{target}'" in captured.err and "rows" not in captured.out
    assert "load" not in captured.err  # no progress: nothing ran
    assert not llms.CALLS


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        ("steps: [", "is not valid YAML/JSON"),
        ("name: not-a-pipeline\n", "Not a dumped pipeline"),
    ],
)
def test_a_bad_config_stops_the_run_before_it_starts(
    content: str | None, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "pipeline.yaml"
    if content is not None:
        config.write_text(content)
    llms.CALLS.clear()
    assert main(["pipeline", "run", "--config", str(config),
                 "--output", str(tmp_path / "out")]) == 1
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err
    assert not (tmp_path / "out").exists() and not llms.CALLS
