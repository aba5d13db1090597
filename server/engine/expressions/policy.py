"""What diagram expressions may do: node types, names, methods and the resource limits."""
from __future__ import annotations

import ast
import re
from datetime import date, datetime, timedelta
from datetime import time as dtime

# ---------------------------------------------------------------------------------------------
# Limits. Generous for an SOP (a condition reads a few fields), tight enough that one
# expression cannot take the server's memory or CPU.

MAX_SOURCE_CHARS = 20_000      # one expression or script
MAX_NODES = 5_000              # AST nodes in one expression or script
MAX_DEPTH = 100                # AST nesting
MAX_ITERATIONS = 100_000       # loop and comprehension steps, per evaluation
MAX_STEPS = 1_000_000          # guarded operations, per evaluation
MAX_SECONDS = 2.0              # wall clock, per evaluation
MAX_STRING = 1_000_000         # characters in one string built by an expression
MAX_ITEMS = 100_000            # items in one list/tuple/range built by an expression
MAX_ALLOC = 5_000_000          # characters + items built, in total, per evaluation (literals and
                               # comprehension elements included); also the size of the data it
                               # leaves behind, counted as stored (a shared value once per use)
MAX_DATA_DEPTH = 100           # nesting of lists/dicts/tuples/sets an evaluation leaves behind
MAX_INT_BITS = 65_536          # size of an integer built by *, ** or <<
MAX_ROUND_DIGITS = 100         # |ndigits| of round()

# ---------------------------------------------------------------------------------------------
# Whitelists.

_EXPR_NODES = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.BinOp, ast.UnaryOp, ast.Not, ast.UAdd,
    ast.USub, ast.Invert, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
    ast.LShift, ast.RShift, ast.BitOr, ast.BitXor, ast.BitAnd, ast.Compare, ast.Eq, ast.NotEq,
    ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot, ast.IfExp, ast.Call,
    ast.keyword, ast.Constant, ast.Name, ast.Attribute, ast.Subscript, ast.Slice, ast.List,
    ast.Tuple, ast.Dict, ast.Set, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
    ast.comprehension, ast.JoinedStr, ast.FormattedValue, ast.Starred, ast.Load, ast.Store,
)
# Scripts add these statements; break/continue are harmless inside a bounded for.
_STMT_NODES = (
    ast.Module, ast.Assign, ast.AugAssign, ast.If, ast.For, ast.Expr, ast.Pass, ast.Break,
    ast.Continue,
)

_CONSTANT_TYPES = (str, int, float, bool, type(None))

# Builtins callable from diagrams. Wrapped ones (see _Runtime) count what they build.
SAFE_BUILTINS = frozenset({
    "len", "min", "max", "sum", "abs", "round", "int", "float", "str", "bool", "sorted", "any",
    "all", "list", "dict", "set", "tuple", "range", "enumerate", "zip",
})

# Methods (must be called) and plain attributes, by the type they may be used on.
_STR_METHODS = frozenset({
    "lower", "upper", "strip", "lstrip", "rstrip", "startswith", "endswith", "split", "rsplit",
    "splitlines", "join", "count", "index", "find", "rfind", "replace", "title", "capitalize",
    "casefold", "isdigit", "isdecimal", "isnumeric", "isalpha", "isalnum", "isspace", "islower",
    "isupper", "removeprefix", "removesuffix", "partition", "rpartition",
})
_LIST_METHODS = frozenset({"count", "index", "append"})
_TUPLE_METHODS = frozenset({"count", "index"})
_DICT_METHODS = frozenset({"get", "keys", "values", "items"})
_DATE_METHODS = frozenset({"isoformat", "weekday", "isoweekday"})
_DATETIME_METHODS = _DATE_METHODS | {"date"}
_TIMEDELTA_METHODS = frozenset({"total_seconds"})
_DATE_ATTRS = frozenset({"year", "month", "day"})
_DATETIME_ATTRS = _DATE_ATTRS | {"hour", "minute", "second"}
_TIME_ATTRS = frozenset({"hour", "minute", "second"})
_TIMEDELTA_ATTRS = frozenset({"days", "seconds"})

# Checked in this order: datetime before date, as a datetime is a date.
_ATTRS_BY_TYPE: tuple[tuple[type, frozenset], ...] = (
    (str, _STR_METHODS),
    (list, _LIST_METHODS),
    (tuple, _TUPLE_METHODS),
    (dict, _DICT_METHODS),
    (datetime, _DATETIME_METHODS | _DATETIME_ATTRS),
    (date, _DATE_METHODS | _DATE_ATTRS),
    (dtime, frozenset({"isoformat"}) | _TIME_ATTRS),
    (timedelta, _TIMEDELTA_METHODS | _TIMEDELTA_ATTRS),
)
SAFE_METHODS = (_STR_METHODS | _LIST_METHODS | _TUPLE_METHODS | _DICT_METHODS | _DATETIME_METHODS
                | _TIMEDELTA_METHODS | {"isoformat"})
SAFE_ATTRIBUTES = _DATETIME_ATTRS | _TIMEDELTA_ATTRS

# Friendlier names for refused constructs, for the process owner reading the message.
_CONSTRUCT_NAMES = {
    "Import": "import", "ImportFrom": "import", "Lambda": "lambda", "FunctionDef": "def",
    "AsyncFunctionDef": "async def", "ClassDef": "class", "While": "while", "Try": "try",
    "TryStar": "try", "With": "with", "AsyncWith": "async with", "AsyncFor": "async for",
    "Global": "global", "Nonlocal": "nonlocal", "Delete": "del", "NamedExpr": ":=",
    "Yield": "yield", "YieldFrom": "yield from", "Await": "await", "Raise": "raise",
    "Assert": "assert", "Return": "return", "Match": "match", "MatMult": "@",
    "AnnAssign": "anotasi tipe / type annotation",
}

_FORMAT_SPEC = re.compile(r"^[A-Za-z0-9<>=^+\- #,_.%]*$")


class _Refused(Exception):
    """A static refusal, turned into ExpressionRejected with the source attached."""

    def __init__(self, reason_id: str, reason_en: str, construct: str, node: ast.AST | None = None):
        super().__init__(reason_en)
        self.reason_id = reason_id
        self.reason_en = reason_en
        self.construct = construct
        self.line = getattr(node, "lineno", None)
