"""`GradientTape.jacobian` and `batch_jacobian`.

The backward pass is linear in the cotangent, so row i of a Jacobian is one
reverse pass with the one-hot cotangent e_i. `jacobian` runs one pass per
element of the target; `batch_jacobian` runs one pass per element of a
*single example* -- the cotangent has e_j in every row of the batch, so the
batch dimension is vectorized (examples must not interact).

    >>> x = sf.constant([1.0, 2.0])
    >>> with sf.GradientTape() as t:
    ...     t.watch(x)
    ...     y = x * x
    >>> t.jacobian(y, x)                    # diag(2x)
    <sf.Tensor: shape=(2, 2), dtype=float32, numpy=array([[2., 0.],
           [0., 4.]], dtype=float32)>
"""
from __future__ import annotations

import numpy as np

from strataflow.framework.errors import InvalidArgumentError
from strataflow.framework.tensor import EagerTensor
from strataflow.ops import array_ops, math_ops


def _start(tape):
    if tape._used and not tape._persistent:
        raise RuntimeError("A non-persistent GradientTape can only be used to compute one set "
                           "of gradients (or jacobians); use GradientTape(persistent=True)")
    tape._used = True


def _static_size(shape, what: str) -> int:
    n = shape.num_elements()
    if n is None:
        raise InvalidArgumentError(f"{what} needs a statically known shape, got {shape}")
    return n


def _assemble(rows, sources, lead_shape, stack_axis, unconnected):
    """Stacks per-row gradients of each source (None rows -> zeros)."""
    from strataflow.autodiff.tape import UnconnectedGradients, as_tensor

    out = []
    for k, s in enumerate(sources):
        column = [r[k] for r in rows]
        if all(g is None for g in column) and unconnected is UnconnectedGradients.NONE:
            out.append(None)
            continue
        value = as_tensor(s)
        column = [array_ops.zeros_like(value) if g is None else g for g in column]
        stacked = array_ops.stack(column, axis=stack_axis)
        src_dims = list(value.shape.dims[stack_axis:])
        out.append(array_ops.reshape(stacked, lead_shape + [-1 if d is None else d for d in src_dims]))
    return out


def jacobian(tape, target, sources, unconnected):
    from strataflow.autodiff.tape import _flatten, _pack, as_tensor

    _start(tape)
    t = as_tensor(target)
    flat = _flatten(sources)
    n = _static_size(t.shape, "jacobian of a target")
    if n == 0:
        raise InvalidArgumentError("jacobian of an empty target")
    dtype = t.dtype.as_numpy_dtype
    eye = np.eye(n, dtype=dtype)
    rows = [tape._backward([target], [EagerTensor(eye[i].reshape(t.shape.dims))], flat, unconnected)
            for i in range(n)]
    return _pack(sources, _assemble(rows, flat, list(t.shape.dims), 0, unconnected))


def batch_jacobian(tape, target, source, unconnected):
    from strataflow.autodiff.tape import as_tensor

    _start(tape)
    t, s = as_tensor(target), as_tensor(source)
    if t.shape.rank is None or t.shape.rank < 1 or s.shape.rank is None or s.shape.rank < 1:
        raise InvalidArgumentError("batch_jacobian needs a target and a source with a batch dimension")
    example = t.shape.dims[1:]
    m = _static_size(t.shape[1:], "batch_jacobian of a target's examples")
    eye = np.eye(m, dtype=t.dtype.as_numpy_dtype)
    ones = array_ops.ones_like(t)
    rows = [tape._backward([target], [math_ops.multiply(ones, EagerTensor(eye[j].reshape((1,) + example)))],
                           [source], unconnected)
            for j in range(m)]
    b = t.shape.dims[0]
    return _assemble(rows, [source], [-1 if b is None else b] + list(example), 1, unconnected)[0]
