"""One ``distilabel`` logger hierarchy, its level setting, and the run log file."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from distilabel.distiset import Distiset
from distilabel.logging import get_logger, set_log_level

ROOT = Path(__file__).resolve().parents[2]
STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"


def python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "DISTILABEL_PROGRESS": "off", **env},
    )


def test_plugins_log_under_the_distilabel_logger() -> None:
    assert get_logger("distilabel_openai._llm").name == "distilabel.plugins.openai._llm"
    assert get_logger("distilabel.pipeline").name == "distilabel.pipeline"
    assert get_logger("my_backend").parent is not None
    assert get_logger("my_backend").name == "distilabel.plugins.my_backend"


def test_no_plugin_makes_a_logger_outside_the_hierarchy() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "plugins").glob("*/src/**/*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"logging\.getLogger\(", line)
    ]
    assert offenders == [], "use distilabel.logging.get_logger(__name__) instead"


def test_records_carry_time_level_and_logger_name() -> None:
    result = python("import distilabel.logging as l; l.get_logger('distilabel_x').warning('hi')")
    assert re.fullmatch(rf"{STAMP} WARNING distilabel\.plugins\.x: hi\n", result.stderr)


def test_the_level_comes_from_the_environment() -> None:
    code = ("import distilabel.logging as l; g = l.get_logger('distilabel.t');"
            " g.info('info shown'); g.warning('warning shown'); g.debug('debug shown')")
    assert "info shown" in python(code).stderr  # INFO by default
    quiet = python(code, DISTILABEL_LOG_LEVEL="warning").stderr
    assert "warning shown" in quiet and "info shown" not in quiet
    assert "debug shown" in python(code, DISTILABEL_LOG_LEVEL="DEBUG").stderr
    bad = python(code, DISTILABEL_LOG_LEVEL="loud").stderr
    assert "DISTILABEL_LOG_LEVEL: Unknown log level 'loud'; use one of DEBUG, INFO" in bad
    assert "info shown" in bad


def test_an_application_that_configured_logging_gets_each_record_once() -> None:
    code = ("import logging; logging.basicConfig(format='APP %(name)s %(message)s');"
            " import distilabel.logging as l; l.get_logger('distilabel.t').warning('once')")
    assert python(code).stderr == "APP distilabel.t once\n"


def test_set_log_level_rejects_what_is_not_a_level() -> None:
    with pytest.raises(ValueError, match="Unknown log level 'verbose'; use one of DEBUG"):
        set_log_level("verbose")
    set_log_level("info")
    assert logging.getLogger("distilabel").level == logging.INFO


def test_the_run_log_is_saved_with_the_distiset(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        from pipeline_progress import build
    finally:
        sys.path.remove(str(ROOT / "examples"))
    distiset = build(30, 0.0, str(tmp_path / "cache")).run(show_progress=False)
    log = distiset.log_text() or ""
    assert re.search(rf"^{STAMP},\d+ INFO distilabel\.pipeline: Pipeline 'progress-demo' starts",
                     log, re.M), log
    assert "WARNING distilabel.steps.tasks: Step 'answer_with_a_slow_model': a row failed" in log
    saved = distiset.save_to_disk(tmp_path / "out")
    assert (saved / "pipeline.log").read_text() == log
    assert Distiset.load_from_disk(saved).log_text() == log
