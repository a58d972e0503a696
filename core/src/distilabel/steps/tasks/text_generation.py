"""``TextGeneration``: answer an instruction (or a Jinja2 template over named columns)."""

from __future__ import annotations

import functools
import re
from typing import Any, Callable, Optional, Union

from pydantic import Field, model_validator

from distilabel.steps.tasks._base import Task
from distilabel.steps.typing import Row, StepColumns
from distilabel.typing import ChatType

__all__ = ["TextGeneration"]

_PLAIN_VARIABLE = re.compile(r"^\s*\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}\s*$")


@functools.lru_cache(maxsize=256)
def _renderer(template: str, columns: tuple[str, ...]) -> Callable[[dict[str, Any]], str]:
    """Compile ``template`` once: a plain ``{{ column }}`` skips Jinja2 entirely.

    Raises:
        ValueError: the template is invalid or does not match ``columns``.
    """
    import jinja2
    from jinja2 import meta

    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, finalize=_as_text)
    try:
        parsed = environment.parse(template)
    except jinja2.TemplateSyntaxError as exc:
        raise ValueError(
            f"Invalid Jinja2 template for TextGeneration (line {exc.lineno}): {exc.message}."
        ) from None
    used = meta.find_undeclared_variables(parsed)
    unused = [c for c in columns if c not in used]
    if unused:
        raise ValueError(
            f"TextGeneration `columns` {unused} do not appear in the template {template!r};"
            " use them as {{ column }} or remove them from `columns`."
        )
    undeclared = sorted(used - set(columns))
    if undeclared:
        raise ValueError(
            f"The TextGeneration template uses {undeclared}, which are not in `columns`"
            f" {list(columns)}; add them to `columns`."
        )
    plain = _PLAIN_VARIABLE.match(template)
    if plain and columns == (plain.group(1),):
        column = plain.group(1)
        return lambda values: _as_text(values[column], column)
    compiled = environment.from_string(template)
    return lambda values: compiled.render(**values)


def _as_text(value: Any, column: Optional[str] = None) -> Any:
    """What a ``{{ column }}`` writes into a prompt: text as it is, numbers as text; a
    list, dict or other object is refused (its Python repr is not a prompt)."""
    if isinstance(value, str) or value is None:
        return value
    if isinstance(value, (int, float)):  # bool included: True -> "True"
        return str(value)
    raise ValueError(
        f"{f'column {column!r}' if column else 'a template value'} is a"
        f" {type(value).__name__} ({value!r:.60}), not text; its"
        " Python repr would be sent as the prompt. Make the column a string first, or"
        " render it in a template (e.g. `{{ items | join(', ') }}`, `{{ data | tojson }}`"
        " or a `{% for %}` loop)."
    )


class TextGeneration(Task):
    """Generate a text for each row from a prompt built with a Jinja2 template.

    By default the prompt is the ``instruction`` column. With ``template`` and
    ``columns`` any columns can be combined::

        TextGeneration(
            llm=llm,
            template="Translate to French:\\n{{ text }}\\nKeep the tone {{ tone }}.",
            columns=["text", "tone"],
        )

    A ``system_prompt`` (or a ``system_prompt`` column, which wins) is sent as the system
    message. Output columns: ``generation`` and ``model_name``.
    """

    system_prompt: Optional[str] = Field(
        default=None, description="The system message sent before every prompt."
    )
    use_system_prompt: bool = Field(
        default=True, description="Send the system prompt (from the field or the column)."
    )
    template: str = Field(
        default="{{ instruction }}",
        description="A Jinja2 template rendered with the `columns` of each row.",
    )
    columns: Union[str, list[str]] = Field(
        default="instruction", description="The columns the template uses."
    )

    @model_validator(mode="after")
    def _compile_template(self) -> TextGeneration:
        _renderer(self.template, tuple(self._column_list))
        return self

    @property
    def _column_tuple(self) -> tuple[str, ...]:
        columns = self.columns
        return (columns,) if isinstance(columns, str) else tuple(columns)

    @property
    def _column_list(self) -> list[str]:
        return [self.columns] if isinstance(self.columns, str) else list(self.columns)

    @property
    def inputs(self) -> StepColumns:
        columns: dict[str, bool] = dict.fromkeys(self._column_list, True)
        columns["system_prompt"] = False
        return columns

    @property
    def outputs(self) -> StepColumns:
        return ["generation", "model_name"]

    def format_input(self, input: Row) -> ChatType:
        """Render the template with the row's columns into a user message."""
        columns = self._column_tuple
        values: dict[str, Any] = {}
        for column in columns:
            value = input.get(column)
            if value is None:
                raise ValueError(
                    f"Step '{self.name}': column '{column}' is missing or None in this row."
                )
            values[column] = value
        messages: ChatType = []
        system = input.get("system_prompt") or self.system_prompt
        if system and self.use_system_prompt:
            messages.append({"role": "system", "content": str(system)})
        render = _renderer(self.template, columns)
        try:
            content = render(values)
        except ValueError as exc:
            raise ValueError(f"Step '{self.name}': {exc}") from None
        messages.append({"role": "user", "content": content})
        return messages

    def format_output(self, output: Optional[str], input: Optional[Row] = None) -> dict[str, Any]:
        """Put the generated text in the ``generation`` column."""
        return {"generation": output}
