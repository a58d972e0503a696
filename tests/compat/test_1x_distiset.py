"""A Distiset as 1.x users use it: ``distiset["default"]["train"]`` is a
``datasets.Dataset``; save, load and push behave as 1.x documents."""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import datasets
import huggingface_hub.constants
import pytest
from hub_server import HubServer

from distilabel.distiset import Distiset
from distilabel.errors import DistilabelUserError
from distilabel.pipeline import Pipeline
from distilabel.steps import KeepColumns, LoadDataFromDicts, StepInput, StepOutput, step

ROWS = [{"instruction": f"q{i}", "n": i} for i in range(40)]


@step(inputs=["instruction"], outputs=["answer"])
def Answer(inputs: StepInput) -> StepOutput:
    for row in inputs:
        row["answer"] = row["instruction"].upper()
    yield inputs


def two_leaf_pipeline(name: str = "two-leaves") -> Pipeline:
    with Pipeline(name=name) as pipeline:
        load = LoadDataFromDicts(name="load", data=ROWS, batch_size=7)
        answer = Answer(name="answer")
        keep = KeepColumns(name="keep", columns=["instruction"])
        load >> answer
        load >> keep
    return pipeline


def test_the_train_split_is_a_memory_mapped_dataset(cache_dir: Path) -> None:
    distiset = two_leaf_pipeline().run()
    train = distiset["answer"]["train"]
    assert isinstance(train, datasets.Dataset)
    assert train.num_rows == 40 and train[3]["answer"] == "Q3"
    (cache_file,) = train.cache_files
    assert Path(cache_file["filename"]).is_relative_to(cache_dir)  # on disk, not in memory
    assert distiset["answer"]["train"] is train  # made once
    frame = train.to_pandas()
    assert list(frame["n"]) == list(range(40))
    split = train.train_test_split(test_size=0.25, seed=0)
    assert (split["train"].num_rows, split["test"].num_rows) == (30, 10)
    doubled = train.map(lambda row: {"n2": row["n"] * 2})
    assert doubled["n2"][:3] == [0, 2, 4]


def test_without_datasets_the_train_split_is_the_row_view(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    distiset = two_leaf_pipeline().run()
    monkeypatch.setitem(sys.modules, "datasets", None)
    rows = distiset["keep"]["train"]
    assert rows is distiset["keep"] and rows[0] == {"instruction": "q0"}


def test_save_flags_leave_out_card_config_and_log(tmp_path: Path) -> None:
    distiset = two_leaf_pipeline().run()
    full = distiset.save_to_disk(tmp_path / "full")
    assert {p.name for p in full.iterdir()} >= {
        "README.md", "pipeline.yaml", "pipeline.log", "distiset.json", "answer", "keep"}
    bare = distiset.save_to_disk(tmp_path / "bare", save_card=False,
                                 save_pipeline_config=False, save_pipeline_log=False)
    assert sorted(p.name for p in bare.iterdir()) == ["answer", "distiset.json", "keep"]
    again = Distiset.load_from_disk(bare)
    assert again["answer"].to_list() == distiset["answer"].to_list()
    assert again.pipeline_yaml is None and again.log_text() is None


def folder_contents(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below ``folder`` with its bytes and modification time."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*")) if p.is_file()
    } | {str(p.relative_to(folder)) + "/": (b"", 0) for p in folder.rglob("*") if p.is_dir()}


def test_a_loaded_distiset_never_writes_into_the_users_folder(
    tmp_path: Path, cache_dir: Path
) -> None:
    folder = two_leaf_pipeline().run().save_to_disk(tmp_path / "mine")
    before = folder_contents(folder)
    loaded = Distiset.load_from_disk(folder)
    train = loaded["answer"]["train"]
    assert isinstance(train, datasets.Dataset) and train[3]["answer"] == "Q3"
    assert list(train.to_pandas()["n"]) == list(range(40))
    assert train.map(lambda row: {"n2": row["n"] * 2})["n2"][:3] == [0, 2, 4]
    assert train.train_test_split(test_size=0.25, seed=0)["test"].num_rows == 10
    assert folder_contents(folder) == before  # byte for byte, nothing added
    (cache_file,) = train.cache_files
    assert Path(cache_file["filename"]).is_relative_to(cache_dir / "arrow")

    # Loaded again, the Arrow file is reused; after the folder is saved over, it is
    # rebuilt from the new rows and the old one is dropped from the cache.
    again = Distiset.load_from_disk(folder)["answer"]["train"]
    assert again.cache_files == train.cache_files
    Distiset({"answer": [{"answer": "new"}]}).save_to_disk(folder)
    newer = Distiset.load_from_disk(folder)["answer"]["train"]
    assert newer.to_list() == [{"answer": "new"}]
    arrow_files = sorted((cache_dir / "arrow").rglob("rows.arrow"))
    assert [Path(newer.cache_files[0]["filename"])] == arrow_files
    assert not list((cache_dir / "arrow").rglob("cache-*.arrow"))  # map's went with it


def test_a_read_only_saved_folder_loads_as_a_dataset(tmp_path: Path) -> None:
    folder = Distiset({"rows": [{"v": i} for i in range(5)]}).save_to_disk(tmp_path / "ro")
    before = folder_contents(folder)
    for path in [*folder.rglob("*"), folder]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        train = Distiset.load_from_disk(folder)["rows"]["train"]
        assert train["v"] == [0, 1, 2, 3, 4]
    finally:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert folder_contents(folder) == before


@pytest.mark.parametrize("formats", [None, ["parquet"]], ids=["default", "parquet-only"])
def test_every_config_of_the_card_loads_with_load_dataset(
    tmp_path: Path, formats: Any
) -> None:
    distiset = two_leaf_pipeline().run()
    folder = distiset.save_to_disk(tmp_path / "out", formats=formats)
    card = (folder / "README.md").read_text()
    front = card.split("---")[1]
    import yaml

    configs = yaml.safe_load(front)["configs"]
    assert sorted(c["config_name"] for c in configs) == ["answer", "keep"]
    for config in configs:
        for files in config["data_files"]:
            assert (folder / files["path"]).is_file()
        loaded = datasets.load_dataset(str(folder), config["config_name"], split="train")
        assert loaded.to_list() == distiset[config["config_name"]].to_list()


def test_saving_over_a_folder_of_other_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(DistilabelUserError, match="not a saved distiset"):
        Distiset({"a": [{"x": 1}]}).save_to_disk(tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_a_save_replaces_an_earlier_one_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    Distiset({"old": [{"v": "old"}], "gone": [{"v": 1}]}).save_to_disk(out)
    Distiset({"old": [{"v": "new"}]}).save_to_disk(out)
    assert sorted(p.name for p in out.iterdir()) == [
        "README.md", "distiset.json", "old"]
    assert Distiset.load_from_disk(out)["old"].to_list() == [{"v": "new"}]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging left behind


def test_a_save_killed_between_its_renames_is_restored_on_load(tmp_path: Path) -> None:
    out = tmp_path / "out"
    Distiset({"rows": [{"v": "old"}]}).save_to_disk(out)
    out.rename(tmp_path / f".out.old-{os.getpid()}-1")  # what the fallback swap leaves
    assert Distiset.load_from_disk(out)["rows"].to_list() == [{"v": "old"}]


SAVER = textwrap.dedent("""
    import sys
    from distilabel.distiset import Distiset
    tag, path = sys.argv[1], sys.argv[2]
    rows = [{"tag": tag, "i": i, "text": "x" * 300} for i in range(30000)]
    Distiset({"a": rows, "b": rows[:20000]}).save_to_disk(path)
""")


@pytest.mark.slow
def test_kill_9_mid_save_never_leaves_a_mixed_dataset(tmp_path: Path) -> None:
    out = tmp_path / "out"
    script = tmp_path / "saver.py"
    script.write_text(SAVER)
    subprocess.run([sys.executable, str(script), "old", str(out)], check=True)
    outcomes = set()
    for delay in (0.0, 0.15, 0.3, 0.5, 0.8):
        proc = subprocess.Popen([sys.executable, str(script), "new", str(out)])
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob(".out.saving-*")) and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.005)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        loaded = Distiset.load_from_disk(out)
        tags = {row["tag"] for row in loaded["a"]} | {row["tag"] for row in loaded["b"]}
        assert len(tags) == 1, tags
        assert (len(loaded["a"]), len(loaded["b"])) == (30000, 20000)
        manifest = json.loads((out / "distiset.json").read_text())
        assert manifest["datasets"]["a"]["num_rows"] == 30000
        outcomes |= tags
        if tags == {"new"}:  # start the next try from the old output again
            subprocess.run([sys.executable, str(script), "old", str(out)], check=True)
    assert "old" in outcomes  # at least one kill landed mid-save
    subprocess.run([sys.executable, str(script), "new", str(out)], check=True)
    assert {row["tag"] for row in Distiset.load_from_disk(out)["a"]} == {"new"}
    assert not list(tmp_path.glob(".out.*"))  # the dead savers' staging is cleaned up


def test_a_returned_distiset_outlives_later_runs_that_prune_snapshots(
    cache_dir: Path,
) -> None:
    first = two_leaf_pipeline().run()
    first_train = first["answer"]["train"]
    expected = first["answer"].to_list()
    for _ in range(7):  # more runs than snapshots are kept
        two_leaf_pipeline().run(use_cache=False)
    assert first["answer"].to_list() == expected
    assert first["keep"][39] == {"instruction": "q39"}
    assert first_train.to_list() == Distiset({"a": expected})["a"]["train"].to_list()
    snapshots = sorted((cache_dir).rglob("distisets"))[0]
    assert len(list(snapshots.iterdir())) == 6  # the five newest and the held one
    del first, first_train
    gc.collect()
    two_leaf_pipeline().run(use_cache=False)
    assert len(list(snapshots.iterdir())) == 5  # released, so pruned


def test_push_to_hub_uploads_exactly_the_saved_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    distiset = two_leaf_pipeline().run()
    with HubServer(tmp_path / "hub") as hub:
        monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", hub.url)
        monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
        distiset.push_to_hub("org/answers", private=True, token="hf_secret_token")
    assert hub.unexpected == []
    assert hub.repos["org/answers"]["visibility"] == "private"
    assert hub.repos["org/answers"]["type"] == "dataset"
    assert all(a == "Bearer hf_secret_token" for a in hub.authorizations)
    (commit,) = hub.commits
    saved = distiset.save_to_disk(tmp_path / "saved")
    local = sorted(str(p.relative_to(saved)) for p in saved.rglob("*") if p.is_file())
    assert commit["files"] == local
    pushed = tmp_path / "hub" / "org/answers"
    for name in local:
        if name != "pipeline.log":
            assert (pushed / name).read_bytes() == (saved / name).read_bytes(), name
    for config in ("answer", "keep"):
        loaded = datasets.load_dataset(str(pushed), config, split="train")
        assert loaded.to_list() == distiset[config].to_list()


PUSH_SCRIPT = textwrap.dedent("""
    import sys
    import huggingface_hub.constants as hc
    from distilabel.pipeline import Pipeline
    from distilabel.steps import LoadDataFromDicts, StepInput, StepOutput, step

    @step(inputs=["instruction"], outputs=["answer"])
    def Shout(inputs: StepInput) -> StepOutput:
        for row in inputs:
            row["answer"] = row["instruction"].upper()
        yield inputs

    with Pipeline(name="scripted") as pipeline:
        LoadDataFromDicts(data=[{"instruction": "hi"}]) >> Shout(name="shout")

    if __name__ == "__main__":
        distiset = pipeline.run(show_progress=False)
        if len(sys.argv) > 1:
            hc.ENDPOINT, hc.HF_HUB_OFFLINE = sys.argv[1], False
            distiset.push_to_hub("me/scripted", include_script=True, token="hf_x")
        else:
            distiset.save_to_disk("reproduced")
""")


@pytest.mark.slow
def test_include_script_makes_the_cards_reproduce_command_work(tmp_path: Path) -> None:
    script = tmp_path / "build.py"
    script.write_text(PUSH_SCRIPT)
    env = {**os.environ, "DISTILABEL_CACHE_DIR": str(tmp_path / "cache")}
    with HubServer(tmp_path / "hub") as hub:
        subprocess.run([sys.executable, str(script), hub.url], check=True, env=env,
                       cwd=tmp_path)
    assert hub.unexpected == []
    pushed = tmp_path / "hub" / "me/scripted"
    assert (pushed / "build.py").read_text() == PUSH_SCRIPT
    card = (pushed / "README.md").read_text()
    command = card.split("```bash\n")[1].split("\n```")[0]
    assert command == "python build.py"
    subprocess.run(command.split(), check=True, env=env, cwd=pushed)
    rows = Distiset.load_from_disk(pushed / "reproduced")["default"].to_list()
    assert rows == [{"instruction": "hi", "answer": "HI"}]
