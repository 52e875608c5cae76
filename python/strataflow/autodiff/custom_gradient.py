"""`sf.custom_gradient` and `sf.recompute_grad`.

Each active tape records a decorated function as one entry whose gradient
rule is the user's `grad_fn`: its outputs are fresh tensors, so no gradient
flows through its inner ops. Those ops are still recorded (unless
`recompute_grad` asks otherwise), so a `grad_fn` using values computed from
the inputs is itself differentiable (higher order). Variables read inside it are found by a
watcher tape and passed as `grad_fn(*dys, variables=[...])`.

    >>> @sf.custom_gradient
    ... def clip_grad(x):
    ...     def grad(dy):
    ...         return sf.clip_by_value(dy, -1.0, 1.0)
    ...     return sf.identity(x), grad
"""
from __future__ import annotations

import functools
import inspect

from strataflow.framework import context as _context
from strataflow.framework.tensor import Tensor
from strataflow.framework.variables import READ_VARIABLE
from strataflow.ops import array_ops


class _VariableWatcher:
    """A tape that only notes the trainable variables read."""

    def __init__(self):
        self.handles: dict[int, object] = {}

    def record(self, op, inputs, attrs, outputs):
        if op is READ_VARIABLE and inputs[0].variable.trainable:
            self.handles.setdefault(id(inputs[0]), inputs[0])


class _CustomOp:
    """The tape entry's op: named after the function, grad = the user's rule."""

    __slots__ = ("name", "grad")

    def __init__(self, name, grad):
        self.name, self.grad = name, grad


def _accepts_variables(fn) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.name == "variables" or p.kind is p.VAR_KEYWORD for p in params)


def custom_gradient(f):
    """Decorates `f(*args) -> (outputs, grad_fn)` so that tapes use
    `grad_fn(*output_grads)` -> one gradient per positional argument (None
    for none). If `f` reads trainable variables, `grad_fn` must accept
    `variables=` and return ``(input_grads, variable_grads)``.

        >>> @sf.custom_gradient
        ... def log1pexp(x):
        ...     e = sf.exp(x)
        ...     return sf.math.log1p(e), lambda dy: dy * (1 - 1 / (1 + e))
    """
    return _custom_gradient(f, record_forward=True)


def _custom_gradient(f, record_forward: bool):
    from strataflow.autodiff.tape import _flatten, _pack

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        tapes = _context.active_tapes()
        if not tapes:
            return f(*args, **kwargs)[0]
        watcher = _VariableWatcher()
        with _context.only_tapes(list(tapes) + [watcher] if record_forward else [watcher]):
            result, grad_fn = f(*args, **kwargs)
        with _context.only_tapes([]):
            outs = [array_ops.identity(o) if isinstance(o, Tensor) else o for o in _flatten(result)]
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        handles = list(watcher.handles.values())
        if handles and not _accepts_variables(grad_fn):
            raise TypeError(f"@custom_gradient function {f.__name__!r} reads variables, so its grad_fn "
                            "must accept a keyword argument 'variables'")
        variables = [h.variable for h in handles]
        out_tensors = tuple(o for o in outs if isinstance(o, Tensor))

        def grad(ctx, *dys):
            if variables:
                input_grads, variable_grads = grad_fn(*dys, variables=variables)
                variable_grads = list(variable_grads)
                if len(variable_grads) != len(variables):
                    raise ValueError(f"{f.__name__}: grad_fn returned {len(variable_grads)} variable "
                                     f"gradients for {len(variables)} variables")
            else:
                input_grads, variable_grads = grad_fn(*dys), []
            input_grads = list(input_grads) if isinstance(input_grads, (list, tuple)) else [input_grads]
            if len(input_grads) != len(args):
                raise ValueError(f"{f.__name__}: grad_fn returned {len(input_grads)} gradients for "
                                 f"{len(args)} arguments")
            return [input_grads[i] for i in positions] + variable_grads

        op = _CustomOp(getattr(f, "__name__", "custom_gradient"), grad)
        inputs = [args[i] for i in positions] + handles
        for tape in tapes:
            tape.record(op, inputs, {}, out_tensors)
        return _pack(result, outs)
    return wrapper


def recompute_grad(f):
    """`f` whose intermediate values are not kept for the backward pass: the
    gradient runs `f` again (trading compute for memory).

        >>> block = sf.recompute_grad(lambda x: sf.tanh(x @ w))   # doctest: +SKIP
    """
    from strataflow.autodiff.tape import GradientTape

    @functools.wraps(f)
    def inner(*args):
        result = f(*args)

        def grad_fn(*dys, variables=None):
            variables = list(variables or [])
            tensors = [a for a in args if isinstance(a, Tensor)]
            with GradientTape() as tape:
                tape.watch(tensors)
                out = f(*args)
            grads = tape.gradient(out, tensors + variables, output_gradients=list(dys))
            it = iter(grads[:len(tensors)])
            input_grads = [next(it) if isinstance(a, Tensor) else None for a in args]
            return input_grads, grads[len(tensors):]
        return result, grad_fn
    return _custom_gradient(inner, record_forward=False)
