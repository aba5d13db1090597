"""The restricted evaluator plugged into SpiffWorkflow as its script environment."""
from __future__ import annotations

import builtins
from contextvars import ContextVar
from typing import Callable

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from server.errors import ExpressionRejected

from .checker import validate_expression
from .runtime import _run_script, evaluate_expression

# ---------------------------------------------------------------------------------------------
# SpiffWorkflow integration.

_current_data: ContextVar = ContextVar("alur_expression_data", default=None)


def current_data() -> dict:
    """The task data an expression is being evaluated against (for registered functions)."""
    return _current_data.get() or {}


class RestrictedEnvironment(TaskDataEnvironment):
    """Task-data environment whose evaluate/execute go through the restricted evaluator."""

    def __init__(self, functions: dict[str, Callable] | None = None):
        functions = dict(functions or {})
        for name in functions:
            if not name.isidentifier() or name.startswith("_") or hasattr(builtins, name):
                raise ValueError(f"cannot register a diagram function named {name!r}")
        super().__init__(functions)

    def evaluate(self, expression, context, external_context=None):
        # Same precedence as the base class: task data wins over the external context.
        data = dict(external_context or {})
        data.update(context)
        token = _current_data.set(data)
        try:
            return evaluate_expression(expression, data, self.globals)
        finally:
            _current_data.reset(token)

    def execute(self, script, context, external_context=None):
        # Like the base class: the script sees the external context (data objects) and the task
        # data, and only the task data is updated; names of the external context stay out of it.
        external = external_context or {}
        data = dict(external)
        data.update(context)
        changed = _run_script(script, data, self.globals)
        context.update({k: v for k, v in changed.items() if k in context or k not in external})
        return True


class RestrictedScriptEngine(PythonScriptEngine):
    """PythonScriptEngine that lets refusals through as ExpressionRejected and names the error."""

    def validate(self, expression):
        validate_expression(expression)

    def evaluate(self, task, expression, external_context=None):
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except ExpressionRejected:
            raise
        except SpiffWorkflowException as exc:
            exc.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as exc:
            raise WorkflowTaskException(
                f"Error evaluating expression '{expression}': {type(exc).__name__}: {exc}",
                task=task, exception=exc) from exc

    def execute(self, task, script, external_context=None):
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except ExpressionRejected:
            raise
        except Exception as exc:
            raise self.create_task_exec_exception(task, script, exc) from exc

    def create_task_exec_exception(self, task, script, err):
        if isinstance(err, SpiffWorkflowException):
            return super().create_task_exec_exception(task, script, err)
        # The base class concatenates err.args[0], which fails for non-string args (KeyError(3)).
        line_number, error_line = self.get_error_line_number_and_content(script, err)
        return WorkflowTaskException(f"{type(err).__name__}: {err}", task=task, exception=err,
                                     line_number=line_number, error_line=error_line)


def make_script_engine(functions: dict[str, Callable] | None = None) -> PythonScriptEngine:
    """The script engine every Alur workflow must use; `functions` are callable from diagrams."""
    return RestrictedScriptEngine(environment=RestrictedEnvironment(functions))
