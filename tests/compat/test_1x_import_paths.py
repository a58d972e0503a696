"""Every distilabel 1.x import path, in both layouts, gives the very object of today's path.

1.0-1.4 code imports ``distilabel.llms.base``, ``distilabel.steps.base``,
``distilabel.pipeline.local`` and the like; 1.5 code imports ``distilabel.models`` and
``distilabel.typing``. Each is an alias, so ``is`` holds, and the backend paths resolve
through the installed plugin.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap

import pytest

import distilabel.llms as llms
import distilabel.llms.typing as llm_typing
import distilabel.runtime_parameters as runtime_parameters
import distilabel.serialization as serialization
import distilabel.steps as steps
import distilabel.steps.tasks as tasks
import distilabel.steps.typing as step_typing
import distilabel.typing as typing_
import distilabel_llamacpp
import distilabel_openai
import distilabel_transformers
from distilabel.pipeline import Pipeline

CORE_PATHS = [
    # the 1.0-1.4 layout
    ("distilabel.llms.base", "LLM", llms.LLM),
    ("distilabel.llms.base", "AsyncLLM", llms.AsyncLLM),
    ("distilabel.llms.typing", "GenerateOutput", llm_typing.GenerateOutput),
    ("distilabel.steps.base", "Step", steps.Step),
    ("distilabel.steps.base", "GeneratorStep", steps.GeneratorStep),
    ("distilabel.steps.base", "GlobalStep", steps.GlobalStep),
    ("distilabel.steps.base", "StepInput", steps.StepInput),
    ("distilabel.steps.base", "StepResources", steps.StepResources),
    ("distilabel.steps.generators.data", "LoadDataFromDicts", steps.LoadDataFromDicts),
    ("distilabel.steps.generators.huggingface", "LoadDataFromHub", steps.LoadDataFromHub),
    ("distilabel.steps.generators.huggingface", "LoadDataFromFileSystem",
     steps.LoadDataFromFileSystem),
    ("distilabel.steps.columns.keep", "KeepColumns", steps.KeepColumns),
    ("distilabel.steps.columns.expand", "ExpandColumns", steps.ExpandColumns),
    ("distilabel.steps.columns.group", "GroupColumns", steps.GroupColumns),
    ("distilabel.steps.columns.combine", "CombineOutputs", steps.CombineOutputs),
    ("distilabel.steps.columns", "KeepColumns", steps.KeepColumns),
    ("distilabel.steps.tasks.base", "Task", tasks.Task),
    ("distilabel.steps.tasks.text_generation", "TextGeneration", tasks.TextGeneration),
    ("distilabel.steps.tasks.typing", "ChatType", typing_.ChatType),
    ("distilabel.pipeline.local", "Pipeline", Pipeline),
    ("distilabel.pipeline.base", "BasePipeline", Pipeline),
    ("distilabel.mixins.runtime_parameters", "RuntimeParameter",
     runtime_parameters.RuntimeParameter),
    ("distilabel.mixins.runtime_parameters", "RuntimeParametersMixin",
     runtime_parameters.RuntimeParametersModel),
    ("distilabel.utils.serialization", "TYPE_INFO_KEY", serialization.TYPE_INFO_KEY),
    ("distilabel.utils.serialization", "_Serializable", serialization.Serializable),
    ("distilabel.constants", "DISTILABEL_METADATA_KEY", tasks.METADATA_COLUMN),
    # the 1.5 layout
    ("distilabel.models", "LLM", llms.LLM),
    ("distilabel.models", "AsyncLLM", llms.AsyncLLM),
    ("distilabel.models", "GenerateOutput", llm_typing.GenerateOutput),
    ("distilabel.models.llms", "LLM", llms.LLM),
    ("distilabel.models.llms.base", "AsyncLLM", llms.AsyncLLM),
    ("distilabel.models.llms.typing", "GenerateOutput", llm_typing.GenerateOutput),
    ("distilabel.typing", "GenerateOutput", llm_typing.GenerateOutput),
    ("distilabel.typing", "StepOutput", step_typing.StepOutput),
    ("distilabel.typing", "StepColumns", step_typing.StepColumns),
    ("distilabel.typing", "ChatType", typing_.ChatType),
]

BACKEND_PATHS = [
    ("OpenAILLM", distilabel_openai.OpenAILLM, ["openai"]),
    ("AzureOpenAILLM", distilabel_openai.AzureOpenAILLM, ["azure"]),
    ("TogetherLLM", distilabel_openai.TogetherLLM, ["together"]),
    ("AnyscaleLLM", distilabel_openai.AnyscaleLLM, ["anyscale"]),
    ("TransformersLLM", distilabel_transformers.TransformersLLM,
     ["huggingface", "huggingface.transformers"]),
    ("LlamaCppLLM", distilabel_llamacpp.LlamaCppLLM, ["llamacpp"]),
]


@pytest.mark.parametrize(("module", "name", "expected"), CORE_PATHS,
                         ids=[f"{m}.{n}" for m, n, _ in CORE_PATHS])
def test_1x_path_is_the_same_object(module: str, name: str, expected: object) -> None:
    assert getattr(importlib.import_module(module), name) is expected


@pytest.mark.parametrize(
    ("module", "name", "expected"),
    [
        (f"{package}.{sub}", name, cls)
        for name, cls, subs in BACKEND_PATHS
        for sub in subs
        for package in ("distilabel.llms", "distilabel.models.llms")
    ]
    + [(package, name, cls) for name, cls, _ in BACKEND_PATHS
       for package in ("distilabel.llms", "distilabel.models", "distilabel.models.llms")],
)
def test_backend_path_resolves_through_the_installed_plugin(
    module: str, name: str, expected: type
) -> None:
    assert getattr(importlib.import_module(module), name) is expected


def test_deep_from_import_as_1x_code_writes_it() -> None:
    from distilabel.llms.huggingface import TransformersLLM
    from distilabel.llms.llamacpp import LlamaCppLLM
    from distilabel.llms.openai import OpenAILLM
    from distilabel.models.llms.openai import OpenAILLM as OpenAILLM15

    assert OpenAILLM is OpenAILLM15 is distilabel_openai.OpenAILLM
    assert TransformersLLM is distilabel_transformers.TransformersLLM
    assert LlamaCppLLM is distilabel_llamacpp.LlamaCppLLM


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
        timeout=120, check=False, env={**os.environ, **env},
    )


def test_backend_path_of_a_plugin_not_installed_says_what_to_install() -> None:
    # Every plugin is installed here: hide two distributions from entry-point discovery.
    result = _run(
        """
        import importlib.metadata as md
        real = md.entry_points
        hidden = ("distilabel-vllm", "distilabel-anthropic")
        md.entry_points = lambda **kw: md.EntryPoints(
            ep for ep in real(**kw) if ep.dist is None or ep.dist.metadata["Name"] not in hidden)
        for path in ("distilabel.llms.vllm", "distilabel.models.llms.anthropic"):
            try:
                module = __import__(path, fromlist=["x"])
                getattr(module, "vLLM" if path.endswith("vllm") else "AnthropicLLM")
            except ImportError as exc:
                print(type(exc).__name__, exc)
        """
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2, result.stdout
    assert "'distilabel-vllm' package, which is not installed" in lines[0]
    assert "pip install ./plugins/vllm" in lines[0]
    assert "pip install ./plugins/anthropic" in lines[1]


def test_backend_path_of_a_deselected_plugin_says_how_to_select_it() -> None:
    result = _run(
        """
        try:
            from distilabel.llms.openai import OpenAILLM
        except ImportError as exc:
            print(type(exc).__name__, exc)
        """,
        DISTILABEL_PLUGINS="none",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("PluginNotAvailableError OpenAILLM is provided by")
    assert "DISTILABEL_PLUGINS" in result.stdout


def test_a_name_the_alias_module_does_not_provide_is_an_attribute_error() -> None:
    import distilabel.llms.openai as openai_alias

    with pytest.raises(AttributeError, match=r"it provides OpenAILLM"):
        _ = openai_alias.TransformersLLM


def test_1_5_embedding_names_resolve_through_the_embeddings_registry() -> None:
    import distilabel.embeddings
    from distilabel.models import LlamaCppEmbeddings
    from distilabel.models.embeddings import Embeddings
    from distilabel.models.embeddings import LlamaCppEmbeddings as same

    assert LlamaCppEmbeddings is same is distilabel.embeddings.LlamaCppEmbeddings
    assert issubclass(LlamaCppEmbeddings, Embeddings)


def test_a_known_embedding_name_without_its_plugin_says_what_to_install() -> None:
    with pytest.raises(ImportError, match=r"pip install \./plugins/vllm"):
        from distilabel.models.embeddings import vLLMEmbeddings  # noqa: F401


def test_the_aliases_import_no_backend_sdk() -> None:
    result = _run(
        """
        import json, sys
        import distilabel.llms.openai, distilabel.llms.huggingface.transformers
        import distilabel.llms.llamacpp, distilabel.models.llms.openai, distilabel.models
        from distilabel.llms.openai import OpenAILLM
        from distilabel.models.llms.huggingface import TransformersLLM
        from distilabel.models.llms.llamacpp import LlamaCppLLM
        heavy = ("openai", "transformers", "torch", "llama_cpp", "ray", "datasets")
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in heavy)))
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
