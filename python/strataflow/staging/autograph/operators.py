"""What converted code calls (`ag__.if_stmt`, ...): Python or staged, decided
when it runs.

The rule is TensorFlow 2's: a statement is staged when its condition (or
iterable) is a tensor inside a trace; with a Python value it runs as plain
Python. A Python `while` whose condition becomes a tensor midway continues
as a staged loop from the current state.
"""
from __future__ import annotations

import sys

from strataflow.framework import context as _context
from strataflow.framework.tensor import Tensor
from strataflow.framework.variables import Variable
from strataflow.staging import control_flow
from strataflow.staging.autograph.transformer import RETVAL

_PLACEHOLDERS = (RETVAL,)


class Undefined:
    """A variable that has no value (yet) in converted code; any use raises.

    `reason` says why, e.g. "'y' is defined only in the true branch of the
    conditional at f.py:12".
    """

    __slots__ = ("name", "reason")

    def __init__(self, name: str, reason: str | None = None):
        self.name = name
        self.reason = reason

    def fail(self):
        raise UnboundLocalError(self.reason or f"local variable {self.name!r} is used before it is assigned")

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        self.fail()

    def __repr__(self) -> str:
        return f"<undefined {self.name}>"

    def __bool__(self):
        self.fail()

    def __iter__(self):
        self.fail()

    def __call__(self, *args, **kwargs):
        self.fail()

    def __getitem__(self, key):
        self.fail()


def _failing(name):
    def method(self, *args):
        self.fail()
    method.__name__ = name
    return method


for _op in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "lt", "le", "gt",
            "ge", "and", "or", "xor", "lshift", "rshift"):
    for _name in (f"__{_op}__", f"__r{_op}__"):
        setattr(Undefined, _name, _failing(_name))
for _name in ("__neg__", "__pos__", "__abs__", "__invert__", "__len__", "__index__", "__int__",
              "__float__", "__array__"):
    setattr(Undefined, _name, _failing(_name))


class UndefinedReturnValue(Undefined):
    """The return value before a `return` ran."""

    def __init__(self):
        super().__init__(RETVAL, "the function did not return a value on every path")


def retval(value):
    """The function's result: None where no `return` ran (as in Python); an
    undefined variable returned raises, as Python would."""
    if isinstance(value, Undefined):
        if isinstance(value, UndefinedReturnValue):
            return None
        value.fail()
    if isinstance(value, tuple):
        for v in value:
            if isinstance(v, Undefined):
                v.fail()
    return value


def _where(lineno: int, depth: int = 2) -> str:
    return f"{sys._getframe(depth).f_code.co_filename}:{lineno}"


def _staged(x) -> bool:
    return isinstance(x, Tensor) and _context._state.graph is not None


def _value(x):
    return x.read_value() if isinstance(x, Variable) else x


# ---------------------------------------------------------------------------
# statements
# ---------------------------------------------------------------------------

def if_stmt(cond, true_fn, false_fn, state, names, lineno):
    cond = _value(cond)
    if _staged(cond):
        return control_flow.stage_if(cond, true_fn, false_fn, state, names, _where(lineno),
                                     _PLACEHOLDERS)
    return true_fn(*state) if cond else false_fn(*state)


def while_stmt(test, body, state, names, lineno, options):
    limit = options.get("maximum_iterations")
    n = 0
    while True:
        c = _value(test(*state))
        if _staged(c):
            return control_flow.stage_while(
                test, body, state, names, _where(lineno),
                options.get("shape_invariants", ()), None if limit is None else limit - n,
                _PLACEHOLDERS)
        if not c or (limit is not None and n >= limit):
            return state
        state = body(*state)
        n += 1


def for_stmt(iterable, extra_test, body, state, names, lineno, options):
    iterable = _value(iterable)
    if _staged(iterable):
        return _staged_for(iterable, extra_test, body, state, names, _where(lineno), options)
    limit = options.get("maximum_iterations")
    for n, item in enumerate(iterable):
        if limit is not None and n >= limit:
            break
        if extra_test is not None:
            c = _value(extra_test(*state))
            if _staged(c):  # e.g. a break under a tensor condition: guard each iteration
                state = control_flow.stage_if(c, lambda *s, item=item: body(item, *s),
                                              lambda *s: s, state, names, _where(lineno),
                                              _PLACEHOLDERS)
                continue
            if not c:
                break
        state = body(item, *state)
    return state


def _staged_for(iterable, extra_test, body, state, names, where, options):
    """`for x in <tensor>` as an `sf.while` over an index (or a range's counter)."""
    from strataflow.ops import array_ops, math_ops

    if getattr(iterable, "_range", None) is not None:
        start, limit, delta = iterable._range
        known = delta._const_value()
        if known is not None:
            done = (lambda i: math_ops.less(i, limit)) if known > 0 else (
                lambda i: math_ops.greater(i, limit))
        else:
            # the sign is known only at run time: count up or down by it (as
            # TF's runtime branch); a zero delta runs no iterations
            def done(i):
                up = math_ops.logical_and(math_ops.greater(delta, 0), math_ops.less(i, limit))
                down = math_ops.logical_and(math_ops.less(delta, 0), math_ops.greater(i, limit))
                return math_ops.logical_or(up, down)

        def element(i):
            return i
        first = start
        step = delta
    else:
        if iterable.shape.rank in (None, 0):
            raise TypeError(f"loop at {where}: cannot iterate over a tensor of shape {iterable.shape}")
        n = iterable.shape[0]
        n = array_ops.shape(iterable)[0] if n is None else n

        def element(i):
            return array_ops.gather(iterable, i, axis=0)
        first = 0
        done = (lambda i: math_ops.less(i, n))
        step = 1

    def test(i, *s):
        c = done(i)
        if extra_test is None:
            return c
        more = _value(extra_test(*s))
        if isinstance(more, Tensor):
            return math_ops.logical_and(c, more)
        return c if more else False

    def loop_body(i, *s):
        return (math_ops.add(i, step),) + tuple(body(element(i), *s))

    invariants = options.get("shape_invariants", ())
    out = control_flow.stage_while(test, loop_body, (first,) + tuple(state), ("<loop index>",) + tuple(names),
                                   where, invariants, options.get("maximum_iterations"), _PLACEHOLDERS)
    return tuple(out[1:])


# ---------------------------------------------------------------------------
# expressions
# ---------------------------------------------------------------------------

def and_(a, b):
    x = _value(a())
    if _staged(x):
        return control_flow.stage_if(x, lambda: _as_bool(b()), lambda: x)
    return x and b()


def or_(a, b):
    x = _value(a())
    if _staged(x):
        return control_flow.stage_if(x, lambda: x, lambda: _as_bool(b()))
    return x or b()


def _as_bool(x):
    from strataflow.framework.tensor import convert_to_tensor

    return convert_to_tensor(_value(x))


def not_(x):
    x = _value(x)
    if isinstance(x, Tensor):
        from strataflow.ops import math_ops

        return math_ops.logical_not(x)
    return not x


def if_exp(cond, true_fn, false_fn, lineno):
    cond = _value(cond)
    if _staged(cond):
        return control_flow.stage_if(cond, true_fn, false_fn, where=_where(lineno))
    return true_fn() if cond else false_fn()
