"""Array ops: creation, shapes, slicing/indexing, gather, padding.

Shape-valued inputs (reshape's `shape`, fill's `dims`, ...) are 1-D integer
tensors as in TF; their infer rules use the value when it is known
(`constant_value`), so static shapes stay static when staged.
"""
from __future__ import annotations

import numpy as np

from strataflow.framework import dtypes
from strataflow.framework.errors import InvalidArgumentError, UnimplementedError
from strataflow.framework.tensor import EagerTensor, Tensor, convert_to_tensor, to_array
from strataflow.framework.tensor_shape import TensorShape, TensorSpec
from strataflow.ops import shape_rules as rules
from strataflow.ops.registry import apply, composite, constant_value, op_def


def _same_shape_infer(x, **attrs):
    return TensorSpec(x.shape, x.dtype)


def _shape_operand(shape) -> Tensor:
    """A shape argument (list, TensorShape, tensor) as a 1-D integer tensor."""
    if isinstance(shape, TensorShape):
        shape = shape.as_list()
    if isinstance(shape, Tensor):
        if not shape.dtype.is_integer:
            raise InvalidArgumentError(f"a shape must be an integer tensor, got {shape.dtype.name}")
        return shape
    if isinstance(shape, (list, tuple)) and any(isinstance(d, Tensor) for d in shape):
        return stack([_cast(convert_to_tensor(d), dtypes.int64) for d in shape])
    arr = np.asarray(shape)
    if arr.size == 0:
        arr = arr.astype(np.int64).reshape(0)
    if arr.ndim != 1 or arr.dtype.kind not in "iu":
        raise InvalidArgumentError(f"a shape must be a 1-D list of integers, got {shape!r}")
    return EagerTensor(arr.astype(np.int64))  # the dialect's shape operands are i64


def _static_dims(shape_tensor, what="shape") -> tuple:
    """Dims from a shape operand: ints where known, None elsewhere."""
    if shape_tensor.shape.rank != 1:
        raise InvalidArgumentError(f"{what} must be 1-D, got shape {rules.dims_text(shape_tensor.shape)}")
    v = constant_value(shape_tensor)
    if v is None:
        n = shape_tensor.shape[0]
        return None if n is None else (None,) * n
    return tuple(int(d) for d in v)


# ---------------------------------------------------------------------------
# creation
# ---------------------------------------------------------------------------

def constant(value, dtype=None, shape=None, name=None) -> Tensor:
    """A tensor holding `value` (Python value, list or NumPy array).

        >>> sf.constant([[1, 2], [3, 4]])
        <sf.Tensor: shape=(2, 2), dtype=int32, numpy=array([[1, 2],
               [3, 4]], dtype=int32)>
        >>> sf.constant(0.0, shape=[2])
        <sf.Tensor: shape=(2,), dtype=float32, numpy=array([0., 0.], dtype=float32)>
    """
    if isinstance(value, Tensor):
        t = value if dtype is None else _cast(value, dtype)
        return t if shape is None else reshape(t, shape)
    arr = to_array(value, None if dtype is None else dtypes.as_dtype(dtype))
    if shape is not None:
        shape = tuple(TensorShape(shape).as_list())
        if arr.size == 1:
            arr = np.full(shape, arr.reshape(()), arr.dtype)
        elif arr.size == int(np.prod(shape)):
            arr = arr.reshape(shape)
        else:
            raise InvalidArgumentError(
                f"constant: {arr.size} values cannot take shape {list(shape)}"
            )
    elif not isinstance(value, np.ndarray) or arr is value:
        arr = np.array(arr)  # own the data: later edits of `value` must not leak in
    return EagerTensor(arr)


def _cast(x, dtype):
    from strataflow.ops.math_ops import cast

    return cast(x, dtype)


def _fill_infer(dims, value):
    rules.require(dims.dtype, "iu", "dims")
    if value.shape.rank not in (0, None):
        raise InvalidArgumentError(f"value must be a scalar, got shape {rules.dims_text(value.shape)}")
    static = _static_dims(dims, "dims")
    if static is not None and any(d is not None and d < 0 for d in static):
        raise InvalidArgumentError(f"dims must be non-negative, got {list(static)}")
    return TensorSpec(TensorShape(static), value.dtype)


def _fill_emit(b, dims, value, *, out_specs):
    # a 0-D value broadcast to `dims` (the dialect has no separate fill)
    return b.op("sf.broadcast_to", [value, b.as_i64(dims)], [b.tensor_type(out_specs)])


def _fill_grad(ctx, g):
    from strataflow.ops.math_ops import reduce_sum

    return [None, reduce_sum(g)]


_FILL = op_def("fill", lambda dims, value: np.full(tuple(dims), value, value.dtype),
               _fill_infer, _fill_emit, _fill_grad)


def fill(dims, value, name=None) -> Tensor:
    """A tensor of shape `dims` filled with scalar `value`.

        >>> sf.fill([2, 2], 7).numpy()
        array([[7, 7],
               [7, 7]], dtype=int32)
    """
    return apply(_FILL, [_shape_operand(dims), value])


def zeros(shape, dtype=dtypes.float32, name=None) -> Tensor:
    dtype = dtypes.as_dtype(dtype)
    return fill(shape, EagerTensor(np.zeros((), dtype._np)))


def ones(shape, dtype=dtypes.float32, name=None) -> Tensor:
    dtype = dtypes.as_dtype(dtype)
    return fill(shape, EagerTensor(np.ones((), dtype._np)))


def _like(x, dtype, value) -> Tensor:
    x = convert_to_tensor(x)
    dtype = x.dtype if dtype is None else dtypes.as_dtype(dtype)
    v = EagerTensor(np.full((), value, dtype._np))
    if isinstance(x, EagerTensor):  # fast path, no op needed
        return EagerTensor(np.full(x._value.shape, value, dtype._np))
    return apply(_FILL, [shape(x), v])


def zeros_like(input, dtype=None, name=None) -> Tensor:  # noqa: A002 - TF's name
    """Zeros with the shape (and by default the dtype) of `input`."""
    return _like(input, dtype, 0)


def ones_like(input, dtype=None, name=None) -> Tensor:  # noqa: A002
    """Ones with the shape (and by default the dtype) of `input`."""
    return _like(input, dtype, 1)


# ---------------------------------------------------------------------------
# shape queries
# ---------------------------------------------------------------------------

def _shape_infer(x, *, out_type):
    rank = x.shape.rank
    return TensorSpec(TensorShape([rank]), out_type)


_SHAPE = op_def("shape", lambda x, out_type: np.array(x.shape, out_type._np), _shape_infer,
                lambda b, x, *, out_specs, out_type: b.cast(b.shape_of(x), out_type))


def shape(input, out_type=dtypes.int32, name=None) -> Tensor:  # noqa: A002
    """The shape of `input` as a 1-D tensor (a constant where it is static)."""
    x = convert_to_tensor(input)
    out_type = dtypes.as_dtype(out_type)
    if x.shape.is_fully_defined():
        return EagerTensor(np.array(x.shape.dims, out_type._np))
    return apply(_SHAPE, [x], out_type=out_type)


def size(input, out_type=dtypes.int32, name=None) -> Tensor:  # noqa: A002
    """The number of elements of `input` as a scalar."""
    x = convert_to_tensor(input)
    n = x.shape.num_elements()
    if n is not None:
        return EagerTensor(np.array(n, dtypes.as_dtype(out_type)._np))
    from strataflow.ops.math_ops import reduce_prod

    return reduce_prod(shape(x, out_type))


def rank(input, name=None) -> Tensor:  # noqa: A002
    """The rank of `input` as an int32 scalar."""
    x = convert_to_tensor(input)
    if x.shape.rank is None:
        raise InvalidArgumentError("rank of a tensor of unknown rank")
    return EagerTensor(np.array(x.shape.rank, np.int32))


# ---------------------------------------------------------------------------
# reshape, broadcast_to, expand_dims, squeeze
# ---------------------------------------------------------------------------

def _reshape_infer(x, new_shape):
    dims = _static_dims(new_shape, "shape")
    if dims is None:
        return TensorSpec(TensorShape(None), x.dtype)
    if sum(d == -1 for d in dims if d is not None) > 1:
        raise InvalidArgumentError(f"only one dimension of a new shape can be -1, got {list(dims)}")
    if any(d is not None and d < -1 for d in dims):
        raise InvalidArgumentError(f"invalid dimension in new shape {list(dims)}")
    n = x.shape.num_elements()
    known = [d for d in dims if d is not None and d != -1]
    product = int(np.prod(known)) if known else 1
    if -1 in dims:
        if n is not None and None not in dims:
            if product == 0 or n % product:
                raise InvalidArgumentError(
                    f"cannot reshape a tensor with {n} elements to shape {list(dims)}"
                )
            dims = tuple(n // product if d == -1 else d for d in dims)
        else:
            dims = tuple(None if d == -1 else d for d in dims)
    elif n is not None and None not in dims and n != product:
        raise InvalidArgumentError(
            f"cannot reshape a tensor with {n} elements to shape {list(dims)} ({product} elements)"
        )
    return TensorSpec(TensorShape._of(dims), x.dtype)


def _reshape_emit(b, x, new_shape, *, out_specs):
    return b.op("sf.reshape", [x, b.as_i64(new_shape)], [b.tensor_type(out_specs)])


_RESHAPE = op_def("reshape", lambda x, s: x.reshape(tuple(s)), _reshape_infer, _reshape_emit,
                  lambda ctx, g: [reshape(g, shape(ctx.inputs[0])), None])


def reshape(tensor, shape, name=None) -> Tensor:  # noqa: A002
    """Same elements, new shape; one dim may be -1 (inferred).

        >>> sf.reshape(sf.range(6), [2, -1]).shape
        TensorShape([2, 3])
    """
    return apply(_RESHAPE, [tensor, _shape_operand(shape)])


def _broadcast_to_infer(x, target):
    dims = _static_dims(target, "shape")
    if dims is None:
        return TensorSpec(TensorShape(None), x.dtype)
    out = TensorShape._of(dims)
    xd = x.shape.dims
    if xd is not None:
        if len(xd) > len(dims):
            raise InvalidArgumentError(
                f"cannot broadcast shape {rules.dims_text(x.shape)} to {rules.dims_text(out)}"
            )
        for a, t in zip(xd[::-1], dims[::-1]):
            if a is not None and t is not None and a != 1 and a != t:
                raise InvalidArgumentError(
                    f"cannot broadcast shape {rules.dims_text(x.shape)} to {rules.dims_text(out)}"
                )
    return TensorSpec(out, x.dtype)


def _broadcast_to_grad(ctx, g):
    from strataflow.ops.math_ops import unbroadcast

    return [unbroadcast(g, ctx.inputs[0]), None]


_BROADCAST_TO = op_def(
    "broadcast_to", lambda x, s: np.array(np.broadcast_to(x, tuple(s))), _broadcast_to_infer,
    lambda b, x, s, *, out_specs: b.op("sf.broadcast_to", [x, b.as_i64(s)], [b.tensor_type(out_specs)]),
    _broadcast_to_grad)


def broadcast_to(input, shape, name=None) -> Tensor:  # noqa: A002
    """`input` broadcast (NumPy rules) to `shape`."""
    return apply(_BROADCAST_TO, [input, _shape_operand(shape)])


def _expand_dims_infer(x, *, axis):
    r = x.shape.rank
    if r is None:
        return TensorSpec(TensorShape(None), x.dtype)
    a = rules.normalize_axis(axis, r + 1)
    d = x.shape.dims
    return TensorSpec(TensorShape._of(d[:a] + (1,) + d[a:]), x.dtype)


_EXPAND_DIMS = op_def(
    "expand_dims", lambda x, axis: np.expand_dims(x, axis), _expand_dims_infer,
    lambda b, x, *, out_specs, axis: b.op("sf.expand_dims", [x], [b.tensor_type(out_specs)],
                                          {"axis": b.i64(axis)}),
    lambda ctx, g: [squeeze(g, [ctx.attrs["axis"]])])


def expand_dims(input, axis, name=None) -> Tensor:  # noqa: A002
    """Inserts a size-1 axis at `axis` (in [-rank-1, rank])."""
    x = convert_to_tensor(input)
    r = x.shape.rank
    axis = int(axis)
    if r is not None:
        axis = rules.normalize_axis(axis, r + 1)
    return apply(_EXPAND_DIMS, [x], axis=axis)


def _squeeze_infer(x, *, axes):
    d = x.shape.dims
    if d is None:
        return TensorSpec(TensorShape(None), x.dtype)
    for a in axes:
        if d[a] is not None and d[a] != 1:
            raise InvalidArgumentError(f"cannot squeeze axis {a} of size {d[a]} (shape {rules.dims_text(x.shape)})")
    return TensorSpec(TensorShape._of(tuple(n for i, n in enumerate(d) if i not in axes)), x.dtype)


_SQUEEZE = op_def(
    "squeeze", lambda x, axes: np.squeeze(x, axes), _squeeze_infer,
    lambda b, x, *, out_specs, axes: b.op("sf.squeeze", [x], [b.tensor_type(out_specs)],
                                          {"axes": b.i64_array(axes)}),
    lambda ctx, g: [reshape(g, shape(ctx.inputs[0]))])


def squeeze(input, axis=None, name=None) -> Tensor:  # noqa: A002
    """Removes size-1 axes (all of them, or those in `axis`)."""
    x = convert_to_tensor(input)
    d = x.shape.dims
    if axis is None:
        if d is None or None in d:
            raise InvalidArgumentError(
                f"squeeze without axis needs a static shape, got {rules.dims_text(x.shape)}"
            )
        axes = tuple(i for i, n in enumerate(d) if n == 1)
    else:
        axes = rules.normalize_axes(axis, x.shape.rank)
    return apply(_SQUEEZE, [x], axes=axes)


# ---------------------------------------------------------------------------
# identity, stop_gradient
# ---------------------------------------------------------------------------

_IDENTITY = op_def("identity", lambda x: x, _same_shape_infer,
                   lambda b, x, *, out_specs: x, lambda ctx, g: [g])
_STOP_GRADIENT = op_def("stop_gradient", lambda x: x, _same_shape_infer,
                        lambda b, x, *, out_specs: x)


def identity(input, name=None) -> Tensor:  # noqa: A002
    return apply(_IDENTITY, [input])


def stop_gradient(input, name=None) -> Tensor:  # noqa: A002
    """`input`, seen by gradients as a constant."""
    return apply(_STOP_GRADIENT, [input])


# ---------------------------------------------------------------------------
# strided slicing and `tensor[...]`
# ---------------------------------------------------------------------------

def _slice_dims(dims, begin, end, strides):
    return tuple(
        None if n is None else len(range(*slice(b, e, s).indices(n)))
        for n, b, e, s in zip(dims, begin, end, strides)
    )


def _strided_slice_infer(x, *, begin, end, strides):
    d = x.shape.dims
    if d is None or len(d) != len(begin):
        raise InvalidArgumentError(f"slice of rank {len(begin)} for a tensor of shape {rules.dims_text(x.shape)}")
    return TensorSpec(TensorShape._of(_slice_dims(d, begin, end, strides)), x.dtype)


def _strided_slice_kernel(x, *, begin, end, strides):
    return x[tuple(slice(b, e, s) for b, e, s in zip(begin, end, strides))]


def _strided_slice_emit(b, x, *, out_specs, begin, end, strides):
    # end None ("to the end") is written as INT64_MAX / INT64_MIN as in TF's masks
    ends = [(2**63 - 1 if s > 0 else -(2**63)) if e is None else e for e, s in zip(end, strides)]
    return b.op("sf.strided_slice", [x], [b.tensor_type(out_specs)],
                {"begin": b.i64_array(begin), "end": b.i64_array(ends), "strides": b.i64_array(strides)})


def _strided_slice_grad(ctx, g):
    return [apply(_STRIDED_SLICE_GRAD, [g], shape=tuple(ctx.inputs[0].shape.dims), **ctx.attrs)]


_STRIDED_SLICE = op_def("strided_slice", _strided_slice_kernel, _strided_slice_infer,
                        _strided_slice_emit, _strided_slice_grad)


def _slice_grad_kernel(g, *, shape, begin, end, strides):
    out = np.zeros(shape, g.dtype)
    out[tuple(slice(b, e, s) for b, e, s in zip(begin, end, strides))] = g
    return out


def _slice_grad_infer(g, *, shape, begin, end, strides):
    if None in shape:
        raise InvalidArgumentError("the gradient of a slice needs a static input shape")
    return TensorSpec(TensorShape._of(shape), g.dtype)


def _slice_grad_emit(b, g, *, out_specs, shape, begin, end, strides):
    """Unit strides: `g` padded with zeros. Others: each element of `g` added
    at its (static) position by `sf.unsorted_segment_sum`."""
    dtype = out_specs.dtype
    picked = [range(*slice(lo, hi, st).indices(n)) for n, lo, hi, st in zip(shape, begin, end, strides)]
    if all(st == 1 for st in strides):
        pads = [(r.start, n - r.stop) if len(r) else (0, n) for n, r in zip(shape, picked)]
        zero = b.constant(np.zeros((), dtype.as_numpy_dtype), dtype)
        return b.op("sf.pad", [g, zero], [b.tensor_type(out_specs)],
                    {"paddings": b.i64_array([p for pair in pads for p in pair])})
    size = int(np.prod(shape, dtype=np.int64))
    positions = np.arange(size, dtype=np.int64).reshape(shape)[
        tuple(slice(lo, hi, st) for lo, hi, st in zip(begin, end, strides))]
    summed = _segment_sum_emit(b, g, b.constant(positions), size, (), dtype)
    return b.op("sf.reshape", [summed, b.shape_tensor(shape)], [b.tensor_type(out_specs)])


_STRIDED_SLICE_GRAD = op_def(
    "strided_slice_grad", _slice_grad_kernel, _slice_grad_infer, _slice_grad_emit,
    lambda ctx, gg: [apply(_STRIDED_SLICE, [gg], begin=ctx.attrs["begin"],
                           end=ctx.attrs["end"], strides=ctx.attrs["strides"])])


def strided_slice(x, begin, end, strides=None) -> Tensor:
    """`x[b0:e0:s0, b1:e1:s1, ...]` (Python slice semantics per axis)."""
    x = convert_to_tensor(x)
    strides = [1] * len(begin) if strides is None else list(strides)
    return _slice_normalized(x, list(begin), list(end), strides)


def _slice_normalized(x, begin, end, strides):
    d = x.shape.dims
    nb, ne = [], []
    for n, b, e, s in zip(d, begin, end, strides):
        if s == 0:
            raise InvalidArgumentError("slice step cannot be zero")
        if n is None:
            if (b is not None and b < 0) or e is not None or s != 1:
                raise InvalidArgumentError("slicing an axis of unknown size supports only [b:] with b >= 0")
            nb.append(b or 0)
            ne.append(None)
            continue
        b2, e2, _ = slice(b, e, s).indices(n)
        nb.append(b2)
        ne.append(None if (s < 0 and e2 < 0) else e2)
    return apply(_STRIDED_SLICE, [x], begin=tuple(nb), end=tuple(ne), strides=tuple(strides))


def getitem(tensor, key) -> Tensor:
    """NumPy basic indexing on tensors: ints, slices (with steps), `...`,
    None/newaxis, negative indices; an integer tensor/list index gathers.

        >>> sf.constant([[1, 2, 3], [4, 5, 6]])[:, ::-1][..., 0].numpy()
        array([3, 6], dtype=int32)
    """
    x = tensor
    if not isinstance(key, tuple):
        key = (key,)
    key = _run_time_slices_as_indices(x, key)
    # Tensor / list / array indices: gather along that axis (one such index).
    adv = [i for i, k in enumerate(key) if _is_index_array(k)]
    if adv:
        if len(adv) > 1:
            raise InvalidArgumentError("only one tensor index per subscript is supported")
        i = adv[0]
        prefix, index, rest = key[:i], key[i], key[i + 1:]
        if any(k is Ellipsis or k is None for k in prefix):
            raise InvalidArgumentError("a tensor index must not follow ... or None")
        head = getitem(x, prefix) if prefix else x
        axis = sum(1 for k in prefix if isinstance(k, slice))  # ints in the prefix drop axes
        if isinstance(index, Tensor) and index.shape.rank == 0:  # x[i], i known at run time
            index = _from_end(index, shape(head, out_type=index.dtype)[axis])
        gathered = gather(head, index, axis=axis)
        if not rest:
            return gathered
        extra = convert_to_tensor(index).shape.rank
        return getitem(gathered, (slice(None),) * (axis + extra) + rest)
    rank = x.shape.rank
    if rank is None:
        raise InvalidArgumentError("indexing a tensor of unknown rank")
    n_real = sum(1 for k in key if k is not None and k is not Ellipsis)
    if sum(1 for k in key if k is Ellipsis) > 1:
        raise InvalidArgumentError("an index can only have a single ellipsis")
    if n_real > rank:
        raise InvalidArgumentError(f"too many indices ({n_real}) for a tensor of rank {rank}")
    expanded = []
    for k in key:
        if k is Ellipsis:
            expanded += [slice(None)] * (rank - n_real)
        else:
            expanded.append(k)
    if Ellipsis not in key:
        expanded += [slice(None)] * (rank - n_real)
    begin, end, strides, shrink, new_axes = [], [], [], [], []
    axis = 0
    out_pos = 0
    for k in expanded:
        if k is None:
            new_axes.append(out_pos)
            out_pos += 1
            continue
        n = x.shape[axis]
        if isinstance(k, slice):
            s = 1 if k.step is None else _index_int(k.step)
            begin.append(None if k.start is None else _index_int(k.start))
            end.append(None if k.stop is None else _index_int(k.stop))
            strides.append(s)
            out_pos += 1
        else:
            i = _index_int(k)
            if n is not None and not -n <= i < n:
                raise InvalidArgumentError(f"index {i} is out of bounds for axis {axis} with size {n}")
            if i < 0 and n is None:
                raise InvalidArgumentError("negative index on an axis of unknown size")
            i = i % n if n is not None else i
            begin.append(i)
            end.append(i + 1)
            strides.append(1)
            shrink.append(axis)
        axis += 1
    full = all(b is None and e is None and s == 1 for b, e, s in zip(begin, end, strides))
    y = x if full else _slice_normalized(x, begin, end, strides)
    if shrink:
        y = squeeze(y, shrink)
    for p in new_axes:
        y = expand_dims(y, p)
    return y


def _from_end(index: Tensor, n: Tensor) -> Tensor:
    """A run-time index with Python's negative indices counted from the end."""
    from strataflow.ops import math_ops

    return math_ops.where(math_ops.less(index, 0), index + n, index)


def _is_run_time(v) -> bool:
    return isinstance(v, Tensor) and constant_value(v) is None


def _run_time_slices_as_indices(x, key: tuple) -> tuple:
    """A slice with bounds known only at run time (staged `x[i:i + n]`)
    becomes the index vector it selects, which then gathers; Python's rules
    for negative and out-of-range bounds apply at run time."""
    from strataflow.ops import math_ops

    for p, k in enumerate(key):
        if not (isinstance(k, slice) and (_is_run_time(k.start) or _is_run_time(k.stop))):
            continue
        if any(j is Ellipsis for j in key[:p]):
            raise InvalidArgumentError("a slice with run-time bounds must not follow ...")
        step = 1 if k.step is None else _index_int(k.step)
        if step <= 0:
            raise InvalidArgumentError("a slice with run-time bounds needs a positive step")
        axis = sum(1 for j in key[:p] if j is not None)
        n = shape(x, out_type=dtypes.int64)[axis]

        def bound(v, default):
            if v is None:
                return default
            v = _from_end(math_ops.cast(v, dtypes.int64), n)
            return math_ops.minimum(math_ops.maximum(v, 0), n)

        start, stop = bound(k.start, 0), bound(k.stop, n)
        count = math_ops.maximum((stop - start + (step - 1)) // step, 0)
        indices = start + range_(count, dtype=dtypes.int64) * step
        return key[:p] + (indices,) + key[p + 1:]
    return key


def _is_index_array(k) -> bool:
    """An index that gathers: an array of indices, or a scalar known only at
    run time (staged `x[i]`)."""
    if isinstance(k, Tensor):
        return k.shape.rank != 0 or constant_value(k) is None
    return isinstance(k, (list, np.ndarray)) and np.ndim(k) > 0


def _index_int(k) -> int:
    if isinstance(k, Tensor):
        v = constant_value(k)
        if v is None:
            raise InvalidArgumentError("a slice step must be known when tracing")
        return int(v)
    try:
        return k.__index__()
    except AttributeError:
        raise TypeError(f"indices must be integers, slices, ..., None or integer tensors, got {k!r}") from None


# ---------------------------------------------------------------------------
# pad
# ---------------------------------------------------------------------------

def _pad_infer(x, value=None, *, paddings, mode="CONSTANT"):
    d = x.shape.dims
    if d is None or len(paddings) != len(d):
        raise InvalidArgumentError(f"paddings has {len(paddings)} rows for a tensor of shape {rules.dims_text(x.shape)}")
    if any(lo < 0 or hi < 0 for lo, hi in paddings):
        raise InvalidArgumentError(f"paddings must be non-negative, got {list(paddings)}")
    if mode != "CONSTANT":
        for n, (lo, hi) in zip(d, paddings):
            limit = n if mode == "SYMMETRIC" else (None if n is None else n - 1)
            if limit is not None and max(lo, hi) > limit:
                raise InvalidArgumentError(f"{mode} padding of {max(lo, hi)} exceeds the dim size {n}")
    out = tuple(None if n is None else n + lo + hi for n, (lo, hi) in zip(d, paddings))
    return TensorSpec(TensorShape._of(out), x.dtype)


def _pad_emit(b, x, value, *, out_specs, paddings):
    flat = [p for pair in paddings for p in pair]
    return b.op("sf.pad", [x, value], [b.tensor_type(out_specs)], {"paddings": b.i64_array(flat)})


def _pad_grad(ctx, g):
    x = ctx.inputs[0]
    p = ctx.attrs["paddings"]
    begin = [lo for lo, _ in p]
    end = [None if n is None else lo + n for (lo, _), n in zip(p, x.shape.dims)]
    return [_slice_normalized(g, begin, end, [1] * len(p)), None]


_PAD = op_def("pad", lambda x, value, *, paddings: np.pad(x, paddings, constant_values=value),
              _pad_infer, _pad_emit, _pad_grad, dtype_group=(0, 1))


def _mirror_positions(n, lo, hi, mode):
    """The positions along an axis of size `n` that its mirror padding reads:
    `lo` reflected ones, the axis itself, `hi` reflected ones. REFLECT does not
    repeat the edge element, SYMMETRIC does. A constant for a known `n`; ops
    for a symbolic one."""
    s = 1 if mode == "REFLECT" else 0
    parts = [(lo - 1 + s, s - 1, -1), (0, n, 1), (n - 1 - s, n - 1 - s - hi, -1)]
    if isinstance(n, int):
        return constant(np.concatenate([np.arange(*p) for p in parts]).astype(np.int32))
    return concat([range_(*p) for p in parts], 0)


def _padded_axes(paddings):
    return [(axis, lo, hi) for axis, (lo, hi) in enumerate(paddings) if lo or hi]


def _mirror_pad_staged(x, *, paddings, mode):
    """A gather along each padded axis."""
    for axis, lo, hi in _padded_axes(paddings):
        n = x.shape.dims[axis]
        x = gather(x, _mirror_positions(shape(x)[axis] if n is None else n, lo, hi, mode), axis=axis)
    return x


def _mirror_pad_grad(ctx, g):
    """The gathers' gradients in reverse: each padding element's gradient is
    added to the element it mirrors (TF's MirrorPadGrad)."""
    dims = list(ctx.inputs[0].shape.dims)
    steps = []
    for axis, lo, hi in _padded_axes(ctx.attrs["paddings"]):
        if dims[axis] is None:
            raise InvalidArgumentError("the gradient of a mirror pad needs static sizes along the padded axes")
        steps.append((axis, tuple(dims), _mirror_positions(dims[axis], lo, hi, ctx.attrs["mode"])))
        dims[axis] += lo + hi
    for axis, before, positions in reversed(steps):
        g = apply(_GATHER_GRAD, [g, positions], shape=before, axis=axis, batch_dims=0)
    return [g]


_MIRROR_PAD = op_def(
    "mirror_pad",
    lambda x, *, paddings, mode: np.pad(x, paddings, mode="reflect" if mode == "REFLECT" else "symmetric"),
    _pad_infer, composite(_mirror_pad_staged), _mirror_pad_grad)


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None) -> Tensor:
    """Pads each axis by `paddings[i] = [before, after]`: with `constant_values`
    (CONSTANT), or with the tensor mirrored at its edges, the edge itself
    excluded (REFLECT) or included (SYMMETRIC).

        >>> sf.pad(sf.constant([1, 2]), [[1, 2]]).numpy()
        array([0, 1, 2, 0, 0], dtype=int32)
        >>> sf.pad(sf.constant([1, 2, 3]), [[2, 1]], "REFLECT").numpy()
        array([3, 2, 1, 2, 3, 2], dtype=int32)
    """
    mode = mode.upper()
    if mode not in ("CONSTANT", "REFLECT", "SYMMETRIC"):
        raise InvalidArgumentError(f"unknown pad mode {mode!r}")
    p = np.asarray(paddings.numpy() if isinstance(paddings, Tensor) else paddings)
    if p.ndim != 2 or p.shape[1] != 2:
        raise InvalidArgumentError(f"paddings must have shape [rank, 2], got {list(p.shape)}")
    pairs = tuple((int(lo), int(hi)) for lo, hi in p)
    if mode == "CONSTANT":
        return apply(_PAD, [tensor, constant_values], paddings=pairs)
    return apply(_MIRROR_PAD, [tensor], paddings=pairs, mode=mode)


# ---------------------------------------------------------------------------
# gather
# ---------------------------------------------------------------------------

def _gather_infer(params, indices, *, axis, batch_dims):
    rules.require(indices.dtype, "iu", "indices")
    pd, idd = params.shape.dims, indices.shape.dims
    if pd is None or idd is None:
        return TensorSpec(TensorShape(None), params.dtype)
    if not 0 <= batch_dims <= min(axis, len(idd)):
        raise InvalidArgumentError(
            f"batch_dims={batch_dims} must be in [0, min(axis={axis}, indices rank={len(idd)})]"
        )
    for i in range(batch_dims):
        if pd[i] is not None and idd[i] is not None and pd[i] != idd[i]:
            raise InvalidArgumentError(
                f"batch dim {i} differs: params {rules.dims_text(params.shape)}, indices {rules.dims_text(indices.shape)}"
            )
    out = pd[:axis] + idd[batch_dims:] + pd[axis + 1:]
    return TensorSpec(TensorShape._of(out), params.dtype)


def _gather_kernel(params, indices, *, axis, batch_dims):
    n = params.shape[axis]
    if indices.size and (indices.min() < 0 or indices.max() >= n):
        bad = indices[(indices < 0) | (indices >= n)].reshape(-1)[0]
        raise InvalidArgumentError(f"index {bad} is not in [0, {n}) (gather axis {axis})")
    if batch_dims == 0:
        return np.take(params, indices, axis=axis)
    bshape = params.shape[:batch_dims]
    p = params.reshape((-1,) + params.shape[batch_dims:])
    i = indices.reshape((-1,) + indices.shape[batch_dims:])
    out = np.stack([np.take(p[k], i[k], axis=axis - batch_dims) for k in range(p.shape[0])])
    return out.reshape(bshape + out.shape[1:])


def _gather_emit(b, params, indices, *, out_specs, axis, batch_dims):
    if str(ir_element_type(indices)) not in ("i32", "i64"):
        indices = b.as_i64(indices)
    return b.op("sf.gather", [params, indices], [b.tensor_type(out_specs)],
                {"axis": b.i64(axis), "batch_dims": b.i64(batch_dims)})


def ir_element_type(value):
    from mlir import ir

    return ir.RankedTensorType(value.type).element_type


def _gather_grad(ctx, g):
    params, indices = ctx.inputs
    axis, batch_dims = ctx.attrs["axis"], ctx.attrs["batch_dims"]
    return [apply(_GATHER_GRAD, [g, indices], shape=tuple(params.shape.dims),
                  axis=axis, batch_dims=batch_dims), None]


def _gather_grad_kernel(g, indices, *, shape, axis, batch_dims):
    out = np.zeros(shape, g.dtype)
    if batch_dims == 0:
        # move the gathered axis to the front, then scatter-add along it
        o = np.moveaxis(out, axis, 0)
        gi = np.moveaxis(g.reshape(shape[:axis] + (indices.size,) + shape[axis + 1:]), axis, 0)
        np.add.at(o, indices.reshape(-1), gi)
        return out
    for k in np.ndindex(*shape[:batch_dims]):
        out[k] = _gather_grad_kernel(g[k], indices[k], shape=shape[batch_dims:],
                                     axis=axis - batch_dims, batch_dims=0)
    return out


def _segment_sum_emit(b, rows, ids, num_segments, rest, dtype):
    """`sf.unsorted_segment_sum` of `rows` (leading dims flattened into one,
    `rest` static) by `ids` (flattened): tensor<num_segments x rest>."""
    from mlir import ir

    if None in rest:
        raise UnimplementedError("segment sums of slices with dynamic dims are not supported "
                                 "in staged code", op="unsorted_segment_sum")
    rows = b.op("sf.reshape", [rows, b.shape_tensor((-1,) + tuple(rest))],
                [b.tensor_type((None,) + tuple(rest), dtype)])
    ids = b.op("sf.reshape", [ids, b.shape_tensor((-1,))],
               [ir.RankedTensorType.get([ir.ShapedType.get_dynamic_size()], ir_element_type(ids))])
    return b.op("sf.unsorted_segment_sum", [rows, ids],
                [b.tensor_type((num_segments,) + tuple(rest), dtype)],
                {"num_segments": b.i64(num_segments)})


def _gather_grad_emit(b, g, indices, *, out_specs, shape, axis, batch_dims):
    """Gathered slices moved to the front, summed into their rows, moved back."""
    dtype = out_specs.dtype
    if batch_dims:
        return _batched_gather_grad_emit(b, g, indices, out_specs, shape, axis, batch_dims)
    rest = shape[:axis] + shape[axis + 1:]
    rows = g
    if axis:
        # g: params dims around the indices' dims; those to the front
        dims = b.dims_of(g)
        n_idx = len(dims) - len(shape) + 1
        perm = tuple(range(axis, axis + n_idx)) + tuple(range(axis)) + tuple(
            range(axis + n_idx, len(dims)))
        rows = b.op("sf.transpose", [g], [b.tensor_type(tuple(dims[p] for p in perm), dtype)],
                    {"perm": b.i64_array(perm)})
    summed = _segment_sum_emit(b, rows, indices, shape[axis], rest, dtype)
    if not axis:
        return summed
    back = tuple(range(1, axis + 1)) + (0,) + tuple(range(axis + 1, len(shape)))
    return b.op("sf.transpose", [summed], [b.tensor_type(out_specs)],
                {"perm": b.i64_array(back)})


def _batched_gather_grad_emit(b, g, indices, out_specs, shape, axis, batch_dims):
    """With the gathered axis right after the batch dims (sort's gradient),
    batch k's index i is row k * n + i of the params flattened through that
    axis: one segment sum over those rows."""
    idx_dims = b.dims_of(indices)
    if axis != batch_dims or None in idx_dims[:batch_dims]:
        raise UnimplementedError("the gradient of gather with batch_dims stages only for "
                                 "axis == batch_dims and static batch dims", op="gather_grad")
    n, batch = shape[axis], shape[:batch_dims]
    offsets = (np.arange(int(np.prod(batch, dtype=np.int64)), dtype=np.int64) * n).reshape(
        batch + (1,) * (len(idx_dims) - batch_dims))
    ids = b.as_i64(indices)
    spec = TensorSpec(TensorShape._of(idx_dims), dtypes.int64)
    ids = b.op("sf.add", [ids, b.broadcast_to(b.constant(offsets), spec, b.shape_of(ids))],
               [b.tensor_type(spec)])
    rows = int(np.prod(shape[:axis + 1], dtype=np.int64))
    summed = _segment_sum_emit(b, g, ids, rows, shape[axis + 1:], out_specs.dtype)
    return b.op("sf.reshape", [summed, b.shape_tensor(shape)], [b.tensor_type(out_specs)])


def _gather_grad_infer(g, indices, *, shape, axis, batch_dims):
    if None in shape:
        raise InvalidArgumentError("the gradient of gather needs a static params shape")
    return TensorSpec(TensorShape._of(shape), g.dtype)


_GATHER = op_def("gather", _gather_kernel, _gather_infer, _gather_emit, _gather_grad)
_GATHER_GRAD = op_def(
    "gather_grad", _gather_grad_kernel, _gather_grad_infer, _gather_grad_emit,
    lambda ctx, gg: [apply(_GATHER, [gg, ctx.inputs[1]], axis=ctx.attrs["axis"],
                           batch_dims=ctx.attrs["batch_dims"]), None])


def gather(params, indices, axis=None, batch_dims=0, name=None) -> Tensor:
    """Slices of `params` along `axis` at `indices` (out-of-range: error).

        >>> sf.gather(sf.constant([10, 20, 30]), [2, 0]).numpy()
        array([30, 10], dtype=int32)
    """
    params = convert_to_tensor(params)
    indices = convert_to_tensor(indices)
    r, ir = params.shape.rank, indices.shape.rank
    batch_dims = int(batch_dims)
    if batch_dims < 0 and ir is not None:
        batch_dims += ir
    axis = batch_dims if axis is None else int(axis)
    if r is not None:
        axis = rules.normalize_axis(axis, r)
    return apply(_GATHER, [params, indices], axis=axis, batch_dims=batch_dims)


# ---------------------------------------------------------------------------
# where(condition): indices of true elements (data-dependent shape: eager only)
# ---------------------------------------------------------------------------

def _where_indices_infer(c):
    rules.require(c.dtype, "b", "condition")
    return TensorSpec(TensorShape([None, c.shape.rank]), dtypes.int64)


def _where_indices_staged(c):
    """Each true element's coordinates land in row `number of trues before
    it` (an exclusive cumsum) of an [n, rank] segment sum; the first `count`
    rows are the result, whose length is known only at run time."""
    from strataflow.ops import math_ops

    dims = c.shape.dims
    if not dims or None in dims:
        raise UnimplementedError("a staged sf.where(condition) needs a condition of static "
                                 "shape and rank >= 1", op="where_indices")
    n = int(np.prod(dims, dtype=np.int64))
    flat = reshape(c, [-1])
    ones = math_ops.cast(flat, dtypes.int64)
    slots = math_ops.where(flat, math_ops.cumsum(ones, exclusive=True), -1)  # -1: dropped
    coordinates = EagerTensor(np.indices(dims).reshape(len(dims), -1).T.astype(np.int64))
    packed = unsorted_segment_sum(coordinates, slots, n)
    return gather(packed, range_(math_ops.reduce_sum(ones), dtype=dtypes.int64))


_WHERE_INDICES = op_def("where_indices", lambda c: np.argwhere(c).astype(np.int64),
                        _where_indices_infer, composite(_where_indices_staged))


def where_indices(condition) -> Tensor:
    """Coordinates (int64, [n, rank]) of the true elements of `condition`."""
    return apply(_WHERE_INDICES, [condition])


# ---------------------------------------------------------------------------
# concat, stack
# ---------------------------------------------------------------------------

def _concat_infer(*xs, axis):
    dt = rules.same_dtype(*xs)
    ranks = {x.shape.rank for x in xs} - {None}
    if len(ranks) > 1:
        raise InvalidArgumentError(
            "concat inputs have different ranks: " + ", ".join(rules.dims_text(x.shape) for x in xs)
        )
    if not ranks:
        return TensorSpec(TensorShape(None), dt)
    r = ranks.pop()
    out = [None] * r
    total = 0
    for x in xs:
        d = x.shape.dims
        if d is None:
            total = None
            continue
        for i, n in enumerate(d):
            if i == axis:
                continue
            if out[i] is not None and n is not None and out[i] != n:
                raise InvalidArgumentError(
                    f"concat inputs differ in dimension {i} (axis={axis}): "
                    + ", ".join(rules.dims_text(x.shape) for x in xs)
                )
            out[i] = out[i] if n is None else n
        total = None if total is None or d[axis] is None else total + d[axis]
    out[axis] = total
    return TensorSpec(TensorShape._of(tuple(out)), dt)


def _concat_grad(ctx, g):
    axis = ctx.attrs["axis"]
    grads, start = [], 0
    for x in ctx.inputs:
        n = x.shape[axis]
        if n is None:
            raise InvalidArgumentError("the gradient of concat needs static sizes along the axis")
        begin = [0] * g.shape.rank
        end = [None] * g.shape.rank
        begin[axis], end[axis] = start, start + n
        grads.append(_slice_normalized(g, begin, end, [1] * g.shape.rank))
        start += n
    return grads


_CONCAT = op_def(
    "concat", lambda *xs, axis: np.concatenate(xs, axis), _concat_infer,
    lambda b, *xs, out_specs, axis: b.op("sf.concat", list(xs), [b.tensor_type(out_specs)],
                                         {"axis": b.i64(axis)}),
    _concat_grad)


def concat(values, axis, name=None) -> Tensor:
    """Joins tensors along an existing axis.

        >>> sf.concat([[1, 2], [3]], 0).numpy()
        array([1, 2, 3], dtype=int32)
    """
    xs = [convert_to_tensor(v) for v in values]
    if not xs:
        raise InvalidArgumentError("concat of an empty list")
    if len(xs) == 1:
        return identity(xs[0])
    rank = xs[0].shape.rank
    axis = rules.normalize_axis(axis, rank) if rank is not None else int(axis)
    return apply(_CONCAT, xs, axis=axis)


def stack(values, axis=0, name=None) -> Tensor:
    """Joins tensors of one shape along a new axis.

        >>> sf.stack([[1, 2], [3, 4]], axis=1).numpy()
        array([[1, 3],
               [2, 4]], dtype=int32)
    """
    xs = [convert_to_tensor(v) for v in values]
    if not xs:
        raise InvalidArgumentError("stack of an empty list")
    shapes = {x.shape for x in xs}
    if len(shapes) > 1 and not all(xs[0].shape.is_compatible_with(x.shape) for x in xs):
        raise InvalidArgumentError(
            "stack inputs must have one shape, got " + ", ".join(rules.dims_text(x.shape) for x in xs)
        )
    rank = xs[0].shape.rank
    axis = rules.normalize_axis(axis, rank + 1) if rank is not None else int(axis)
    return concat([expand_dims(x, axis) for x in xs], axis)


def unstack(value, num=None, axis=0, name=None) -> list:
    """Splits along `axis` into a list of tensors of rank one less."""
    x = convert_to_tensor(value)
    axis = rules.normalize_axis(axis, x.shape.rank)
    n = x.shape[axis] if num is None else int(num)
    if n is None:
        raise InvalidArgumentError("unstack needs a static size along the axis (or num)")
    index = [slice(None)] * x.shape.rank
    out = []
    for i in range(n):
        index[axis] = i
        out.append(getitem(x, tuple(index)))
    return out


def split(value, num_or_size_splits, axis=0, num=None, name=None) -> list:
    """Splits along `axis` into equal parts (an int) or parts of given sizes
    (a list; one may be -1)."""
    x = convert_to_tensor(value)
    axis = rules.normalize_axis(axis, x.shape.rank)
    n = x.shape[axis]
    if isinstance(num_or_size_splits, int):
        k = num_or_size_splits
        if k <= 0 or n is None or n % k:
            raise InvalidArgumentError(f"cannot split dimension of size {n} into {k} equal parts")
        sizes = [n // k] * k
    else:
        sizes = [int(v) for v in np.asarray(num_or_size_splits).reshape(-1)]
        if sizes.count(-1) > 1:
            raise InvalidArgumentError("at most one split size can be -1")
        if -1 in sizes:
            if n is None:
                raise InvalidArgumentError("a -1 split size needs a static dimension")
            sizes[sizes.index(-1)] = n - (sum(sizes) + 1)
        if n is not None and sum(sizes) != n or any(v < 0 for v in sizes):
            raise InvalidArgumentError(f"split sizes {sizes} do not add up to the dimension {n}")
    out, start = [], 0
    rank = x.shape.rank
    for size_ in sizes:
        begin, end = [0] * rank, [None] * rank
        begin[axis], end[axis] = start, start + size_
        out.append(_slice_normalized(x, begin, end, [1] * rank))
        start += size_
    return out


# ---------------------------------------------------------------------------
# transpose, reverse, tile
# ---------------------------------------------------------------------------

def _transpose_infer(x, *, perm):
    d = x.shape.dims
    if d is None:
        return TensorSpec(TensorShape(None), x.dtype)
    if sorted(perm) != list(range(len(d))):
        raise InvalidArgumentError(f"perm {list(perm)} is not a permutation of {len(d)} axes")
    return TensorSpec(TensorShape._of(tuple(d[p] for p in perm)), x.dtype)


_TRANSPOSE = op_def(
    "transpose", lambda x, *, perm: np.transpose(x, perm), _transpose_infer,
    lambda b, x, *, out_specs, perm: b.op("sf.transpose", [x], [b.tensor_type(out_specs)],
                                          {"perm": b.i64_array(perm)}),
    lambda ctx, g: [transpose(g, list(np.argsort(ctx.attrs["perm"])))])


def transpose(a, perm=None, conjugate=False, name=None) -> Tensor:
    """Permutes axes (default: reverses them).

        >>> sf.transpose(sf.zeros([2, 3, 4]), [2, 0, 1]).shape
        TensorShape([4, 2, 3])
    """
    x = convert_to_tensor(a)
    r = x.shape.rank
    if perm is None:
        if r is None:
            raise InvalidArgumentError("transpose without perm needs a known rank")
        perm = list(range(r))[::-1]
    perm = tuple(int(p) for p in np.asarray(perm).reshape(-1))
    if r is not None:
        perm = tuple(p % r if -r <= p < r else p for p in perm)
    if perm == tuple(range(len(perm))) and r == len(perm):
        return x
    return apply(_TRANSPOSE, [x], perm=perm)


def reverse(tensor, axis, name=None) -> Tensor:
    """Reverses the order along each axis in `axis`."""
    x = convert_to_tensor(tensor)
    axes = rules.normalize_axes(axis, x.shape.rank)
    key = tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(x.shape.rank))
    return getitem(x, key)


def tile(input, multiples, name=None) -> Tensor:  # noqa: A002
    """Repeats `input` `multiples[i]` times along axis i.

    Built from reshape and broadcast_to ([n0, n1] -> [1, n0, 1, n1] ->
    [m0, n0, m1, n1] -> [m0*n0, m1*n1]), so it stages and differentiates.
    """
    x = convert_to_tensor(input)
    m = [int(v) for v in np.asarray(
        multiples.numpy() if isinstance(multiples, Tensor) else multiples).reshape(-1)]
    d = x.shape.dims
    if d is None or len(m) != len(d) or any(v < 0 for v in m):
        raise InvalidArgumentError(
            f"multiples {m} must be {x.shape.rank} non-negative ints for shape {rules.dims_text(x.shape)}")
    if None in d:
        raise InvalidArgumentError("tile needs a static input shape")
    interleaved = [1 if k % 2 == 0 else d[k // 2] for k in range(2 * len(d))]
    target = [m[k // 2] if k % 2 == 0 else d[k // 2] for k in range(2 * len(d))]
    y = broadcast_to(reshape(x, interleaved), target)
    return reshape(y, [a * b for a, b in zip(m, d)])


# ---------------------------------------------------------------------------
# creation from ranges: range, linspace, eye, one_hot, sequence_mask
# ---------------------------------------------------------------------------

def _value_of(x, what):
    if isinstance(x, Tensor):
        v = constant_value(x)
        if v is None:
            raise InvalidArgumentError(f"{what} must be known when the op is built (not symbolic)")
        return v
    return x


def _range_infer(start, limit, delta):
    dt = rules.same_dtype(start, limit, delta)
    rules.require(dt, "fiu", "range bounds")
    for x in (start, limit, delta):
        if x.shape.rank not in (0, None):
            raise InvalidArgumentError(f"range bounds must be scalars, got shape {rules.dims_text(x.shape)}")
    return TensorSpec(TensorShape([None]), dt)


def _range_kernel(start, limit, delta):
    if delta == 0:
        raise InvalidArgumentError("range: delta must not be 0")
    return np.arange(start, limit, delta).astype(start.dtype)


_RANGE = op_def(
    "range", _range_kernel, _range_infer,
    lambda b, s, l, d, *, out_specs: b.op("sf.range", [s, l, d], [b.tensor_type(out_specs)]),
    dtype_group=(0, 1, 2))


def range_(start, limit=None, delta=1, dtype=None, name=None) -> Tensor:
    """[start, start + delta, ...) up to `limit` (exclusive): `sf.range`.

        >>> sf.range(5).numpy()
        array([0, 1, 2, 3, 4], dtype=int32)

    Known bounds give a constant; symbolic ones (staging) an `sf.range` op.
    """
    if limit is None:
        start, limit = 0, start
    args = (start, limit, delta)
    if dtype is None:
        tensors = [v for v in args if isinstance(v, Tensor)]
        if tensors:
            dtype = tensors[0].dtype
        else:
            dtype = dtypes.float32 if any(np.asarray(v).dtype.kind == "f" for v in args) else dtypes.int32
    dtype = dtypes.as_dtype(dtype)
    values = [constant_value(v) if isinstance(v, Tensor) else v for v in args]
    if all(v is not None for v in values):
        return EagerTensor(_range_kernel(*[np.asarray(v, dtype._np) for v in values]))
    return apply(_RANGE, [_cast(convert_to_tensor(v), dtype) if isinstance(v, Tensor)
                          else convert_to_tensor(v, dtype=dtype) for v in args])


def linspace(start, stop, num, axis=0, name=None) -> Tensor:
    """`num` evenly spaced values from start to stop (inclusive)."""
    start, stop = (_value_of(v, "linspace arguments") for v in (start, stop))
    dtype = dtypes.float32
    for v in (start, stop):
        if isinstance(v, np.ndarray) and v.dtype.kind == "f":
            dtype = dtypes.from_numpy(v.dtype)
    return EagerTensor(np.linspace(start, stop, int(_value_of(num, "num")), axis=axis).astype(dtype._np))


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None) -> Tensor:
    """Identity matrix (optionally batched)."""
    dtype = dtypes.as_dtype(dtype)
    m = np.eye(int(num_rows), None if num_columns is None else int(num_columns), dtype=dtype._np)
    if batch_shape:
        m = np.broadcast_to(m, tuple(batch_shape) + m.shape).copy()
    return EagerTensor(m)


def one_hot(indices, depth, on_value=None, off_value=None, axis=-1, dtype=None, name=None) -> Tensor:
    """One-hot vectors along a new axis (indices out of range give all off).

        >>> sf.one_hot([0, 2], 3).numpy()
        array([[1., 0., 0.],
               [0., 0., 1.]], dtype=float32)
    """
    from strataflow.ops import math_ops

    indices = convert_to_tensor(indices)
    rules.require(indices.dtype, "iu", "one_hot indices")
    if dtype is None:
        dtype = (convert_to_tensor(on_value).dtype if on_value is not None else
                 convert_to_tensor(off_value).dtype if off_value is not None else dtypes.float32)
    dtype = dtypes.as_dtype(dtype)
    on = convert_to_tensor(1 if on_value is None else on_value, dtype=dtype)
    off = convert_to_tensor(0 if off_value is None else off_value, dtype=dtype)
    rank = indices.shape.rank
    axis = rules.normalize_axis(axis, rank + 1)
    positions = range_(int(_value_of(depth, "depth")), dtype=indices.dtype)
    shape_ = [1] * (rank + 1)
    shape_[axis] = -1
    hot = math_ops.equal(expand_dims(indices, axis), reshape(positions, shape_))
    return math_ops.where(hot, on, off)


def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool, name=None) -> Tensor:
    """mask[..., j] = j < lengths[...]."""
    from strataflow.ops import math_ops

    lengths = convert_to_tensor(lengths)
    if maxlen is None:
        v = constant_value(lengths)
        if v is None:
            raise InvalidArgumentError("sequence_mask of symbolic lengths needs maxlen")
        maxlen = int(v.max()) if v.size else 0
    mask = math_ops.less(range_(int(_value_of(maxlen, "maxlen")), dtype=lengths.dtype),
                         expand_dims(lengths, -1))
    return math_ops.cast(mask, dtype)


# ---------------------------------------------------------------------------
# unsorted_segment_sum
# ---------------------------------------------------------------------------

def _segment_sum_infer(data, segment_ids, *, num_segments):
    rules.require(segment_ids.dtype, "iu", "segment_ids")
    if num_segments < 0:
        raise InvalidArgumentError(f"num_segments must be >= 0, got {num_segments}")
    d, i = data.shape.dims, segment_ids.shape.dims
    if d is None or i is None:
        return TensorSpec(TensorShape(None), data.dtype)
    if len(i) > len(d) or not TensorShape._of(d[:len(i)]).is_compatible_with(TensorShape._of(i)):
        raise InvalidArgumentError(
            f"segment_ids shape {rules.dims_text(segment_ids.shape)} is not a prefix of "
            f"data shape {rules.dims_text(data.shape)}")
    return TensorSpec(TensorShape._of((num_segments,) + d[len(i):]), data.dtype)


def _segment_sum_kernel(data, segment_ids, *, num_segments):
    if segment_ids.size and segment_ids.max() >= num_segments:
        raise InvalidArgumentError(
            f"segment id {segment_ids.max()} is not in [0, {num_segments})")
    out = np.zeros((num_segments,) + data.shape[segment_ids.ndim:], data.dtype)
    keep = segment_ids >= 0  # negative ids are dropped (TF)
    np.add.at(out, segment_ids[keep], data[keep])
    return out


def _segment_sum_grad(ctx, g):
    """Each row's segment of `g`; rows with dropped (negative) ids get 0."""
    from strataflow.ops import math_ops

    data, ids = ctx.inputs
    n = ctx.attrs["num_segments"]
    picked = gather(g, math_ops.clip_by_value(ids, 0, max(n - 1, 0)))
    valid = math_ops.logical_and(math_ops.greater_equal(ids, 0), math_ops.less(ids, n))
    valid = reshape(valid, concat([shape(ids), ones_like(shape(picked))[ids.shape.rank:]], 0))
    return [math_ops.where(broadcast_to(valid, shape(picked)), picked, zeros_like(picked)), None]


_SEGMENT_SUM = op_def(
    "unsorted_segment_sum", _segment_sum_kernel, _segment_sum_infer,
    lambda b, data, ids, *, out_specs, num_segments: _segment_sum_emit(
        b, data, ids, num_segments, out_specs.shape.dims[1:], out_specs.dtype),
    _segment_sum_grad)


def unsorted_segment_sum(data, segment_ids, num_segments, name=None) -> Tensor:
    """Sums the slices of `data` into `num_segments` rows by `segment_ids`
    (whose shape is a prefix of `data`'s); negative ids are dropped.

        >>> sf.math.unsorted_segment_sum(sf.constant([1, 2, 3]), [1, 0, 1], 2).numpy()
        array([2, 4], dtype=int32)
    """
    n = constant_value(convert_to_tensor(num_segments))
    if n is None or np.ndim(n) != 0:
        raise InvalidArgumentError("num_segments must be a known scalar")
    return apply(_SEGMENT_SUM, [data, segment_ids], num_segments=int(n))


# ---------------------------------------------------------------------------
# gather_nd, scatter_nd, boolean_mask
# ---------------------------------------------------------------------------

def _linear_nd_indices(b, indices, dims, clamp: bool):
    """Row numbers in `dims[:k]` (row-major) of the k-vectors in `indices`
    (flattened to tensor<?xi64>): components clamped into range (gather's
    rule) or, with `clamp` False, -1 for a vector out of range (dropped by
    the segment sum)."""
    k = b.dims_of(indices)[-1]
    if k is None or None in dims[:k]:
        raise UnimplementedError("nd indices need a static index depth and indexed dims "
                                 "in staged code", op="gather_nd/scatter_nd")
    i64 = dtypes.int64
    nk = TensorSpec(TensorShape._of((None, k)), i64)
    idx = b.op("sf.reshape", [b.as_i64(indices), b.shape_tensor((-1, k))], [b.tensor_type(nk)])
    runtime = b.shape_of(idx)

    def spread(values):  # a constant k-vector (or scalar) to every row
        return b.broadcast_to(b.constant(np.asarray(values, np.int64)), nk, runtime)

    def binary(name, x, y, dtype=i64):
        return b.op(name, [x, y], [b.tensor_type((None, k), dtype)])

    limits = np.asarray(dims[:k], np.int64)
    strides = np.array([int(np.prod(dims[j + 1:k], dtype=np.int64)) for j in range(k)], np.int64)
    if clamp:
        idx = binary("sf.minimum", binary("sf.maximum", idx, spread(0)),
                     spread(np.maximum(limits - 1, 0)))
    row = b.tensor_type((None,), i64)
    linear = b.op("sf.reduce_sum", [binary("sf.mul", idx, spread(strides))], [row],
                  {"axes": b.i64_array([1]), "keepdims": b.bool_attr(False)})
    if clamp:
        return linear
    ok = b.op("sf.logical_and", [binary("sf.greater_equal", idx, spread(0), dtypes.bool),
                                 binary("sf.less", idx, spread(limits), dtypes.bool)],
              [b.tensor_type((None, k), dtypes.bool)])
    valid = b.op("sf.reduce_all", [ok], [b.tensor_type((None,), dtypes.bool)],
                 {"axes": b.i64_array([1]), "keepdims": b.bool_attr(False)})
    dropped = b.broadcast_to(b.constant(np.int64(-1)), TensorSpec(TensorShape._of((None,)), i64),
                             b.shape_of(linear))
    return b.op("sf.select", [valid, linear, dropped], [row])


def _gather_nd_emit(b, params, indices, *, out_specs):
    dims, out = b.dims_of(params), out_specs.shape.dims
    k = b.dims_of(indices)[-1]
    linear = _linear_nd_indices(b, indices, dims, clamp=True)
    rest = dims[k:] if k is not None else ()
    if None in rest or sum(d is None for d in out) > 1:
        raise UnimplementedError("gather_nd with several dynamic dims is not supported "
                                 "in staged code", op="gather_nd")
    dtype = out_specs.dtype
    rows = b.op("sf.reshape", [params, b.shape_tensor((-1,) + rest)],
                [b.tensor_type((int(np.prod(dims[:k], dtype=np.int64)),) + rest, dtype)])
    picked = b.op("sf.gather", [rows, linear], [b.tensor_type((None,) + rest, dtype)],
                  {"axis": b.i64(0), "batch_dims": b.i64(0)})
    return b.op("sf.reshape", [picked, b.shape_tensor([-1 if d is None else d for d in out])],
                [b.tensor_type(out_specs)])


def _scatter_nd_emit(b, indices, updates, _shape, *, out_specs):
    dims = out_specs.shape.dims
    if None in dims:
        raise UnimplementedError("scatter_nd needs a static shape in staged code", op="scatter_nd")
    k = b.dims_of(indices)[-1]
    ids = _linear_nd_indices(b, indices, dims, clamp=False)
    rows = int(np.prod(dims[:k], dtype=np.int64))
    summed = _segment_sum_emit(b, updates, ids, rows, dims[k:], out_specs.dtype)
    return b.op("sf.reshape", [summed, b.shape_tensor(dims)], [b.tensor_type(out_specs)])


def _gather_nd_infer(params, indices):
    rules.require(indices.dtype, "iu", "indices")
    pd, idd = params.shape.dims, indices.shape.dims
    if pd is None or idd is None or idd[-1] is None:
        return TensorSpec(TensorShape(None), params.dtype)
    k = idd[-1]
    if k > len(pd):
        raise InvalidArgumentError(f"index depth {k} exceeds params rank {len(pd)}")
    return TensorSpec(TensorShape._of(idd[:-1] + pd[k:]), params.dtype)


def _check_nd_indices(indices, shape):
    k = indices.shape[-1]
    limits = np.asarray(shape[:k])
    bad = (indices < 0) | (indices >= limits)
    if bad.any():
        where_ = np.argwhere(bad)[0]
        raise InvalidArgumentError(
            f"index {indices[tuple(where_[:-1])].tolist()} is out of bounds for shape {list(shape[:k])}")


def _gather_nd_kernel(params, indices):
    _check_nd_indices(indices, params.shape)
    k = indices.shape[-1]
    return params[tuple(np.moveaxis(indices, -1, 0))] if k else np.broadcast_to(
        params, indices.shape[:-1] + params.shape).copy()


def _gather_nd_grad(ctx, g):
    params, indices = ctx.inputs
    return [scatter_nd(indices, g, shape(params)), None]


_GATHER_ND = op_def("gather_nd", _gather_nd_kernel, _gather_nd_infer, _gather_nd_emit,
                    _gather_nd_grad)


def gather_nd(params, indices, batch_dims=0, name=None) -> Tensor:
    """params[indices[..., :]]: the last axis of `indices` indexes `params`.
    Out-of-range indices raise eagerly; compiled code clamps them (as gather).

        >>> sf.gather_nd(sf.constant([[1, 2], [3, 4]]), [[1, 0]]).numpy()
        array([3], dtype=int32)
    """
    if batch_dims:
        raise InvalidArgumentError("gather_nd with batch_dims is not supported")
    return apply(_GATHER_ND, [params, indices])


def _scatter_nd_infer(indices, updates, shape_):
    rules.require(indices.dtype, "iu", "indices")
    dims = _static_dims(shape_, "shape")
    out = TensorShape(dims)
    idd, ud = indices.shape.dims, updates.shape.dims
    if dims is not None and None not in dims and idd is not None and ud is not None and idd[-1] is not None:
        expected = idd[:-1] + tuple(dims[idd[-1]:])
        if TensorShape._of(ud) != TensorShape._of(expected) and TensorShape._of(ud).is_compatible_with(expected) is False:
            raise InvalidArgumentError(
                f"updates shape {rules.dims_text(updates.shape)} should be {list(expected)}")
    return TensorSpec(out, updates.dtype)


def _scatter_nd_kernel(indices, updates, shape_):
    out = np.zeros(tuple(shape_), updates.dtype)
    _check_nd_indices(indices, out.shape)
    np.add.at(out, tuple(np.moveaxis(indices, -1, 0)), updates)
    return out


_SCATTER_ND = op_def(
    "scatter_nd", _scatter_nd_kernel, _scatter_nd_infer, _scatter_nd_emit,
    lambda ctx, g: [None, gather_nd(g, ctx.inputs[0]), None])


def scatter_nd(indices, updates, shape, name=None) -> Tensor:  # noqa: A002
    """Zeros of `shape` with `updates` added at `indices` (duplicates add up).
    Out-of-range indices raise eagerly; compiled code drops their updates.

        >>> sf.scatter_nd([[1], [1]], sf.constant([2, 3]), [3]).numpy()
        array([0, 5, 0], dtype=int32)
    """
    return apply(_SCATTER_ND, [indices, updates, _shape_operand(shape)])


def boolean_mask(tensor, mask, axis=None, name=None) -> Tensor:
    """The entries of `tensor` where `mask` is true (flattened over the mask's axes)."""
    x = convert_to_tensor(tensor)
    mask = convert_to_tensor(mask)
    rules.require(mask.dtype, "b", "mask")
    axis = 0 if axis is None else rules.normalize_axis(axis, x.shape.rank)
    k = mask.shape.rank
    if k == 0:
        raise InvalidArgumentError("mask cannot be a scalar")
    if not x.shape[axis:axis + k].is_compatible_with(mask.shape):
        raise InvalidArgumentError(
            f"mask shape {rules.dims_text(mask.shape)} does not match tensor shape "
            f"{rules.dims_text(x.shape)} at axis {axis}")
    positions = where_indices(mask)  # [n, k]
    if axis:
        x = transpose(x, list(np.r_[axis:axis + k, 0:axis, axis + k:x.shape.rank]))
    picked = gather_nd(x, positions)
    if axis:
        r = picked.shape.rank
        picked = transpose(picked, list(np.r_[1:axis + 1, 0, axis + 1:r]))
    return picked


# ---------------------------------------------------------------------------
# sort, argsort, unique (eager)
# ---------------------------------------------------------------------------

def _argsort_kernel(x, *, axis, descending, stable):
    if descending:  # the stable descending order: reverse-sort the reversed array
        r = np.flip(x, axis)
        order = np.flip(np.argsort(r, axis=axis, kind="stable"), axis)
        return (x.shape[axis] - 1 - order).astype(np.int32)
    return np.argsort(x, axis=axis, kind="stable").astype(np.int32)


def _argsort_infer(x, *, axis, descending, stable):
    rules.require(x.dtype, "fiu")
    return TensorSpec(x.shape, dtypes.int32)


def _sort_before(math_ops, v, i, pv, pi, descending, floats):
    """Whether (value v, index i) sorts before (pv, pi): a total order in
    which NaN is the largest value and ties keep index order (stable)."""
    a, b = (pv, v) if descending else (v, pv)
    less, same = math_ops.less(a, b), math_ops.equal(a, b)
    if floats:
        nan_a, nan_b = math_ops.is_nan(a), math_ops.is_nan(b)
        less = math_ops.logical_or(less, math_ops.logical_and(nan_b, math_ops.logical_not(nan_a)))
        same = math_ops.logical_or(same, math_ops.logical_and(nan_a, nan_b))
    return math_ops.logical_or(less, math_ops.logical_and(same, math_ops.less(i, pi)))


def _argsort_staged(x, *, axis, descending, stable):
    """A bitonic sorting network over the axis padded to a power of two: per
    stage, each element meets its partner i ^ stride (a reshape and a
    reverse) and keeps the earlier or the later of the two -- O(n log^2 n)
    work in log^2 n elementwise stages, no data-dependent control flow."""
    from strataflow.ops import math_ops

    dims = x.shape.dims
    n, rank = dims[axis], len(dims)
    if n is None:
        raise UnimplementedError("a staged sort needs a static length along the sorted axis")
    if n == 0:
        return zeros_like(x, dtypes.int32)
    perm = [d for d in range(rank) if d != axis] + [axis]
    moved = transpose(x, perm)
    rows = reshape(moved, [-1, n])
    size = 1 << max(n - 1, 0).bit_length()
    floats = x.dtype.is_floating
    if size > n:  # padding sorts last: the largest (NaN) or smallest value, with larger indices
        fill = (-np.inf if floats else x.dtype.min) if descending else (np.nan if floats else x.dtype.max)
        rows = pad(rows, [[0, 0], [0, size - n]], constant_values=fill)
    position = np.arange(size)
    index = broadcast_to(range_(size), shape(rows))
    stage = 2
    while stage <= size:
        stride = stage // 2
        while stride:
            def partner(t):
                pairs = reshape(t, [-1, size // (2 * stride), 2, stride])
                return reshape(reverse(pairs, [2]), [-1, size])
            pv, pi = partner(rows), partner(index)
            # element i holds the earlier of its pair iff it is the pair's lower
            # element in an ascending block (or the upper one in a descending block)
            earlier = ((position & stride) == 0) == ((position & stage) == 0)
            keep = math_ops.equal(_sort_before(math_ops, rows, index, pv, pi, descending, floats), earlier)
            rows, index = math_ops.where(keep, rows, pv), math_ops.where(keep, index, pi)
            stride //= 2
        stage *= 2
    order = reshape(index[:, :n], shape(moved) if None in dims else moved.shape.dims)
    return transpose(order, list(np.argsort(perm)))


_ARGSORT = op_def("argsort", _argsort_kernel, _argsort_infer, composite(_argsort_staged))


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None) -> Tensor:
    """Indices (int32) that sort `values` along `axis` (ties keep their order)."""
    x = convert_to_tensor(values)
    if direction not in ("ASCENDING", "DESCENDING"):
        raise InvalidArgumentError(f"direction must be ASCENDING or DESCENDING, got {direction!r}")
    axis = rules.normalize_axis(axis, x.shape.rank)
    return apply(_ARGSORT, [x], axis=axis, descending=direction == "DESCENDING", stable=bool(stable))


def sort(values, axis=-1, direction="ASCENDING", name=None) -> Tensor:
    """`values` sorted along `axis` (differentiable: a gather by argsort)."""
    x = convert_to_tensor(values)
    r = x.shape.rank
    axis = rules.normalize_axis(axis, r)
    order = argsort(x, axis, direction)
    if axis != r - 1:  # gather along the last axis, with the others as batch dims
        perm = [i for i in range(r) if i != axis] + [axis]
        inv = list(np.argsort(perm))
        xt, ot = transpose(x, perm), transpose(order, perm)
        return transpose(gather(xt, ot, axis=r - 1, batch_dims=r - 1), inv)
    return gather(x, order, axis=r - 1, batch_dims=r - 1)


def _unique_kernel(x, *, out_idx):
    values, first, inverse = np.unique(x, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # TF keeps first-occurrence order
    rank_of = np.empty_like(order)
    rank_of[order] = np.arange(order.size)
    return values[order], rank_of[inverse.reshape(-1)].astype(out_idx._np)


def _unique_infer(x, *, out_idx):
    if x.shape.rank != 1:
        raise InvalidArgumentError(f"unique needs a 1-D tensor, got shape {rules.dims_text(x.shape)}")
    return TensorSpec(TensorShape([None]), x.dtype), TensorSpec(x.shape, out_idx)


_UNIQUE = op_def("unique", _unique_kernel, _unique_infer,
                 eager_only="its output shape depends on the input's values")


def unique(x, out_idx=dtypes.int32, name=None):
    """(y, idx): the distinct values in order of first occurrence and, for
    each input element, its index in y. Eager only (data-dependent shape)."""
    return apply(_UNIQUE, [x], out_idx=dtypes.as_dtype(out_idx))

