"""Elementwise math, comparisons, casts, reductions and matmul.

Each primitive is one `OpDef` made by a shared helper: an elementwise op is
its NumPy kernel, the dtype kinds it accepts, its `sf` op name and its
gradient. Composite ops (e.g. `reduce_logsumexp`) are Python functions of
primitives, so staging and gradients need nothing more for them.
"""
from __future__ import annotations

import numpy as np

from strataflow.framework import dtypes
from strataflow.framework.errors import InvalidArgumentError
from strataflow.framework.tensor import convert_to_tensor
from strataflow.framework.tensor_shape import TensorShape, TensorSpec
from strataflow.ops import array_ops
from strataflow.ops import shape_rules as rules
from strataflow.ops.registry import apply, op_def

FLOAT, INT, NUM, ALL = "f", "iu", "fiu", "fiub"


# ---------------------------------------------------------------------------
# helpers that make one elementwise op a few lines
# ---------------------------------------------------------------------------

def _unary_infer(kinds: str, out_dtype=None):
    def infer(x):
        if x.dtype._kind not in kinds:
            rules.require(x.dtype, kinds)
        if out_dtype is None:
            return x  # the output's type is the input's (see registry: "type-like")
        return TensorSpec(x.shape, out_dtype)
    return infer


def _binary_infer(kinds: str, out_dtype=None):
    def infer(x, y):
        dt = x.dtype
        if y.dtype is not dt:
            rules.same_dtype(x, y)
        if dt._kind not in kinds:
            rules.require(dt, kinds)
        xs, ys = x.shape, y.shape
        if xs._dims == ys._dims:
            if out_dtype is None:
                return x  # the output's type is the input's (see registry: "type-like")
            return TensorSpec(xs, out_dtype)
        return TensorSpec(rules.broadcast_shape(xs, ys), out_dtype or dt)
    return infer


def _emit_elementwise(mnemonic: str):
    name = "sf." + mnemonic

    def emit(b, *operands, out_specs, **attrs):
        operands = b.broadcast_operands(operands, out_specs)
        return b.op(name, operands, [b.tensor_type(out_specs)])
    return emit


def unary(name, kernel, kinds=NUM, grad=None, sf=None, out_dtype=None):
    """Registers an elementwise unary op; returns `fn(x, name=None)`."""
    op = op_def(name, kernel, _unary_infer(kinds, out_dtype),
                _emit_elementwise(sf or name), grad)

    def fn(x, name=None):
        return apply(op, [x])
    fn.op = op
    fn.__name__ = fn.__qualname__ = name
    return fn


def binary(name, kernel, kinds=NUM, grad=None, sf=None, out_dtype=None):
    """Registers an elementwise binary op (NumPy broadcasting); returns `fn(x, y)`."""
    op = op_def(name, kernel, _binary_infer(kinds, out_dtype),
                _emit_elementwise(sf or name), grad, dtype_group=(0, 1))

    def fn(x, y, name=None):
        return apply(op, [x, y])
    fn.op = op
    fn.__name__ = fn.__qualname__ = name
    return fn


def unbroadcast(g, x):
    """Sums gradient `g` (of a broadcast result) back to the shape of input `x`."""
    gs, xs = g.shape.dims, x.shape.dims
    if gs == xs or gs is None or xs is None:
        return g
    lead = len(gs) - len(xs)
    if lead:
        g = reduce_sum(g, axis=list(range(lead)))
    ones = [i for i, (a, b) in enumerate(zip(xs, gs[lead:])) if a == 1 and b != 1]
    if ones:
        g = reduce_sum(g, axis=ones, keepdims=True)
    return g


def _errstate(fn):
    """Runs a NumPy kernel without divide/invalid warnings (TF is silent: inf/nan)."""
    def kernel(*args, **attrs):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return fn(*args, **attrs)
    return kernel


# ---------------------------------------------------------------------------
# binary arithmetic
# ---------------------------------------------------------------------------

def _grad_add(ctx, g):
    x, y = ctx.inputs
    return [unbroadcast(g, x), unbroadcast(g, y)]


def _grad_sub(ctx, g):
    x, y = ctx.inputs
    return [unbroadcast(g, x), unbroadcast(negative(g), y)]


def _grad_mul(ctx, g):
    x, y = ctx.inputs
    return [unbroadcast(multiply(g, y), x), unbroadcast(multiply(g, x), y)]


def _grad_div(ctx, g):
    x, y = ctx.inputs
    return [unbroadcast(real_div(g, y), x),
            unbroadcast(negative(multiply(g, real_div(ctx.output, y))), y)]


def _grad_pow(ctx, g):
    x, y = ctx.inputs
    z = ctx.output
    gx = multiply(g, multiply(y, pow(x, subtract(y, 1))))
    # d/dy x^y = x^y log x, taken as 0 where x == 0 (as TF does)
    safe_log = where(greater(x, 0), log(where(greater(x, 0), x, ones_like(x))), zeros_like(x))
    gy = multiply(g, multiply(z, safe_log)) if y.dtype.is_floating else None
    return [unbroadcast(gx, x), None if gy is None else unbroadcast(gy, y)]


def _grad_minmax(pick):
    def grad(ctx, g):
        x, y = ctx.inputs
        mask = pick(x, y)
        zero = zeros_like(g)
        return [unbroadcast(where(mask, g, zero), x),
                unbroadcast(where(mask, zero, g), y)]
    return grad


def _int_div_check(fn):
    def kernel(x, y):
        if x.dtype.kind in "iu" and not np.all(y):
            raise InvalidArgumentError("integer division by zero")
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return fn(x, y)
    return kernel


add = binary("add", np.add, ALL.replace("b", ""), _grad_add)
subtract = binary("subtract", np.subtract, NUM, _grad_sub, sf="sub")
multiply = binary("multiply", np.multiply, NUM, _grad_mul, sf="mul")
real_div = binary("real_div", _errstate(np.divide), FLOAT, _grad_div, sf="div")
floordiv = binary("floordiv", _int_div_check(np.floor_divide), NUM,
                  lambda ctx, g: [None, None], sf="floor_div")
floormod = binary("floormod", _int_div_check(np.mod), NUM, sf="floor_mod")
pow = binary("pow", _errstate(np.power), NUM, _grad_pow)  # noqa: A001 - TF's name
maximum = binary("maximum", np.maximum, NUM, _grad_minmax(lambda x, y: greater_equal(x, y)), sf="max")
minimum = binary("minimum", np.minimum, NUM, _grad_minmax(lambda x, y: less_equal(x, y)), sf="min")
mod = floormod


def _floormod_grad(ctx, g):
    x, y = ctx.inputs
    return [unbroadcast(g, x), unbroadcast(negative(multiply(g, floordiv(x, y))), y)]


floormod.op.grad = _floormod_grad


def divide(x, y, name=None):
    """`x / y` as in TF2: integers are converted to floats first
    (int8/int16/uint8 -> float32, int32/int64 -> float64).

        >>> sf.divide(sf.constant(3), 2)
        <sf.Tensor: shape=(), dtype=float64, numpy=1.5>
    """
    x, y = _binary_operands(x, y)
    if x.dtype.is_integer and y.dtype is x.dtype:
        to = dtypes.float32 if x.dtype.size <= 2 else dtypes.float64
        x, y = cast(x, to), cast(y, to)
    return real_div(x, y)


truediv = divide


def _binary_operands(x, y):
    """Both operands as tensors, a Python value adopting the other's dtype."""
    from strataflow.framework.tensor import Tensor

    if not isinstance(x, Tensor):
        y = convert_to_tensor(y)
        x = convert_to_tensor(x, dtype=y.dtype)
    else:
        y = convert_to_tensor(y, dtype=x.dtype) if not isinstance(y, Tensor) else y
    return x, y


# ---------------------------------------------------------------------------
# comparisons and logic
# ---------------------------------------------------------------------------

_bool = dtypes.bool
equal = binary("equal", np.equal, ALL, out_dtype=_bool, sf="eq")
not_equal = binary("not_equal", np.not_equal, ALL, out_dtype=_bool, sf="ne")
less = binary("less", np.less, NUM, out_dtype=_bool, sf="lt")
less_equal = binary("less_equal", np.less_equal, NUM, out_dtype=_bool, sf="le")
greater = binary("greater", np.greater, NUM, out_dtype=_bool, sf="gt")
greater_equal = binary("greater_equal", np.greater_equal, NUM, out_dtype=_bool, sf="ge")
logical_and = binary("logical_and", np.logical_and, "b", sf="and")
logical_or = binary("logical_or", np.logical_or, "b", sf="or")
logical_xor = binary("logical_xor", np.logical_xor, "b", sf="xor")
logical_not = unary("logical_not", np.logical_not, "b", sf="not")
bitwise_and = binary("bitwise_and", np.bitwise_and, INT, sf="and")
bitwise_or = binary("bitwise_or", np.bitwise_or, INT, sf="or")
bitwise_xor = binary("bitwise_xor", np.bitwise_xor, INT, sf="xor")
invert = unary("invert", np.invert, INT, sf="not")


# ---------------------------------------------------------------------------
# unary math
# ---------------------------------------------------------------------------

negative = unary("negative", np.negative, "fi", lambda ctx, g: [negative(g)], sf="neg")
neg = negative
abs = unary("abs", np.abs, "fi", lambda ctx, g: [multiply(g, sign(ctx.inputs[0]))])  # noqa: A001
sign = unary("sign", np.sign, "fi", lambda ctx, g: [zeros_like(g)])
exp = unary("exp", _errstate(np.exp), FLOAT, lambda ctx, g: [multiply(g, ctx.output)])
log = unary("log", _errstate(np.log), FLOAT, lambda ctx, g: [real_div(g, ctx.inputs[0])])
sqrt = unary("sqrt", _errstate(np.sqrt), FLOAT,
             lambda ctx, g: [real_div(g, multiply(ctx.output, 2))])
square = unary("square", np.square, NUM,
               lambda ctx, g: [multiply(g, multiply(ctx.inputs[0], 2))])


# ---------------------------------------------------------------------------
# cast
# ---------------------------------------------------------------------------

def _cast_kernel(x, dtype):
    with np.errstate(invalid="ignore", over="ignore"):
        return x.astype(dtype._np)  # float -> int truncates toward zero, as in TF


def _cast_infer(x, dtype):
    return TensorSpec(x.shape, dtype)


def _cast_emit(b, x, *, out_specs, dtype):
    return b.op("sf.cast", [x], [b.tensor_type(out_specs)])


def _cast_grad(ctx, g):
    x = ctx.inputs[0]
    if x.dtype.is_floating and ctx.attrs["dtype"].is_floating:
        return [cast(g, x.dtype)]
    return [None]


_CAST = op_def("cast", _cast_kernel, _cast_infer, _cast_emit, _cast_grad)


def cast(x, dtype, name=None):
    """Converts `x` to `dtype`; floats to integers truncate toward zero.

        >>> sf.cast(sf.constant([-1.7, 1.7]), sf.int32).numpy()
        array([-1,  1], dtype=int32)
    """
    dtype = dtypes.as_dtype(dtype)
    x = convert_to_tensor(x)
    if x.dtype is dtype:
        return x
    return apply(_CAST, [x], dtype=dtype)


# ---------------------------------------------------------------------------
# reductions
# ---------------------------------------------------------------------------

def _reduce_infer(kinds: str, out_dtype=None):
    def infer(x, *, axes, keepdims):
        rules.require(x.dtype, kinds)
        rank = x.shape.rank
        if rank is None:
            return TensorSpec(TensorShape(None), out_dtype or x.dtype)
        for a in axes:
            rules.normalize_axis(a, rank)
        dims = x.shape.dims
        if keepdims:
            out = tuple(1 if i in axes else d for i, d in enumerate(dims))
        else:
            out = tuple(d for i, d in enumerate(dims) if i not in axes)
        return TensorSpec(TensorShape._of(out), out_dtype or x.dtype)
    return infer


def _emit_reduce(mnemonic: str):
    name = "sf." + mnemonic

    def emit(b, x, *, out_specs, axes, keepdims):
        return b.op(name, [x], [b.tensor_type(out_specs)],
                    {"axes": b.i64_array(axes), "keepdims": b.bool_attr(keepdims)})
    return emit


def reduction(name, np_fn, kinds=NUM, grad=None, sf=None, out_dtype=None):
    """Registers a reduction op (attrs `axes` (normalized tuple), `keepdims`);
    returns the TF-style `fn(x, axis=None, keepdims=False)`."""
    def kernel(x, *, axes, keepdims):
        return np_fn(x, axis=axes, keepdims=keepdims)

    op = op_def(name, kernel, _reduce_infer(kinds, out_dtype), _emit_reduce(sf or name), grad)

    def fn(input_tensor, axis=None, keepdims=False, name=None):
        x = convert_to_tensor(input_tensor)
        axes = rules.normalize_axes(_axis_value(axis), x.shape.rank)
        return apply(op, [x], axes=axes, keepdims=bool(keepdims))
    fn.op = op
    fn.__name__ = fn.__qualname__ = name
    return fn


def _axis_value(axis):
    if axis is None or isinstance(axis, (int, list, tuple)):
        return axis
    v = np.asarray(axis)  # tensors / arrays of axes
    return v.tolist()


def _restore_reduced(g, ctx):
    """`g` reshaped so it broadcasts against the reduction's input."""
    if not ctx.attrs["keepdims"]:
        for a in ctx.attrs["axes"]:
            g = array_ops.expand_dims(g, a)
    return g


def _grad_sum(ctx, g):
    x = ctx.inputs[0]
    return [array_ops.broadcast_to(_restore_reduced(g, ctx), array_ops.shape(x))]


def _sum_kernel_dtype(np_fn):
    def fn(x, axis, keepdims):
        return np_fn(x, axis=axis, keepdims=keepdims, dtype=x.dtype)
    return fn


reduce_sum = reduction("reduce_sum", _sum_kernel_dtype(np.sum), NUM, _grad_sum)


def _grad_prod(ctx, g):
    x = ctx.inputs[0]
    # d prod / d x_i = prod / x_i (exact where x has no zeros)
    y = _restore_reduced(ctx.output, ctx)
    g = _restore_reduced(g, ctx)
    return [multiply(g, real_div(y, x)) if x.dtype.is_floating else None]


reduce_prod = reduction("reduce_prod", _sum_kernel_dtype(np.prod), NUM, _grad_prod)


# ---------------------------------------------------------------------------
# matmul
# ---------------------------------------------------------------------------

def _matmul_kernel(a, b, *, transpose_a=False, transpose_b=False):
    if transpose_a:
        a = np.swapaxes(a, -1, -2)
    if transpose_b:
        b = np.swapaxes(b, -1, -2)
    return np.matmul(a, b)


def _matmul_infer(a, b, *, transpose_a=False, transpose_b=False):
    dt = rules.same_dtype(a, b)
    rules.require(dt, NUM, "matmul operands")
    sa, sb = a.shape, b.shape
    if sa.rank is None or sb.rank is None:
        return TensorSpec(TensorShape(None), dt)
    if sa.rank < 2 or sb.rank < 2:
        raise InvalidArgumentError(
            f"matmul needs rank >= 2 operands, got shapes {rules.dims_text(sa)} and "
            f"{rules.dims_text(sb)} (use sf.linalg.matvec or sf.tensordot for vectors)"
        )
    m, k1 = (sa[-1], sa[-2]) if transpose_a else (sa[-2], sa[-1])
    k2, n = (sb[-1], sb[-2]) if transpose_b else (sb[-2], sb[-1])
    if k1 is not None and k2 is not None and k1 != k2:
        raise InvalidArgumentError(
            f"matmul inner dimensions differ: {rules.dims_text(sa)} x {rules.dims_text(sb)} "
            f"(transpose_a={transpose_a}, transpose_b={transpose_b})"
        )
    batch = rules.broadcast_shape(sa[:-2], sb[:-2])
    return TensorSpec(batch.concatenate([m, n]), dt)


def _matmul_emit(b, x, y, *, out_specs, transpose_a=False, transpose_b=False):
    return b.op("sf.matmul", [x, y], [b.tensor_type(out_specs)],
                {"transpose_a": b.bool_attr(transpose_a), "transpose_b": b.bool_attr(transpose_b)})


def _matmul_grad(ctx, g):
    a, b = ctx.inputs
    ta, tb = ctx.attrs.get("transpose_a", False), ctx.attrs.get("transpose_b", False)
    if not ta and not tb:
        ga, gb = matmul(g, b, transpose_b=True), matmul(a, g, transpose_a=True)
    elif not ta and tb:
        ga, gb = matmul(g, b), matmul(g, a, transpose_a=True)
    elif ta and not tb:
        ga, gb = matmul(b, g, transpose_b=True), matmul(a, g)
    else:
        ga, gb = matmul(b, g, transpose_a=True, transpose_b=True), matmul(g, a, transpose_a=True, transpose_b=True)
    return [unbroadcast(ga, a), unbroadcast(gb, b)]


_MATMUL = op_def("matmul", _matmul_kernel, _matmul_infer, _matmul_emit, _matmul_grad,
                 dtype_group=(0, 1))


def matmul(a, b, transpose_a=False, transpose_b=False, name=None):
    """Matrix product over the last two axes (leading axes broadcast).

        >>> sf.matmul(sf.ones([2, 3]), sf.ones([3, 4])).shape
        TensorShape([2, 4])
    """
    attrs = {}
    if transpose_a:
        attrs["transpose_a"] = True
    if transpose_b:
        attrs["transpose_b"] = True
    return apply(_MATMUL, [a, b], **attrs)


# ---------------------------------------------------------------------------
# 3-argument where (select) -- here because gradients above use it
# ---------------------------------------------------------------------------

def _select_infer(c, x, y):
    rules.require(c.dtype, "b", "condition")
    dt = rules.same_dtype(x, y)
    return TensorSpec(rules.broadcast_shapes(c.shape, x.shape, y.shape), dt)


def _select_grad(ctx, g):
    c, x, y = ctx.inputs
    zero = zeros_like(g)
    return [None, unbroadcast(apply(_SELECT, [c, g, zero]), x),
            unbroadcast(apply(_SELECT, [c, zero, g]), y)]


_SELECT = op_def("select", np.where, _select_infer, _emit_elementwise("select"), _select_grad,
                 dtype_group=(1, 2))


def where(condition, x=None, y=None, name=None):
    """`where(c, x, y)` picks elementwise (broadcasting); `where(c)` returns the
    indices (int64, shape [n, rank]) of the true elements.

        >>> sf.where([True, False], 1.0, 2.0).numpy()
        array([1., 2.], dtype=float32)
    """
    if x is None and y is None:
        return array_ops.where_indices(condition)
    if x is None or y is None:
        raise InvalidArgumentError("where takes either only a condition or a condition, x and y")
    return apply(_SELECT, [condition, x, y])


zeros_like = array_ops.zeros_like
ones_like = array_ops.ones_like
