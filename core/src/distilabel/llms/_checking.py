"""The core's side of every generation a task asks for: inputs checked, answers validated.

Before a call, each input is prepared (``LLM.prepare_input``): an input the backend
cannot take (a raw prompt for a chat-only backend, a structured-output format it cannot
constrain) fails alone with a clear error instead of reaching the backend. After it,
each answer that must follow a structured-output request is validated; the generations
that do not are asked for again, up to ``structured_output_retries`` times, and an input
whose answers still do not fit fails with ``StructuredOutputError`` carrying the raw
texts, so the row records what the model said.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, Callable, Optional, Union

from distilabel.errors import DistilabelUserError
from distilabel.llms._prompts import LLMInput
from distilabel.llms._structured import StructuredOutput, StructuredOutputError
from distilabel.llms.typing import GenerateOutput
from distilabel.typing import FormattedInput

__all__ = ["acheck_output", "generate_checked", "prepare_all"]

Result = Union[GenerateOutput, Exception]
Prepare = Callable[[FormattedInput], LLMInput]


def prepare_all(
    prepare: Prepare, inputs: list[FormattedInput]
) -> list[Union[LLMInput, Exception]]:
    """``prepare`` (an LLM's ``prepare_input``) for each input, its error in its place
    when it fails."""
    prepared: list[Union[LLMInput, Exception]] = []
    for item in inputs:
        try:
            prepared.append(prepare(item))
        except DistilabelUserError as exc:
            prepared.append(exc)
    return prepared


def _invalid(spec: StructuredOutput, output: GenerateOutput) -> tuple[list[int], str]:
    """Positions of the generations that do not follow ``spec``, and the first problem."""
    bad: list[int] = []
    problem = ""
    for index, text in enumerate(output["generations"]):
        try:
            spec.check(text)
        except StructuredOutputError as exc:
            bad.append(index)
            problem = problem or str(exc)
    return bad, problem


def _splice(output: GenerateOutput, positions: list[int], again: GenerateOutput) -> None:
    """Put the regenerated texts (and their statistics) at ``positions`` of ``output``."""
    new_texts = again["generations"]
    stats: dict[str, Any] = output["statistics"]  # type: ignore[assignment]
    new_stats: dict[str, Any] = again["statistics"]  # type: ignore[assignment]
    total = len(output["generations"])
    for slot, position in enumerate(positions[: len(new_texts)]):
        output["generations"][position] = new_texts[slot]
        for key in ("input_tokens", "output_tokens"):
            values, fresh = stats.get(key), new_stats.get(key)
            if values and fresh and len(values) == total:
                values[position] = fresh[slot] if slot < len(fresh) else fresh[-1]
        if "logprobs" in output and "logprobs" in again and slot < len(again["logprobs"]):
            output["logprobs"][position] = again["logprobs"][slot]


def _failure(problem: str, retries: int, output: GenerateOutput) -> StructuredOutputError:
    tries = f" after {retries} retr{'y' if retries == 1 else 'ies'}" if retries else ""
    return StructuredOutputError(
        f"structured output invalid{tries}: {problem}", list(output["generations"])
    )


def generate_checked(
    prepare: Prepare,
    retries: int,
    inputs: list[FormattedInput],
    num_generations: int,
    kwargs: dict[str, Any],
    isolated: Callable[[list[FormattedInput], int, dict[str, Any]], list[Result]],
) -> list[Result]:
    """Generate for ``inputs`` through ``isolated`` (one result or error per input),
    failing unusable inputs alone and regenerating invalid structured answers up to
    ``retries`` times."""
    prepared = prepare_all(prepare, inputs)
    results: list[Result] = [p if isinstance(p, Exception) else ValueError() for p in prepared]
    ok = [i for i, p in enumerate(prepared) if not isinstance(p, Exception)]
    if ok:
        for index, result in zip(ok, isolated([inputs[i] for i in ok], num_generations, kwargs),
                                 strict=True):
            results[index] = result
    for attempt in range(retries + 1):
        pending: dict[int, tuple[list[int], str]] = {}
        for index in ok:
            spec = prepared[index].structured_output  # type: ignore[union-attr]
            result = results[index]
            if spec is not None and not isinstance(result, Exception):
                bad, problem = _invalid(spec, result)
                if bad:
                    pending[index] = (bad, problem)
        if not pending:
            return results
        if attempt == retries:
            for index, (_bad, problem) in pending.items():
                results[index] = _failure(problem, retries, results[index])  # type: ignore[arg-type]
            return results
        by_count: dict[int, list[int]] = {}
        for index, (bad, _problem) in pending.items():
            by_count.setdefault(len(bad), []).append(index)
        for count, indices in by_count.items():
            again = isolated([inputs[i] for i in indices], count, kwargs)
            for index, fresh in zip(indices, again, strict=True):
                if isinstance(fresh, Exception):
                    results[index] = fresh
                else:
                    _splice(results[index], pending[index][0], fresh)  # type: ignore[arg-type]
    return results


async def acheck_output(
    retries: int,
    spec: Optional[StructuredOutput],
    output: GenerateOutput,
    again: Callable[[int], Awaitable[GenerateOutput]],
) -> GenerateOutput:
    """Validate one async answer against ``spec``, asking ``again(count)`` for the invalid
    generations up to ``retries`` times.

    Raises:
        StructuredOutputError: answers still invalid after the retries (raw texts kept).
    """
    if spec is None:
        return output
    for attempt in range(retries + 1):
        bad, problem = _invalid(spec, output)
        if not bad:
            return output
        if attempt == retries:
            raise _failure(problem, retries, output)
        _splice(output, bad, await again(len(bad)))
    return output
