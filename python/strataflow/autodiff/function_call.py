"""Calling an `sf.function` under an eager tape: the call is one tape entry.

Its gradient is another staged function, made once per trace key, that
re-traces the Python function under a tape and returns the gradients of
the tensor arguments and of every variable the function uses (arguments
and captures), given the output cotangents.

    >>> w = sf.Variable(2.0)
    >>> f = sf.function(lambda x: sf.sin(x) * w)
    >>> x = sf.constant(0.0)
    >>> with sf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = f(x)                 # compiled forward
    >>> tape.gradient(y, [x, w])     # compiled backward: [w * cos(x), sin(x)]
    [<sf.Tensor: shape=(), dtype=float32, numpy=2.0>, <sf.Tensor: shape=(), dtype=float32, numpy=0.0>]
"""
from __future__ import annotations

import weakref

from strataflow.framework import context as _context
from strataflow.framework.tensor import Tensor

_VJPS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _tensor_leaves(args, kwargs) -> list:
    """The tensors among the arguments, in the order `trace_key.encode` uses."""
    out: list = []

    def walk(x):
        if isinstance(x, Tensor):
            out.append(x)
        elif isinstance(x, (list, tuple)):
            for c in x:
                walk(c)
        elif isinstance(x, dict):
            for k in sorted(x):
                walk(x[k])
    for a in args:
        walk(a)
    for k in sorted(kwargs):
        walk(kwargs[k])
    return out


def _vjp_function(function, variables):
    """The staged backward of `function` (cached per function and variables)."""
    from strataflow.autodiff.tape import GradientTape, UnconnectedGradients, _flatten
    from strataflow.staging.function import function as stage

    per_function = _VJPS.setdefault(function, {})
    key = tuple(id(v) for v in variables)
    vjp = per_function.get(key)
    if vjp is None:
        def backward(args, kwargs, dys):
            xs = _tensor_leaves(args, kwargs)
            with GradientTape() as tape:
                tape.watch(xs)
                out = function.python_function(*args, **kwargs)
            ys = [y for y in _flatten(out) if isinstance(y, Tensor) and y.dtype.is_floating]
            return tape.gradient(ys, xs + list(variables), output_gradients=list(dys),
                                 unconnected_gradients=UnconnectedGradients.ZERO)
        vjp = per_function[key] = stage(backward)
    return vjp


class _CallOp:
    __slots__ = ("name", "grad")

    def __init__(self, name, grad):
        self.name, self.grad = name, grad


def recorded_call(function, args, kwargs):
    """Runs `function(*args, **kwargs)` compiled and records it on the tapes."""
    from strataflow.autodiff.tape import _flatten
    from strataflow.staging.trace_key import encode

    tapes = _context.active_tapes()
    with _context.only_tapes([]):
        result = function(*args, **kwargs)
    outputs = tuple(o for o in _flatten(result) if isinstance(o, Tensor) and o.dtype.is_floating)
    _, tensors, variables = encode(args, kwargs)
    captured = function.get_concrete_function(*args, **kwargs).captured_variables
    variables = list(variables) + [v for v in captured if all(v is not w for w in variables)]
    variables = [v for v in variables if v.dtype.is_floating]
    if not outputs:
        return result

    def grad(ctx, *dys):
        return list(_vjp_function(function, variables)(args, kwargs, list(dys)))

    op = _CallOp(f"call {function.python_function.__name__}", grad)
    inputs = tensors + [v.handle for v in variables]
    for tape in tapes:
        tape.record(op, inputs, {}, outputs)
    return result
