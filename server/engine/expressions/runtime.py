"""Running compiled expressions and scripts under guards (sizes, iterations, time)."""
from __future__ import annotations

import builtins
import operator
import time
from itertools import chain
from typing import Any, Callable

from server.errors import ExpressionRejected

from .checker import _compiled
from .policy import (
    _ATTRS_BY_TYPE,
    MAX_ALLOC,
    MAX_DATA_DEPTH,
    MAX_INT_BITS,
    MAX_ITEMS,
    MAX_ITERATIONS,
    MAX_ROUND_DIGITS,
    MAX_SECONDS,
    MAX_STEPS,
    MAX_STRING,
    SAFE_ATTRIBUTES,
    SAFE_BUILTINS,
)

# ---------------------------------------------------------------------------------------------
# Runtime guards: one _Runtime per evaluation holds its budgets.

_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "Add": operator.add, "Sub": operator.sub, "Mult": operator.mul, "Div": operator.truediv,
    "FloorDiv": operator.floordiv, "Mod": operator.mod, "Pow": operator.pow,
    "LShift": operator.lshift, "RShift": operator.rshift, "BitOr": operator.or_,
    "BitXor": operator.xor, "BitAnd": operator.and_,
}
_SIZED = (str, list, tuple, dict, set, frozenset)
# Builtins that build a new container: what they build is counted against MAX_ALLOC.
_CONSTRUCTORS = frozenset({"list", "dict", "set", "tuple", "sorted"})


def _too_big(what_id: str, what_en: str) -> ExpressionRejected:
    return ExpressionRejected(
        f"Perhitungan dihentikan: {what_id} melebihi batas yang diizinkan.",
        f"Evaluation stopped: {what_en} exceeds the allowed limit.",
        construct="limit",
    )


def _measure(obj: Any, limit: int) -> int:
    """Characters + items reachable from obj, stopping once past limit (cycles included)."""
    total, stack = 0, [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, str):
            total += len(o)
        elif isinstance(o, dict):
            total += len(o) + 1
            stack.extend(o.keys())
            stack.extend(o.values())
        elif isinstance(o, (list, tuple, set, frozenset)):
            total += len(o) + 1
            stack.extend(o)
        elif isinstance(o, range):
            total += len(o) + 1
        else:
            total += 1
        if total > limit:
            return total
    return total


_CONTAINERS = (dict, list, tuple, set, frozenset)
_HOLDERS = (dict, list, tuple)  # what can hold a list or dict


def _cyclic() -> ExpressionRejected:
    return ExpressionRejected(
        "Perhitungan dihentikan: data tidak boleh memuat dirinya sendiri (acuan melingkar).",
        "Evaluation stopped: data may not contain itself (circular reference).",
        construct="cycle",
    )


def _too_deep() -> ExpressionRejected:
    return ExpressionRejected(
        f"Perhitungan dihentikan: data bersarang lebih dari {MAX_DATA_DEPTH} tingkat "
        "(atau memuat dirinya sendiri).",
        f"Evaluation stopped: the data is nested more than {MAX_DATA_DEPTH} levels deep "
        "(or contains itself).",
        construct="depth",
    )


def _weigh(obj: Any, limit: int) -> int:
    """Characters + items of obj as it will be stored, stopping once past limit.

    Unlike _measure, a part shared by several containers counts each time (JSON writes it each
    time), and data nested deeper than MAX_DATA_DEPTH is refused: the task data must stay a
    tree that JSON and the engine's recursive code can handle. Data that contains itself is
    infinitely deep, so it is refused too (stores refuse it earlier, with a clearer message).
    Read level by level: no recursion, and no bookkeeping per container.
    """
    if not isinstance(obj, _CONTAINERS):
        return len(obj) if isinstance(obj, (str, range)) else 1
    total, level, depth = 0, [obj], 0
    while level:
        depth += 1
        if depth > MAX_DATA_DEPTH:
            raise _too_deep()
        below = []
        for item in level:
            total += len(item) + 1
            for child in (chain(item, item.values()) if isinstance(item, dict) else item):
                if isinstance(child, str):
                    total += len(child)
                elif isinstance(child, _CONTAINERS):
                    below.append(child)
                elif isinstance(child, range):
                    total += len(child) + 1
                else:
                    total += 1
            if total > limit:
                return total
        level = below
    return total


def _is_int(x: Any) -> bool:
    return isinstance(x, int)


class _Target:
    """Stands for the container in `a[k] = v`, so that the store is checked before it happens.

    Only the rewritten code creates one, directly as the object of a store: diagram code never
    holds it, so it needs nothing but __setitem__.
    """

    __slots__ = ("runtime", "container")

    def __init__(self, runtime: "_Runtime", container: Any):
        self.runtime = runtime
        self.container = container

    def __setitem__(self, key: Any, value: Any) -> None:
        self.runtime.store(self.container, key, value)


class _Runtime:
    """Budgets and guard functions for one evaluation."""

    def __init__(self, functions: dict[str, Callable]):
        self.functions = functions
        self.steps = 0
        self.iterations = 0
        self.alloc = 0
        self.mutated = False  # a container was changed in place (append, a[k] = v)
        self.deadline = time.monotonic() + MAX_SECONDS

    def namespace(self, data: dict) -> dict:
        ns = {k: v for k, v in data.items() if isinstance(k, str) and not k.startswith("_")}
        ns.update({
            "__alur_binop": self.binop, "__alur_augitem": self.augitem, "__alur_attr": self.attr,
            "__alur_fn": self.fn, "__alur_iter": self.iterate, "__alur_getslice": self.getslice,
            "__alur_star": self.star, "__alur_fmt": self.fmt, "__alur_new": self.new,
            "__alur_item": self.item, "__alur_target": self.target,
        })
        # Must be present and empty: without it Python would fall back to the real builtins.
        ns["__builtins__"] = {}
        return ns

    # -- budgets -------------------------------------------------------------------------------

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _too_big("jumlah langkah perhitungan", "the number of computation steps")
        if not self.steps & 255 and time.monotonic() > self.deadline:
            raise _too_big(f"waktu perhitungan ({MAX_SECONDS:g} detik)",
                           f"the computation time ({MAX_SECONDS:g} seconds)")

    def charge(self, result: Any) -> Any:
        if isinstance(result, _SIZED):
            self.alloc += len(result)
            if self.alloc > MAX_ALLOC:
                raise _too_big("jumlah data yang dibuat", "the amount of data built")
        return result

    def spend(self, steps: int) -> None:
        """Counts work done in one go (a scan over a container) against the step budget."""
        self.steps += steps
        if self.steps > MAX_STEPS:
            raise _too_big("jumlah langkah perhitungan", "the number of computation steps")

    def check_left(self, values: Any) -> None:
        """The data an evaluation leaves behind (assigned names, a returned value, and all the
        data if something was changed in place) must be a tree of bounded size and depth: it
        is stored as JSON, where every reference to a shared value is written out again."""
        total = 0
        for value in values:
            if isinstance(value, (_CONTAINERS, str)):
                total += _weigh(value, MAX_ALLOC - total)
                if total > MAX_ALLOC:
                    raise _too_big("jumlah data yang disimpan", "the amount of data stored")

    # -- guards --------------------------------------------------------------------------------

    def binop(self, op: str, a: Any, b: Any) -> Any:
        self.tick()
        if op in ("Add", "Mult"):
            self._check_sequence_op(op, a, b)
        elif op == "Pow" and _is_int(a) and _is_int(b):
            if b > 0 and abs(a) > 1 and abs(a).bit_length() * b > MAX_INT_BITS:
                raise _too_big("hasil pemangkatan (**)", "the result of the power (**)")
        elif op == "LShift" and _is_int(a) and _is_int(b):
            if b > 0 and a and a.bit_length() + b > MAX_INT_BITS:
                raise _too_big("hasil pergeseran (<<)", "the result of the shift (<<)")
        elif op == "Mod" and isinstance(a, str):
            raise ExpressionRejected(
                "Ekspresi ditolak: format teks dengan '%' tidak diizinkan; gunakan f-string.",
                "Expression rejected: '%' string formatting is not allowed; use an f-string.",
                construct="%")
        return self.charge(_OPERATORS[op](a, b))

    def _check_sequence_op(self, op: str, a: Any, b: Any) -> None:
        seqs = (str, list, tuple)
        if op == "Add":
            if isinstance(a, seqs) and isinstance(b, seqs):
                self._check_len(a, len(a) + len(b))
            return
        if isinstance(b, seqs) and _is_int(a):
            a, b = b, a
        if isinstance(a, seqs) and _is_int(b):
            if b <= 0 or not a:
                return
            self._check_len(a, len(a) * b)
            if not isinstance(a, str) and _measure(a, MAX_ALLOC) * b > MAX_ALLOC:
                raise _too_big("hasil perkalian daftar", "the repeated list")
        elif _is_int(a) and _is_int(b) and a.bit_length() + b.bit_length() > MAX_INT_BITS:
            raise _too_big("hasil perkalian bilangan", "the product")

    @staticmethod
    def _check_len(kind: Any, length: int) -> None:
        if isinstance(kind, str):
            if length > MAX_STRING:
                raise _too_big(f"panjang teks ({MAX_STRING} karakter)",
                               f"the text length ({MAX_STRING} characters)")
        elif length > MAX_ITEMS:
            raise _too_big(f"panjang daftar ({MAX_ITEMS} butir)", f"the list length ({MAX_ITEMS} items)")

    def augitem(self, container: Any, key: Any, op: str, value: Any) -> None:
        self.store(container, key, self.binop(op, container[key], value))

    def store(self, container: Any, key: Any, value: Any) -> None:
        """a[k] = v: refused if v contains a (a cycle); a new dict key counts as an item built."""
        self.tick()
        if isinstance(container, (list, dict)):
            self._refuse_cycle(container, value)
            if isinstance(container, dict) and key not in container:
                self._check_len(container, len(container) + 1)
                self.alloc += 1
                if self.alloc > MAX_ALLOC:
                    raise _too_big("jumlah data yang dibuat", "the amount of data built")
            self.mutated = True
        container[key] = value

    def _refuse_cycle(self, container: Any, value: Any) -> None:
        """Putting value into container closes a cycle exactly when value reaches container.
        Only lists, dicts and tuples can hold a list or dict (set items and dict keys are
        hashable), so only they are searched; the scan is paid from the step budget."""
        if not isinstance(value, _HOLDERS):
            return
        if value is container:
            raise _cyclic()
        seen: set[int] = set()
        level = [value]
        while level:
            below = []
            for item in level:
                if id(item) in seen:
                    continue
                seen.add(id(item))
                self.spend(len(item))
                for child in (item.values() if isinstance(item, dict) else item):
                    if isinstance(child, _HOLDERS):
                        if child is container:
                            raise _cyclic()
                        below.append(child)
            level = below

    def attr(self, obj: Any, name: str) -> Any:
        self.tick()
        for kind, allowed in _ATTRS_BY_TYPE:
            if isinstance(obj, kind):
                if name not in allowed:
                    break
                value = getattr(obj, name)
                if name in SAFE_ATTRIBUTES and not callable(value):
                    return value
                return self._guarded_method(obj, name, value)
        raise AttributeError(
            f"'{type(obj).__name__}' value has no allowed attribute '{name}' "
            f"(nilai bertipe '{type(obj).__name__}' tidak memiliki atribut '{name}' yang diizinkan)")

    def _guarded_method(self, obj: Any, name: str, method: Callable) -> Callable:
        if isinstance(obj, str) and name == "join":
            return self._join(obj)
        if isinstance(obj, str) and name == "replace":
            return self._replace(obj)
        if isinstance(obj, list) and name == "append":
            def append(item: Any) -> None:
                self._check_len(obj, len(obj) + 1)
                self._refuse_cycle(obj, item)
                self.alloc += 1
                if self.alloc > MAX_ALLOC:
                    raise _too_big("jumlah data yang dibuat", "the amount of data built")
                self.mutated = True
                obj.append(item)
            return append

        def call(*args: Any, **kwargs: Any) -> Any:
            return self.charge(method(*args, **kwargs))
        return call

    def _join(self, sep: str) -> Callable:
        def join(iterable: Any) -> str:
            items = list(self.iterate(iterable))
            size = sum(len(s) for s in items if isinstance(s, str)) + len(sep) * max(len(items) - 1, 0)
            self._check_len(sep, size)
            return self.charge(sep.join(items))
        return join

    def _replace(self, text: str) -> Callable:
        def replace(old: str, new: str, count: int = -1) -> str:
            if isinstance(old, str) and isinstance(new, str):
                hits = text.count(old) if old else len(text) + 1
                if isinstance(count, int) and count >= 0:
                    hits = min(hits, count)
                self._check_len(text, len(text) + hits * (len(new) - len(old)))
            return self.charge(text.replace(old, new, count))
        return replace

    def fn(self, name: str) -> Callable:
        self.tick()
        if name in SAFE_BUILTINS:
            wrapped = getattr(self, "b_" + name, None)
            if wrapped is not None:
                return wrapped
            func = getattr(builtins, name)
            return self._charged(func) if name in _CONSTRUCTORS else func
        if name in self.functions:
            return self.functions[name]
        raise ExpressionRejected(
            f"Ekspresi ditolak: fungsi '{name}' tidak dikenal atau tidak diizinkan.",
            f"Expression rejected: the function '{name}' is unknown or not allowed.",
            construct="call")

    def _charged(self, func: Callable) -> Callable:
        def call(*args: Any, **kwargs: Any) -> Any:
            return self.charge(func(*args, **kwargs))
        return call

    def iterate(self, iterable: Any):
        for item in iterable:
            self.iterations += 1
            if self.iterations > MAX_ITERATIONS:
                raise _too_big(f"jumlah putaran ({MAX_ITERATIONS})", f"the number of iterations ({MAX_ITERATIONS})")
            self.tick()
            yield item

    def getslice(self, obj: Any, lower: Any, upper: Any, step: Any) -> Any:
        self.tick()
        return self.charge(obj[lower:upper:step])

    def new(self, value: Any) -> Any:
        """A list, tuple, set or dict literal, just built: its items count as built."""
        self.tick()
        return self.charge(value)

    def item(self, value: Any) -> Any:
        """One element produced by a comprehension or generator expression."""
        self.alloc += 1
        if self.alloc > MAX_ALLOC:
            raise _too_big("jumlah data yang dibuat", "the amount of data built")
        return value

    def target(self, container: Any) -> _Target:
        return _Target(self, container)

    def star(self, value: Any) -> Any:
        self.tick()
        if isinstance(value, (_SIZED, range)):
            self.alloc += len(value)
            if self.alloc > MAX_ALLOC:
                raise _too_big("jumlah data yang dibuat", "the amount of data built")
        return value

    def fmt(self, value: Any) -> Any:
        self.tick()
        if not isinstance(value, (str, int, float, bool, type(None))):
            size = _measure(value, MAX_STRING)
            if size > MAX_STRING:
                raise _too_big(f"panjang teks ({MAX_STRING} karakter)",
                               f"the text length ({MAX_STRING} characters)")
            self.alloc += size
        else:
            self.charge(value)
        return value

    # -- wrapped builtins ----------------------------------------------------------------------

    def b_str(self, *args: Any) -> str:
        if len(args) > 1:
            raise TypeError("str() takes at most one argument here")
        if args and not isinstance(args[0], (str, int, float, bool, type(None))):
            if _measure(args[0], MAX_STRING) > MAX_STRING:
                raise _too_big(f"panjang teks ({MAX_STRING} karakter)",
                               f"the text length ({MAX_STRING} characters)")
        return self.charge(str(*args))

    def b_range(self, *args: Any) -> range:
        r = range(*args)
        try:
            n = len(r)
        except OverflowError:
            n = MAX_ITEMS + 1
        if n > MAX_ITEMS:
            raise _too_big(f"panjang range ({MAX_ITEMS})", f"the range length ({MAX_ITEMS})")
        return r

    def b_round(self, number: Any, ndigits: Any = None) -> Any:
        if _is_int(ndigits) and abs(ndigits) > MAX_ROUND_DIGITS:
            raise _too_big("jumlah digit round()", "the digits of round()")
        return round(number, ndigits)

    def b_sum(self, iterable: Any, start: Any = 0) -> Any:
        if not isinstance(start, (int, float)):
            raise TypeError("sum() only adds numbers here (jumlahkan hanya bilangan)")
        return sum(iterable, start)


def evaluate_expression(source: str, data: dict, functions: dict[str, Callable] | None = None) -> Any:
    """Evaluate one expression against `data`; refusals raise ExpressionRejected."""
    compiled = _compiled(source, "eval")
    runtime = _Runtime(functions or {})
    result = eval(compiled.code, runtime.namespace(data))
    # A result may be stored (a message payload, a collection); an append may have changed data.
    runtime.check_left([result, *data.values()] if runtime.mutated else [result])
    return result


def execute_script(source: str, data: dict, functions: dict[str, Callable] | None = None) -> None:
    """Run a script against `data`; the names it assigns are written back into `data`."""
    data.update(_run_script(source, data, functions))


_LAZY_TYPES = (range, type({}.keys()), type({}.values()), type({}.items()))


def _run_script(source: str, data: dict, functions: dict[str, Callable] | None) -> dict:
    """Run a script and return the names it (re)assigned; `data` itself is only mutated in
    place by the script (d["k"] = v, lst.append(v)), as with SpiffWorkflow's exec."""
    compiled = _compiled(source, "exec")
    runtime = _Runtime(functions or {})
    ns = runtime.namespace(data)
    before = dict(ns)
    exec(compiled.code, ns)
    changed = {}
    for key, value in ns.items():
        if key.startswith("_") or (key in before and before[key] is value):
            continue
        if hasattr(value, "__next__") or isinstance(value, _LAZY_TYPES) or callable(value):
            # zip(), enumerate(), d.keys() ...: not storable in the task data
            raise TypeError(
                f"the script stored a {type(value).__name__} in '{key}', which cannot be kept in the "
                f"task data; wrap it in list(...) (skrip menyimpan nilai {type(value).__name__} ke "
                f"'{key}' yang tidak dapat disimpan; bungkus dengan list(...))")
        changed[key] = value
    if runtime.mutated:
        runtime.check_left(v for k, v in ns.items() if not k.startswith("_"))
    else:
        runtime.check_left(changed.values())
    return changed
