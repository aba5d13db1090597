"""The restricted evaluator for every expression and script in a diagram.

SpiffWorkflow hands gateway conditions, timer expressions and scripts straight to eval/exec,
so whoever can upload a diagram could run code on the server. Here every source string is
parsed with `ast`, checked against a whitelist of node types, names, attributes and functions,
rewritten so that risky operations go through runtime guards (sizes, iterations, time), then
compiled once and cached. Refusals raise ExpressionRejected (Indonesian + English); ordinary
evaluation errors (undefined name, wrong type) stay Python exceptions, which SpiffWorkflow wraps
into WorkflowTaskException.
"""
from .checker import _compile, validate_expression, validate_script
from .diagram import check_diagram_expressions
from .policy import (
                     MAX_ALLOC,
                     MAX_DATA_DEPTH,
                     MAX_DEPTH,
                     MAX_INT_BITS,
                     MAX_ITEMS,
                     MAX_ITERATIONS,
                     MAX_NODES,
                     MAX_ROUND_DIGITS,
                     MAX_SECONDS,
                     MAX_SOURCE_CHARS,
                     MAX_STEPS,
                     MAX_STRING,
                     SAFE_ATTRIBUTES,
                     SAFE_BUILTINS,
                     SAFE_METHODS,
)
from .runtime import evaluate_expression, execute_script
from .spiff import (
                     RestrictedEnvironment,
                     RestrictedScriptEngine,
                     current_data,
                     make_script_engine,
)

__all__ = [
    "MAX_ALLOC", "MAX_DATA_DEPTH", "MAX_DEPTH", "MAX_INT_BITS", "MAX_ITEMS", "MAX_ITERATIONS", "MAX_NODES",
    "MAX_ROUND_DIGITS", "MAX_SECONDS", "MAX_SOURCE_CHARS", "MAX_STEPS", "MAX_STRING", "SAFE_ATTRIBUTES",
    "SAFE_BUILTINS", "SAFE_METHODS",
    "RestrictedEnvironment", "RestrictedScriptEngine", "check_diagram_expressions", "current_data",
    "evaluate_expression", "execute_script", "make_script_engine", "validate_expression", "validate_script",
    "_compile",
]
