"""What tokens cost: prices per model, batch discounts, and input-token estimates.

Prices are given in US dollars per million tokens, the unit providers' price pages use::

    pricing = Pricing.load({"gpt-4o-mini": {"input": 0.15, "output": 0.60}})
    pricing.cost("gpt-4o-mini-2024-07-18", input_tokens=12_000, output_tokens=3_000)

or from a JSON/YAML file holding the same mapping (``Pricing.load("prices.yaml")``). A model
name matches its own entry or the longest entry it starts with, so a dated snapshot
(``gpt-4o-mini-2024-07-18``) is priced as ``gpt-4o-mini``. Batch APIs bill about half:
each model's ``batch_discount`` (default 0.5) applies when ``batch=True``, unless the entry
gives ``batch_input`` / ``batch_output`` prices of its own.

``estimate_task_cost`` is what a dry run calls before anything is sent: it formats each
row as the task would and estimates the prompt's tokens at about four characters a token
(plus a few tokens per chat message), which is close for English text and ASCII code; the
figures are estimates, the run's own token counts are exact.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Union

from distilabel.errors import DistilabelUserError

__all__ = [
    "CostEstimate",
    "ModelPrice",
    "Pricing",
    "PricingSource",
    "estimate_input_tokens",
    "estimate_task_cost",
    "estimate_tokens",
    "format_dollars",
]

PER_TOKENS = 1_000_000
"""Prices are per this many tokens."""

CHARS_PER_TOKEN = 4
MESSAGE_OVERHEAD_TOKENS = 4
"""Tokens a chat template adds around each message (role markers, separators)."""

_KEYS = {"input", "output", "batch_input", "batch_output", "batch_discount"}


@dataclass(frozen=True)
class ModelPrice:
    """One model's prices in US dollars per million tokens."""

    input: float
    output: float
    batch_discount: float = 0.5
    batch_input: Optional[float] = None
    batch_output: Optional[float] = None

    def cost(self, input_tokens: int, output_tokens: int, *, batch: bool = False) -> float:
        """Dollars for these token counts, at batch prices when ``batch``."""
        rate_in, rate_out = self.input, self.output
        if batch:
            keep = 1.0 - self.batch_discount
            rate_in = self.batch_input if self.batch_input is not None else rate_in * keep
            rate_out = self.batch_output if self.batch_output is not None else rate_out * keep
        return (input_tokens * rate_in + output_tokens * rate_out) / PER_TOKENS


PricingSource = Union["Pricing", Mapping[str, Any], str, Path]
"""What ``pricing=`` accepts: a ``Pricing``, a mapping of model -> prices, or a file."""


class Pricing:
    """Prices for a set of models; look one up with ``price_for`` or ``cost``."""

    def __init__(self, prices: Mapping[str, ModelPrice]) -> None:
        self.prices = dict(prices)

    @classmethod
    def load(cls, source: PricingSource) -> Pricing:
        """Read prices from a mapping or a JSON/YAML file; bad entries say what to fix."""
        if isinstance(source, Pricing):
            return source
        where = "pricing"
        if isinstance(source, (str, Path)):
            path = Path(source)
            where = f"pricing file '{path}'"
            if not path.is_file():
                raise DistilabelUserError(
                    f"The {where} does not exist. Give a JSON or YAML file mapping each model"
                    ' to {"input": ..., "output": ...} in dollars per million tokens.'
                )
            text = path.read_text(encoding="utf-8")
            if path.suffix.lower() == ".json":
                data: Any = json.loads(text)
            else:
                import yaml

                data = yaml.safe_load(text)
            source = data
        if not isinstance(source, Mapping):
            raise DistilabelUserError(
                f"The {where} must map model names to prices, got {type(source).__name__}."
            )
        return cls({str(model): _price(str(model), entry, where)
                    for model, entry in source.items()})

    def price_for(self, model: str) -> Optional[ModelPrice]:
        """The entry for ``model``: its own, else the longest entry it starts with."""
        if model in self.prices:
            return self.prices[model]
        prefixes = [name for name in self.prices if model.startswith(name)]
        return self.prices[max(prefixes, key=len)] if prefixes else None

    def cost(self, model: str, input_tokens: int, output_tokens: int = 0, *,
             batch: bool = False) -> Optional[float]:
        """Dollars for ``model``'s tokens, or ``None`` when no price is known for it."""
        price = self.price_for(model)
        return None if price is None else price.cost(input_tokens, output_tokens, batch=batch)


def _price(model: str, entry: Any, where: str) -> ModelPrice:
    example = '{"input": 0.15, "output": 0.6}'
    if not isinstance(entry, Mapping):
        raise DistilabelUserError(
            f"The {where} entry for '{model}' must be a mapping like {example}"
            " (dollars per million tokens)."
        )
    unknown = sorted(set(entry) - _KEYS)
    missing = sorted({"input", "output"} - set(entry))
    if unknown or missing:
        problem = (f"has unknown keys {unknown}" if unknown else f"lacks {missing}")
        raise DistilabelUserError(
            f"The {where} entry for '{model}' {problem}; use {sorted(_KEYS)}, e.g. {example}."
        )
    try:
        values = {key: float(value) for key, value in entry.items()}
    except (TypeError, ValueError):
        raise DistilabelUserError(
            f"The {where} entry for '{model}' must hold numbers, got {dict(entry)!r}."
        ) from None
    if any(value < 0 for value in values.values()) or values.get("batch_discount", 0.5) > 1:
        raise DistilabelUserError(
            f"The {where} entry for '{model}' has a negative price or a batch_discount"
            " above 1; prices are dollars per million tokens, batch_discount a fraction."
        )
    return ModelPrice(**values)


def format_dollars(dollars: float) -> str:
    """``$12.35``, or ``$0.000123`` for sums below a cent (four significant figures)."""
    if dollars >= 0.01 or dollars == 0:
        return f"${dollars:,.2f}"
    return f"${dollars:.4g}"


def estimate_tokens(text: str) -> int:
    """About how many tokens ``text`` is (four characters a token, rounded up)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def estimate_input_tokens(formatted: Any) -> int:
    """Estimated prompt tokens of a task's formatted input (a string or chat messages)."""
    if isinstance(formatted, str):
        return estimate_tokens(formatted)
    if isinstance(formatted, tuple) and formatted:  # (messages, structured output)
        formatted = formatted[0]
    total = 0
    for message in formatted or []:
        content = message.get("content", "") if isinstance(message, Mapping) else message
        if not isinstance(content, str):
            content = json.dumps(content, default=str)
        total += estimate_tokens(content) + MESSAGE_OVERHEAD_TOKENS
    return total


@dataclass(frozen=True)
class CostEstimate:
    """A task's estimated input tokens for some rows, and dollars when priced."""

    step: str
    model: str
    rows: int
    input_tokens: int
    batch: bool
    dollars: Optional[float]
    """Input cost only (output tokens are unknown before the run); ``None`` unpriced."""


def estimate_task_cost(
    task: Any,
    rows: Iterable[Mapping[str, Any]],
    pricing: Optional[PricingSource] = None,
    *,
    num_generations: Optional[int] = None,
    batch: Optional[bool] = None,
) -> CostEstimate:
    """Estimate what sending ``rows`` through ``task`` costs in input tokens (and dollars).

    Each row is formatted with ``task.format_input`` exactly as a run would, counted once
    per generation (``task.num_generations``); batch prices apply when ``batch`` is true
    or, left ``None``, when the task's LLM has ``use_offline_batch_generation`` set.
    """
    llm = task.llm
    generations = num_generations or int(getattr(task, "num_generations", 1) or 1)
    count = 0
    tokens = 0
    for row in rows:
        count += 1
        tokens += estimate_input_tokens(task.format_input(dict(row))) * generations
    model = str(getattr(llm, "model_name", None) or getattr(llm, "model", "") or "")
    if batch is None:
        batch = bool(getattr(llm, "use_offline_batch_generation", False))
    dollars = None
    if pricing is not None:
        dollars = Pricing.load(pricing).cost(model, tokens, 0, batch=batch)
    return CostEstimate(step=task.name, model=model, rows=count, input_tokens=tokens,
                        batch=batch, dollars=dollars)
