"""Static checking and compilation of expressions and scripts (before anything runs)."""
from __future__ import annotations

import ast
import builtins
import functools
import re
import textwrap
from dataclasses import dataclass
from typing import Any, Iterable

from server.errors import ExpressionRejected

from .policy import (
    _CONSTANT_TYPES,
    _CONSTRUCT_NAMES,
    _EXPR_NODES,
    _FORMAT_SPEC,
    _STMT_NODES,
    MAX_DEPTH,
    MAX_NODES,
    MAX_SOURCE_CHARS,
    SAFE_ATTRIBUTES,
    SAFE_BUILTINS,
    SAFE_METHODS,
    _Refused,
)

# ---------------------------------------------------------------------------------------------
# Static check.

class _Checker:
    """Walks a parsed tree and refuses anything outside the whitelist."""

    def __init__(self, mode: str):
        self.allowed = _EXPR_NODES + (_STMT_NODES if mode == "exec" else ())
        self.nodes = 0
        self.called: set[int] = set()       # ids of nodes used as the function of a call
        self.sliced: set[int] = set()       # ids of Slice nodes directly under a Subscript
        self.called_names: set[str] = set()
        self.loop_depth = 0

    def check(self, node: ast.AST, depth: int = 0) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Refused("ekspresi terlalu panjang", "the expression is too long", "size", node)
        if depth > MAX_DEPTH:
            raise _Refused("ekspresi terlalu dalam bersarang", "the expression is nested too deeply",
                           "depth", node)
        if not isinstance(node, self.allowed):
            kind = type(node).__name__
            shown = _CONSTRUCT_NAMES.get(kind, kind)
            raise _Refused(f"konstruksi '{shown}' tidak diizinkan",
                           f"the construct '{shown}' is not allowed", kind, node)
        handler = getattr(self, "_" + type(node).__name__, None)
        if handler is not None:
            handler(node)
        if isinstance(node, ast.For):
            # break/continue only make sense inside the loop body
            self.check(node.target, depth + 1)
            self.check(node.iter, depth + 1)
            self.loop_depth += 1
            for child in node.body:
                self.check(child, depth + 1)
            self.loop_depth -= 1
            for child in node.orelse:
                self.check(child, depth + 1)
            return
        for child in ast.iter_child_nodes(node):
            self.check(child, depth + 1)

    # -- per node rules ------------------------------------------------------------------------

    def _Name(self, node: ast.Name) -> None:
        if node.id.startswith("_"):
            raise _underscore(node.id, node)

    def _Attribute(self, node: ast.Attribute) -> None:
        if node.attr.startswith("_"):
            raise _underscore(node.attr, node)
        if not isinstance(node.ctx, ast.Load):
            raise _Refused(f"mengubah atribut '.{node.attr}' tidak diizinkan",
                           f"assigning to the attribute '.{node.attr}' is not allowed", "attribute", node)
        if node.attr in SAFE_METHODS:
            if id(node) not in self.called:
                raise _Refused(f"metode '.{node.attr}' hanya boleh dipanggil, misalnya .{node.attr}(...)",
                               f"the method '.{node.attr}' may only be called, e.g. .{node.attr}(...)",
                               "attribute", node)
        elif node.attr not in SAFE_ATTRIBUTES:
            allowed = ", ".join(sorted(SAFE_METHODS | SAFE_ATTRIBUTES))
            raise _Refused(f"akses atribut '.{node.attr}' tidak diizinkan (yang boleh: {allowed})",
                           f"the attribute '.{node.attr}' is not allowed (allowed: {allowed})",
                           "attribute", node)

    def _Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name):
            name = func.id
            if name.startswith("_"):
                raise _underscore(name, node)
            if name not in SAFE_BUILTINS and hasattr(builtins, name):
                raise _Refused(f"pemanggilan fungsi '{name}' tidak diizinkan",
                               f"calling the function '{name}' is not allowed", "call", node)
            self.called_names.add(name)
        elif isinstance(func, ast.Attribute):
            self.called.add(id(func))
        else:
            raise _Refused("hanya fungsi bernama dan metode yang diizinkan boleh dipanggil",
                           "only named functions and allowed methods may be called", "call", node)

    def _Constant(self, node: ast.Constant) -> None:
        if not isinstance(node.value, _CONSTANT_TYPES):
            kind = type(node.value).__name__
            raise _Refused(f"nilai konstan bertipe '{kind}' tidak diizinkan",
                           f"constants of type '{kind}' are not allowed", "constant", node)

    def _Subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.slice, ast.Slice):
            if not isinstance(node.ctx, ast.Load):
                raise _Refused("mengisi potongan daftar (a[i:j] = ...) tidak diizinkan",
                               "assigning to a slice (a[i:j] = ...) is not allowed", "slice", node)
            self.sliced.add(id(node.slice))

    def _Slice(self, node: ast.Slice) -> None:
        if id(node) not in self.sliced:
            raise _Refused("potongan bertingkat (a[i:j, k]) tidak diizinkan",
                           "multi-dimensional slices (a[i:j, k]) are not allowed", "slice", node)

    def _comprehension(self, node: ast.comprehension) -> None:
        if node.is_async:
            raise _Refused("'async' tidak diizinkan", "'async' is not allowed", "async", node)

    def _FormattedValue(self, node: ast.FormattedValue) -> None:
        spec = node.format_spec
        if spec is None:
            return
        parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
        text = ""
        for part in parts:
            if not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
                raise _Refused("format f-string harus tetap, tanpa ekspresi di dalamnya",
                               "an f-string format spec must be fixed text, without expressions",
                               "format", node)
            text += part.value
        if not _FORMAT_SPEC.match(text) or any(len(d) > 3 for d in re.findall(r"\d+", text)):
            raise _Refused(f"format f-string '{text}' tidak diizinkan",
                           f"the f-string format spec '{text}' is not allowed", "format", node)

    def _Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            _check_target(target)

    def _AugAssign(self, node: ast.AugAssign) -> None:
        if not isinstance(node.target, (ast.Name, ast.Subscript)):
            raise _Refused("target penugasan tidak diizinkan", "this assignment target is not allowed",
                           "assign", node)

    def _For(self, node: ast.For) -> None:
        _check_target(node.target, allow_subscript=False)

    def _Break(self, node: ast.AST) -> None:
        if self.loop_depth == 0:
            raise _Refused("'break' di luar perulangan", "'break' outside a loop", "break", node)

    _Continue = _Break

    def _BinOp(self, node: ast.BinOp) -> None:
        if isinstance(node.op, ast.MatMult):
            raise _Refused("operator '@' tidak diizinkan", "the operator '@' is not allowed", "@", node)


def _check_target(target: ast.AST, allow_subscript: bool = True) -> None:
    if isinstance(target, ast.Name):
        return
    if isinstance(target, ast.Subscript) and allow_subscript:
        return
    if isinstance(target, (ast.Tuple, ast.List)):
        for elt in target.elts:
            _check_target(elt, allow_subscript)
        return
    if isinstance(target, ast.Starred):
        _check_target(target.value, allow_subscript)
        return
    raise _Refused("target penugasan tidak diizinkan (hanya nama variabel atau data[kunci])",
                   "this assignment target is not allowed (only a variable name or data[key])",
                   "assign", target)


def _underscore(name: str, node: ast.AST) -> _Refused:
    return _Refused(f"nama yang diawali garis bawah ('{name}') tidak diizinkan",
                    f"names beginning with an underscore ('{name}') are not allowed",
                    "underscore", node)


# ---------------------------------------------------------------------------------------------
# Rewrite: route risky operations through the runtime guards. Guard names start with "_",
# which the checker refuses in diagram code, so a diagram cannot reach or replace them.

def _helper(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(id=f"__alur_{name}", ctx=ast.Load()), args=list(args), keywords=[])


class _Rewriter(ast.NodeTransformer):

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        return ast.copy_location(
            _helper("binop", ast.Constant(type(node.op).__name__), node.left, node.right), node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        # The target is not visited as a whole: a[k] += v goes through augitem, which checks
        # the store itself, so its container must not be wrapped by visit_Subscript.
        node.value = self.visit(node.value)
        op = ast.Constant(type(node.op).__name__)
        target = node.target
        if isinstance(target, ast.Name):
            new = ast.Assign(targets=[ast.Name(id=target.id, ctx=ast.Store())],
                             value=_helper("binop", op, ast.Name(id=target.id, ctx=ast.Load()), node.value))
        else:  # Subscript: evaluate container and key once
            container, key = self.visit(target.value), self.visit(target.slice)
            new = ast.Expr(value=_helper("augitem", container, key, op, node.value))
        return ast.copy_location(new, node)

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        return ast.copy_location(_helper("attr", node.value, ast.Constant(node.attr)), node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name):
            node.func = ast.copy_location(_helper("fn", ast.Constant(node.func.id)), node.func)
        for kw in node.keywords:
            if kw.arg is None:
                kw.value = _helper("star", kw.value)
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.slice, ast.Slice) and isinstance(node.ctx, ast.Load):
            s = node.slice
            none = ast.Constant(None)
            return ast.copy_location(
                _helper("getslice", node.value, s.lower or none, s.upper or none, s.step or none), node)
        if isinstance(node.ctx, ast.Store):
            # a[k] = v anywhere (assignment, unpacking, comprehension target): the store is
            # checked for cycles and counted, like append.
            node.value = _helper("target", node.value)
        return node

    def visit_Starred(self, node: ast.Starred) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.ctx, ast.Load):
            node.value = _helper("star", node.value)
        return node

    def visit_Dict(self, node: ast.Dict) -> ast.AST:
        self.generic_visit(node)
        node.values = [_helper("star", v) if k is None else v for k, v in zip(node.keys, node.values)]
        return ast.copy_location(_helper("new", node), node)

    # Literals are counted once built: their size is bounded by the source, their number is not
    # (a literal inside a loop or comprehension).
    def visit_List(self, node: ast.List) -> ast.AST:
        self.generic_visit(node)
        return ast.copy_location(_helper("new", node), node) if isinstance(node.ctx, ast.Load) else node

    visit_Tuple = visit_List

    def visit_Set(self, node: ast.Set) -> ast.AST:
        self.generic_visit(node)
        return ast.copy_location(_helper("new", node), node)

    # Comprehensions are counted element by element, while they are built.
    def visit_ListComp(self, node: ast.ListComp) -> ast.AST:
        self.generic_visit(node)
        node.elt = _helper("item", node.elt)
        return node

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node: ast.DictComp) -> ast.AST:
        self.generic_visit(node)
        node.value = _helper("item", node.value)
        return node

    def visit_For(self, node: ast.For) -> ast.AST:
        self.generic_visit(node)
        node.iter = _helper("iter", node.iter)
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        self.generic_visit(node)
        node.iter = _helper("iter", node.iter)
        return node

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        self.generic_visit(node)
        node.value = _helper("fmt", node.value)
        return node


@dataclass(frozen=True)
class _Compiled:
    code: Any
    called_names: frozenset


@functools.lru_cache(maxsize=4096)
def _compile(source: str, mode: str) -> _Compiled:
    """Check, rewrite and compile one source string; cached, so hot paths never re-parse."""
    if len(source) > MAX_SOURCE_CHARS:
        raise _Refused(f"ekspresi lebih dari {MAX_SOURCE_CHARS} karakter",
                       f"the expression is longer than {MAX_SOURCE_CHARS} characters", "size")
    try:
        tree = ast.parse(source, filename="<string>", mode=mode)
    except SyntaxError as exc:
        hint_id = hint_en = ""
        if "${" in source:
            hint_id = "; gunakan ekspresi Python seperti keputusan == \"Ya\", bukan ${...}"
            hint_en = "; use a Python expression such as keputusan == \"Ya\", not ${...}"
        raise _Refused(f"sintaks Python tidak sah ({exc.msg}, baris {exc.lineno}){hint_id}",
                       f"invalid Python syntax ({exc.msg}, line {exc.lineno}){hint_en}", "syntax") from None
    except (ValueError, RecursionError, MemoryError):
        raise _Refused("ekspresi tidak dapat dibaca", "the expression cannot be parsed", "syntax") from None
    checker = _Checker(mode)
    checker.check(tree)
    tree = ast.fix_missing_locations(_Rewriter().visit(tree))
    # "<string>" lets SpiffWorkflow find the failing line of a script in the traceback.
    code = compile(tree, "<string>", mode)
    return _Compiled(code, frozenset(checker.called_names))


def _prepare(source: str, mode: str) -> str:
    if not isinstance(source, str):
        raise TypeError(f"expression must be a string, not {type(source).__name__}")
    return source.strip() if mode == "eval" else textwrap.dedent(source)


def _compiled(source: str, mode: str, functions: Iterable[str] | None = None) -> _Compiled:
    """Compiled form of `source`, or ExpressionRejected saying what is refused and where."""
    what_id, what_en = ("Ekspresi", "Expression") if mode == "eval" else ("Skrip", "Script")
    try:
        compiled = _compile(_prepare(source, mode), mode)
    except _Refused as r:
        where_id = f" (baris {r.line})" if r.line and mode == "exec" else ""
        where_en = f" (line {r.line})" if r.line and mode == "exec" else ""
        raise ExpressionRejected(
            f"{what_id} ditolak: {r.reason_id}{where_id}.",
            f"{what_en} rejected: {r.reason_en}{where_en}.",
            construct=r.construct, source=_snippet(source), line=r.line,
        ) from None
    if functions is not None:
        unknown = sorted(compiled.called_names - SAFE_BUILTINS - set(functions))
        if unknown:
            known = ", ".join(sorted(SAFE_BUILTINS | set(functions)))
            raise ExpressionRejected(
                f"{what_id} ditolak: fungsi '{unknown[0]}' tidak dikenal (yang tersedia: {known}).",
                f"{what_en} rejected: unknown function '{unknown[0]}' (available: {known}).",
                construct="call", source=_snippet(source),
            )
    return compiled


def _snippet(source: Any) -> str:
    text = str(source).strip()
    return text if len(text) <= 200 else text[:197] + "..."


def validate_expression(source: str, functions: Iterable[str] | None = None) -> None:
    """Refuse (ExpressionRejected) an expression the evaluator would not run.

    With `functions` (the names Alur registers), calls to any other function are refused too.
    """
    _compiled(source, "eval", functions)


def validate_script(source: str, functions: Iterable[str] | None = None) -> None:
    """Refuse (ExpressionRejected) a script the evaluator would not run."""
    _compiled(source, "exec", functions)
