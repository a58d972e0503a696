"""The build backend of the repository root, which is a workspace, not a distribution.

``pip install .`` at the root would otherwise fail with setuptools' "Multiple top-level
packages discovered"; this says what to install instead and stops.
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

MESSAGE = """
The repository root is the development workspace of distilabel, not a package.
Install the parts you need instead (from the repository root):

    pip install ./core                      # distilabel-core: pipelines, tasks, the CLI
    pip install ./core ./plugins/openai     # plus OpenAI and OpenAI-compatible servers
    pip install ./core ./plugins/llamacpp   # plus llama.cpp (compiles it)

Every plugin lives in plugins/<name>/ (see docs/installation.md); for development,
`bash scripts/setup.sh` installs everything into .venv.
"""


def _refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
    sys.stderr.write(MESSAGE)
    raise SystemExit("pip install . at the repository root: install ./core and ./plugins/<name>")


get_requires_for_build_wheel = _refuse
get_requires_for_build_sdist = _refuse
get_requires_for_build_editable = _refuse
prepare_metadata_for_build_wheel = _refuse
prepare_metadata_for_build_editable = _refuse
build_wheel = _refuse
build_sdist = _refuse
build_editable = _refuse
