"""The conformance kit catches broken backends: each defect fails the check meant for it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

_MODULE = '''
from typing import Any, List

import pytest
from pydantic import Field, PrivateAttr

from distilabel.llms import LLM
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.testing import LLMConformanceTests


class Shape:
    def __init__(self, *shape: int) -> None:
        self.shape = shape


class GoodLLM(LLM):
    """Follows every rule."""

    level: RuntimeParameter[int] = Field(default=1, description="A knob.")
    _calls: int = PrivateAttr(default=0)

    @property
    def model_name(self) -> str:
        return "good"

    def generate(self, inputs, num_generations: int = 1, max_new_tokens: int = 4) -> List[Any]:
        """Answer.

        Args:
            max_new_tokens: the most tokens.
        """
        self._calls += 1
        return [
            {"generations": [self.text(i)] * num_generations,
             "statistics": {"input_tokens": [3] * num_generations,
                            "output_tokens": [1] * num_generations}}
            for i in inputs
        ]

    def text(self, input) -> str:
        return input[-1]["content"][:3]

    def get_last_hidden_state(self, inputs):
        return [Shape(4, 8) for _ in inputs]


class IgnoresNumGenerations(GoodLLM):
    def generate(self, inputs, num_generations: int = 1, max_new_tokens: int = 4) -> List[Any]:
        """Answer.

        Args:
            max_new_tokens: the most tokens.
        """
        return super().generate(inputs, 1, max_new_tokens)


class UndocumentedKwarg(GoodLLM):
    def generate(self, inputs, num_generations: int = 1, top_k: int = 5) -> List[Any]:
        return super().generate(inputs, num_generations)


class NoStatistics(GoodLLM):
    def generate(self, inputs, num_generations: int = 1, max_new_tokens: int = 4) -> List[Any]:
        """Answer.

        Args:
            max_new_tokens: the most tokens.
        """
        return [[self.text(i)] * num_generations for i in inputs]


class NotDeterministic(GoodLLM):
    def text(self, input) -> str:
        return str(self._calls)


class FlatHiddenState(GoodLLM):
    def get_last_hidden_state(self, inputs):
        return [Shape(8) for _ in inputs]


class UndescribedParameter(GoodLLM):
    level: RuntimeParameter[int] = 1


class Base(LLMConformanceTests):
    llm_class = GoodLLM
    generation_kwargs = {"max_new_tokens": 2}
    greedy_generation_kwargs = {}

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls):
        return {"level": 2}


class TestGood(Base):
    pass


class TestIgnoresNumGenerations(Base):
    llm_class = IgnoresNumGenerations


class TestUndocumentedKwarg(Base):
    llm_class = UndocumentedKwarg
    generation_kwargs = {}


class TestNoStatistics(Base):
    llm_class = NoStatistics


class TestNoStatisticsDeclared(Base):
    llm_class = NoStatistics
    returns_statistics = False


class TestNotDeterministic(Base):
    llm_class = NotDeterministic


class TestFlatHiddenState(Base):
    llm_class = FlatHiddenState


class TestHiddenStateDeclaredUnsupported(Base):
    llm_class = FlatHiddenState
    supports_hidden_state = False


class TestUndescribedParameter(Base):
    llm_class = UndescribedParameter


class TestNotRegistered(Base):
    registered_name = "GoodLLM"
'''


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Run the kit against the LLMs above; map class -> check -> passed/failed/skipped."""
    root: Path = tmp_path_factory.mktemp("kit")
    (root / "test_kit_subjects.py").write_text(textwrap.dedent(_MODULE))
    report = root / "report.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(root),
         f"--junitxml={report}", "test_kit_subjects.py"],
        cwd=root, capture_output=True, text=True, timeout=300, check=False,
    )
    result: dict[str, dict[str, str]] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error"):
                outcome = "failed"
            elif child.tag == "skipped":
                outcome = "skipped"
        cls = case.attrib["classname"].rsplit(".", 1)[-1]
        result.setdefault(cls, {})[case.attrib["name"]] = outcome
    return result


def failed(outcomes: dict[str, dict[str, str]], cls: str) -> set[str]:
    return {name for name, outcome in outcomes[cls].items() if outcome == "failed"}


def test_a_conforming_llm_passes_every_check(outcomes: dict[str, dict[str, str]]) -> None:
    assert failed(outcomes, "TestGood") == set()
    assert outcomes["TestGood"]["test_hidden_state_shape"] == "passed"
    assert outcomes["TestGood"]["test_greedy_decoding_is_deterministic"] == "passed"
    assert outcomes["TestGood"]["test_registered_through_entry_point"] == "skipped"
    assert outcomes["TestGood"]["test_async_agenerate_output"] == "skipped"


@pytest.mark.parametrize(
    ("cls", "checks"),
    [
        ("TestIgnoresNumGenerations",
         {"test_output_shape_with_num_generations", "test_statistics_well_formed"}),
        ("TestUndocumentedKwarg", {"test_generation_kwargs_are_listed_and_described"}),
        ("TestNoStatistics", {"test_statistics_well_formed"}),
        ("TestNotDeterministic", {"test_greedy_decoding_is_deterministic"}),
        ("TestFlatHiddenState", {"test_hidden_state_shape"}),
        ("TestUndescribedParameter", {"test_generation_kwargs_are_listed_and_described"}),
        ("TestNotRegistered", {"test_registered_through_entry_point"}),
    ],
)
def test_each_defect_fails_its_check(
    outcomes: dict[str, dict[str, str]], cls: str, checks: set[str]
) -> None:
    assert failed(outcomes, cls) == checks


def test_capability_flags_skip_checks(outcomes: dict[str, dict[str, str]]) -> None:
    assert failed(outcomes, "TestNoStatisticsDeclared") == set()
    assert outcomes["TestNoStatisticsDeclared"]["test_statistics_well_formed"] == "skipped"
    assert failed(outcomes, "TestHiddenStateDeclaredUnsupported") == set()
    assert (
        outcomes["TestHiddenStateDeclaredUnsupported"]["test_hidden_state_shape"] == "skipped"
    )
