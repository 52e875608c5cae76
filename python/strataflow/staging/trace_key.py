"""Trace-cache keys: what about a call decides which concrete function runs.

`encode(args, kwargs)` walks the arguments once and returns

* `key`: a hashable tuple of dtypes and shapes of tensors, values of Python
  scalars and strings, the nesting of lists/tuples/dicts, dtype and shape of
  variables, and the identity (or hash) of other objects;
* `tensors`: the tensor leaves in order (what the compiled code receives);
* `variables`: the variables passed as arguments, in order.

The common case -- a few tensors -- costs one dict lookup per leaf.

    >>> encode((np.ones(2, np.float32), 3), {})[0]       # doctest: +SKIP
    ((dtype('float32'), (2,)), (<class 'int'>, 3))
"""
from __future__ import annotations

import numpy as np

from strataflow.framework.tensor import EagerTensor, Tensor
from strataflow.framework.tensor_shape import TensorSpec
from strataflow.framework.variables import Variable

_OPEN, _CLOSE = "(", ")"
_SCALARS = (int, float, bool, str, bytes, complex, type(None))


def encode(args, kwargs):
    key: list = []
    tensors: list = []
    variables: list = []
    for a in args:
        if a.__class__ is EagerTensor:  # fast path
            v = a._value
            key.append((v.dtype, v.shape))
            tensors.append(a)
        else:
            _encode(a, key, tensors, variables)
    if kwargs:
        for k in sorted(kwargs):
            key.append(k)
            _encode(kwargs[k], key, tensors, variables)
    return tuple(key), tensors, variables


def _encode(x, key, tensors, variables) -> None:
    cls = x.__class__
    if cls is EagerTensor:
        v = x._value
        key.append((v.dtype, v.shape))
        tensors.append(x)
    elif cls in _SCALARS:
        key.append((cls, x))
    elif cls is np.ndarray or (isinstance(x, np.generic) and x.dtype.kind in "biuf"):
        x = np.asarray(x)  # NumPy values are tensors (as in TF)
        key.append((x.dtype, x.shape))
        tensors.append(EagerTensor(x))
    elif isinstance(x, TensorSpec):  # get_concrete_function(spec): a placeholder
        key.append((x.dtype._np, x.shape.dims))
        tensors.append(x)
    elif isinstance(x, (list, tuple)):
        key.append((cls, len(x)))
        for c in x:
            _encode(c, key, tensors, variables)
        key.append(_CLOSE)
    elif isinstance(x, dict):
        keys = sorted(x)
        key.append((cls, tuple(keys)))
        for k in keys:
            _encode(x[k], key, tensors, variables)
        key.append(_CLOSE)
    elif isinstance(x, Variable):
        key.append(("variable", x.dtype, x.shape))
        variables.append(x)
    elif isinstance(x, Tensor):
        raise TypeError(f"cannot pass a {type(x).__name__} to a staged function from outside a trace")
    else:
        try:
            hash(x)
            key.append((cls, x))
        except TypeError:
            key.append((cls, "id", id(x)))


def describe(x) -> str:
    """A short text of what of `x` is in the key (for retracing reports)."""
    if isinstance(x, (EagerTensor, np.ndarray)):
        v = x._value if isinstance(x, EagerTensor) else x
        return f"tensor {v.dtype}{list(v.shape)}"
    if isinstance(x, Variable):
        return f"variable {x.dtype.name}{x.shape}"
    if isinstance(x, (list, tuple)):
        inner = ", ".join(describe(c) for c in x)
        return f"[{inner}]" if isinstance(x, list) else f"({inner})"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {describe(x[k])}" for k in sorted(x)) + "}"
    if x.__class__ in _SCALARS:
        return f"Python {type(x).__name__} {x!r}"
    return f"{type(x).__name__} object {id(x):#x}"
