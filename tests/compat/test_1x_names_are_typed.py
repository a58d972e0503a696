"""Type checkers see the classes behind lazily resolved names.

``from distilabel.llms import OpenAILLM`` is typed in mypy and pyright (the real class of
the installed plugin), at every 1.x path, so a misspelt field is flagged before anything
runs. Both checkers run on a user's file, in one go, as a user would run them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

USER_CODE = """\
from distilabel.llms import OpenAILLM
from distilabel.llms.huggingface import TransformersLLM
from distilabel.llms.openai import OpenAILLM as DeepOpenAILLM
from distilabel.models import AzureOpenAILLM
from distilabel.models.llms import LlamaCppLLM

fine = OpenAILLM(model="gpt-4o-mini", max_concurrency=3)
also_fine = TransformersLLM(model="smollm2-135m-instruct")
typo = OpenAILLM(model="gpt-4o-mini", max_concurency=3)
deep_typo = DeepOpenAILLM(model="gpt-4o-mini", max_concurency=3)
azure_typo = AzureOpenAILLM(model="gpt-4o", api_versoin="2024-02-01")
cpp_typo = LlamaCppLLM(model_path="model.gguf", n_ctxx=512)
"""

FLAGGED = {9: "max_concurency", 10: "max_concurency", 11: "api_versoin", 12: "n_ctxx"}


def _flagged_lines(output: str, file: str, pattern: str) -> dict[int, str]:
    found = {}
    for match in re.finditer(rf"{re.escape(file)}:(\d+)(?::\d+)?(?::| -) error: (.*)", output):
        line, message = int(match.group(1)), match.group(2)
        keyword = re.search(pattern, message)
        found[line] = keyword.group(1) if keyword else message
    return found


@pytest.mark.slow
def test_misspelt_fields_of_plugin_classes_are_flagged_by_mypy_and_pyright(
    tmp_path: Path,
) -> None:
    if shutil.which("pyright") is None:
        pytest.fail("pyright is a dev requirement (requirements-dev.txt); run scripts/setup.sh")
    user = tmp_path / "user.py"
    user.write_text(USER_CODE)
    (tmp_path / "mypy.ini").write_text("[mypy]\n")
    mypy = subprocess.Popen(
        [sys.executable, "-m", "mypy", "--config-file", "mypy.ini", "--cache-dir",
         str(tmp_path / ".mypy_cache"), "user.py"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    pyright = subprocess.run(
        ["pyright", "--pythonpath", sys.executable, "user.py"], cwd=tmp_path,
        capture_output=True, text=True, timeout=600, check=False,
    )
    mypy_out, _ = mypy.communicate(timeout=600)

    assert _flagged_lines(mypy_out, "user.py", r'keyword argument "(\w+)"') == FLAGGED, mypy_out
    assert _flagged_lines(pyright.stdout, "user.py", r'No parameter named "(\w+)"') == FLAGGED, (
        pyright.stdout + pyright.stderr
    )
