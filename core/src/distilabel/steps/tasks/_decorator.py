"""The ``@task`` decorator: a task from a prompt template and an output-formatting function.

As in distilabel 1.x, the function is the task's ``format_output`` and its docstring
holds the prompt, as YAML front matter between ``---`` lines::

    @task(inputs=["task"], outputs=["generation"])
    def MyTask(output: Optional[str], input: Optional[dict] = None) -> dict:
        '''
        ---
        system_prompt: |
          You are a concise assistant.
        user_message_template: |
          Answer briefly: {{ task }}
        ---
        '''
        return {"generation": output}

``user_message_template`` (required) and ``system_prompt`` (optional) are Jinja2
templates over the row's columns; undefined names are errors.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Optional

import yaml

from distilabel.steps.tasks._base import Task
from distilabel.steps.typing import Row, StepColumns
from distilabel.typing import ChatType

__all__ = ["task"]


def _front_matter(func: Callable[..., Any]) -> dict[str, Any]:
    doc = inspect.getdoc(func) or ""
    parts = doc.split("---")
    where = f"@task {func.__name__}"
    if len(parts) < 3:
        raise ValueError(
            f"{where}: the docstring must hold the prompt as YAML between '---' lines, with"
            " `user_message_template` (and optionally `system_prompt`)."
        )
    try:
        data = yaml.safe_load(parts[1]) or {}
    except yaml.YAMLError as exc:
        raise ValueError(
            f"{where}: the docstring's front matter is not valid YAML: {exc}"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("user_message_template"), str):
        raise ValueError(f"{where}: the front matter needs a `user_message_template` string.")
    unknown = sorted(set(data) - {"system_prompt", "user_message_template"})
    if unknown:
        raise ValueError(
            f"{where}: unknown front matter keys {unknown}; use `system_prompt` and"
            " `user_message_template`."
        )
    return data


def task(
    inputs: Optional[StepColumns] = None, outputs: Optional[StepColumns] = None
) -> Callable[[Callable[..., Any]], type[Task]]:
    """Make a ``Task`` class from an output-formatting function and its docstring's prompt.

    Args:
        inputs: the columns the templates read.
        outputs: the columns the function returns.

    Returns:
        A decorator returning a ``Task`` subclass named after the function; use it like
        any task: ``MyTask(llm=..., name=...)``.

    Raises:
        ValueError: the docstring has no valid front matter.
    """
    declared_inputs = list(inputs) if isinstance(inputs, list) else dict(inputs or {})
    declared_outputs = list(outputs) if isinstance(outputs, list) else dict(outputs or {})

    def decorator(func: Callable[..., Any]) -> type[Task]:
        import jinja2

        prompt = _front_matter(func)
        environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
        user = environment.from_string(prompt["user_message_template"].rstrip("\n"))
        system_text = prompt.get("system_prompt")
        system = (
            environment.from_string(str(system_text).rstrip("\n")) if system_text else None
        )

        def format_input(self: Task, input: Row) -> ChatType:
            try:
                messages: ChatType = []
                if system is not None:
                    messages.append({"role": "system", "content": system.render(**input)})
                messages.append({"role": "user", "content": user.render(**input)})
            except jinja2.UndefinedError as exc:
                raise ValueError(
                    f"Task '{self.name}': the prompt template uses a column the row lacks"
                    f" ({exc.message}); the row has {sorted(input)}."
                ) from None
            return messages

        def format_output(
            self: Task, output: Optional[str], input: Optional[Row] = None
        ) -> dict[str, Any]:
            return func(output, input)  # type: ignore[no-any-return]

        namespace: dict[str, Any] = {
            "__module__": func.__module__,
            "__qualname__": func.__qualname__,
            "__doc__": func.__doc__,
            "inputs": property(lambda self: declared_inputs),
            "outputs": property(lambda self: declared_outputs),
            "format_input": format_input,
            "format_output": format_output,
        }
        metaclass: Any = type(Task)
        cls: type[Task] = metaclass(func.__name__, (Task,), namespace)
        return cls

    return decorator
