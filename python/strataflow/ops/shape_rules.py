"""Shared pieces of infer rules: broadcasting, dtype checks, axes.

Errors are `InvalidArgumentError`s; `apply` adds the op name, the inputs and
the user's source line.
"""
from __future__ import annotations

from strataflow.framework import dtypes
from strataflow.framework.errors import InvalidArgumentError
from strataflow.framework.tensor_shape import TensorShape, TensorSpec, as_shape


def dims_text(shape) -> str:
    dims = as_shape(shape).dims
    if dims is None:
        return "[?]"
    return "[" + ",".join("?" if d is None else str(d) for d in dims) + "]"


def broadcast_shape(a: TensorShape, b: TensorShape) -> TensorShape:
    """NumPy broadcasting of two static shapes (None = unknown dim)."""
    da, db = a.dims, b.dims
    if da == db:
        return a
    if da is None or db is None:
        return TensorShape(None)
    if not db:  # tensor op scalar: the common case of `x + 1`
        return a
    if not da:
        return b
    n = max(len(da), len(db))
    da = (1,) * (n - len(da)) + da
    db = (1,) * (n - len(db)) + db
    out = []
    for x, y in zip(da, db):
        if x == 1:
            out.append(y)
        elif y == 1 or x == y:
            out.append(x)
        elif x is None or y is None:
            out.append(x if y is None else y)
        else:
            raise InvalidArgumentError(f"incompatible shapes: {dims_text(a)} vs. {dims_text(b)}")
    return TensorShape._of(tuple(out))


def broadcast_shapes(*shapes) -> TensorShape:
    out = as_shape(shapes[0])
    for s in shapes[1:]:
        out = broadcast_shape(out, as_shape(s))
    return out


def same_dtype(*inputs) -> dtypes.DType:
    """The common dtype of `inputs`; TF2 never promotes implicitly."""
    dt = inputs[0].dtype
    for i, x in enumerate(inputs[1:], 1):
        if x.dtype is not dt:
            raise InvalidArgumentError(
                f"input {i} has dtype {x.dtype.name} but input 0 has dtype {dt.name}; "
                "dtypes are never promoted implicitly (use sf.cast)"
            )
    return dt


def require(dtype: dtypes.DType, kinds: str, what: str = "") -> None:
    """`kinds` is a subset of 'fiub' (float, signed, unsigned, bool)."""
    if dtype._kind not in kinds:
        names = {"f": "floating", "i": "signed integer", "u": "unsigned integer", "b": "bool"}
        allowed = " or ".join(names[k] for k in kinds)
        raise InvalidArgumentError(f"{what or 'input'} must be {allowed}, got {dtype.name}")


def normalize_axis(axis, rank: int | None, what: str = "axis") -> int:
    """`axis` in [-rank, rank) as a non-negative int."""
    axis = int(axis)
    if rank is None:
        if axis < 0:
            raise InvalidArgumentError(f"negative {what} {axis} needs a known rank")
        return axis
    if not -rank <= axis < rank:
        raise InvalidArgumentError(f"{what} {axis} is out of range for a tensor of rank {rank}")
    return axis % rank


def normalize_axes(axes, rank: int | None) -> tuple:
    """Sorted unique non-negative axes; None means all axes."""
    if axes is None:
        if rank is None:
            raise InvalidArgumentError("reducing all axes needs a known rank")
        return tuple(range(rank))
    axes = [axes] if hasattr(axes, "__index__") else list(axes)
    out = sorted({normalize_axis(a, rank) for a in axes})
    if len(out) != len(axes):
        raise InvalidArgumentError(f"duplicate axes in {list(axes)}")
    return tuple(out)


def spec(shape, dtype) -> TensorSpec:
    return TensorSpec(as_shape(shape), dtype)
