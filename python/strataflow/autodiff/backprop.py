"""The reverse pass over a tape's entries (used by `GradientTape`).

Only entries on a path from a source to a target are differentiated:
a forward sweep marks what depends on the sources, the backward sweep
visits marked entries in reverse, summing the cotangents of fan-out
(a tensor used several times) before its producer's rule runs.
"""
from __future__ import annotations

from strataflow.framework.tensor import convert_to_tensor
from strataflow.framework.variables import Variable
from strataflow.ops import array_ops, math_ops
from strataflow.ops.registry import GradContext


def _key(x) -> int:
    return id(x.handle) if isinstance(x, Variable) else id(x)


def _total(parts: list):
    return parts[0] if len(parts) == 1 else math_ops.add_n(parts)


def backward(entries, targets, cotangents, sources, unconnected):
    """Gradients (a list, one per source) of sum(targets * cotangents)."""
    from strataflow.autodiff.tape import UnconnectedGradients

    source_keys = [_key(s) for s in sources]
    depends = set(source_keys)
    marked = []
    for e in entries:
        for x in e.inputs:
            if id(x) in depends:
                outs = e.outputs if e.outputs.__class__ is tuple else (e.outputs,)
                depends.update(id(o) for o in outs)
                marked.append(e)
                break

    grads: dict[int, list] = {}
    for k, t in enumerate(targets):
        t_val = t.read_value() if isinstance(t, Variable) else convert_to_tensor(t)
        if not t_val.dtype.is_floating:
            continue
        if cotangents is None:
            ct = array_ops.ones_like(t_val)
        else:
            ct = convert_to_tensor(cotangents[k], dtype=t_val.dtype)
        grads.setdefault(_key(t), []).append(ct)

    keep = set(source_keys)  # a source may also be an intermediate: keep its sum
    for e in reversed(marked):
        outs = e.outputs if e.outputs.__class__ is tuple else (e.outputs,)
        dys = [(grads.get if id(o) in keep else grads.pop)(id(o), None) for o in outs]
        if all(d is None for d in dys):
            continue
        dys = [array_ops.zeros_like(o) if d is None else _total(d) for d, o in zip(dys, outs)]
        in_grads = e.op.grad(GradContext(e.op, e.inputs, e.outputs, e.attrs), *dys)
        for x, g in zip(e.inputs, in_grads):
            if g is not None and id(x) in depends:
                grads.setdefault(id(x), []).append(g)

    result = []
    for s, key in zip(sources, source_keys):
        parts = grads.get(key)
        if parts:
            result.append(_total(parts))
        elif unconnected is UnconnectedGradients.ZERO:
            value = s.read_value() if isinstance(s, Variable) else s
            result.append(array_ops.zeros_like(value))
        else:
            result.append(None)
    return result
