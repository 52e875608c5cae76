"""Elementwise math, comparisons, casts, reductions, scans and matmul.

Each primitive is one `OpDef` made by a shared helper: an elementwise op is
its NumPy kernel, the dtype kinds it accepts, its `sf` op name and its
gradient. Composite ops (`reduce_logsumexp`, `is_finite`, ...) are Python
functions of primitives, so staging and gradients need nothing more.
"""
from __future__ import annotations

import numpy as np

from strataflow.framework import dtypes
from strataflow.framework.errors import InvalidArgumentError, UnimplementedError
from strataflow.framework.tensor import EagerTensor, Tensor, convert_to_tensor
from strataflow.framework.tensor_shape import TensorShape, TensorSpec
from strataflow.ops import array_ops
from strataflow.ops import shape_rules as rules
from strataflow.ops.array_ops import ones_like, zeros_like
from strataflow.ops.registry import apply, composite, op_def

FLOAT, INT, NUM, ALL = "f", "iu", "fiu", "fiub"
SIGNED = "fi"


# ---------------------------------------------------------------------------
# helpers that make one elementwise op a few lines
# ---------------------------------------------------------------------------

def _unary_infer(kinds: str, out_dtype=None):
    def infer(x):
        if x.dtype._kind not in kinds:
            rules.require(x.dtype, kinds)
        if out_dtype is None:
            return x  # the output's type is the input's ("type-like", see registry)
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
                return x  # the output's type is the input's ("type-like", see registry)
            return TensorSpec(xs, out_dtype)
        return TensorSpec(rules.broadcast_shape(xs, ys), out_dtype or dt)
    return infer


def _emit_elementwise(mnemonic: str):
    name = "sf." + mnemonic

    def emit(b, *operands, out_specs, **attrs):
        operands = b.broadcast_operands(operands, out_specs)
        return b.op(name, operands, [b.tensor_type(out_specs)])
    return emit


def _named(fn, op, name):
    fn.op = op
    fn.__name__ = fn.__qualname__ = name
    return fn


def unary(name, kernel, kinds=NUM, grad=None, sf=None, out_dtype=None, doc=None):
    """Registers an elementwise unary op; returns `fn(x, name=None)`.

    `sf`: the dialect op's mnemonic (default: `name`); "" for an eager-only op.
    """
    emit = None if sf == "" else _emit_elementwise(sf or name)
    op = op_def(name, kernel, _unary_infer(kinds, out_dtype), emit, grad)

    def fn(x, name=None):
        return apply(op, (x,))
    fn.__doc__ = doc
    return _named(fn, op, name)


def binary(name, kernel, kinds=NUM, grad=None, sf=None, out_dtype=None, doc=None):
    """Registers an elementwise binary op (NumPy broadcasting); returns `fn(x, y)`."""
    emit = None if sf == "" else _emit_elementwise(sf or name)
    op = op_def(name, kernel, _binary_infer(kinds, out_dtype), emit, grad, dtype_group=(0, 1))

    def fn(x, y, name=None):
        return apply(op, (x, y))
    fn.__doc__ = doc
    return _named(fn, op, name)


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


def _quiet(fn):
    """A NumPy kernel without divide/invalid/overflow warnings (TF is silent)."""
    def kernel(*args, **attrs):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return fn(*args, **attrs)
    return kernel


def _float_kernel(fn):
    """Evaluates in float32 for half types (NumPy has no bf16 math), then casts back."""
    def kernel(x):
        if x.dtype.itemsize == 2:
            return fn(x.astype(np.float32)).astype(x.dtype)
        return fn(x)
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
    if not x.dtype.is_floating:
        return [None, None]
    gx = multiply(g, multiply(y, pow(x, subtract(y, 1))))
    # d/dy x^y = x^y log x, taken as 0 where x <= 0 (as TF does)
    positive = greater(x, 0)
    log_x = where(positive, log(where(positive, x, ones_like(x))), zeros_like(x))
    gy = multiply(g, multiply(ctx.output, log_x))
    return [unbroadcast(gx, x), unbroadcast(gy, y)]


def _grad_select_by(pick):
    def grad(ctx, g):
        x, y = ctx.inputs
        mask = pick(x, y)
        zero = zeros_like(g)
        return [unbroadcast(where(mask, g, zero), x), unbroadcast(where(mask, zero, g), y)]
    return grad


def _grad_floormod(ctx, g):
    x, y = ctx.inputs
    return [unbroadcast(g, x), unbroadcast(negative(multiply(g, floordiv(x, y))), y)]


def _int_division(fn):
    def kernel(x, y):
        if x.dtype.kind in "iu" and not np.all(y):
            raise InvalidArgumentError("integer division by zero")
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return fn(x, y)
    return kernel


def _pow_kernel(x, y):
    if x.dtype.kind in "iu" and np.any(y < 0):
        raise InvalidArgumentError("integers to negative integer powers are not allowed")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.power(x, y)


add = binary("add", np.add, NUM, _grad_add, doc="x + y, elementwise with broadcasting.")
subtract = binary("subtract", np.subtract, NUM, _grad_sub, sf="sub")
multiply = binary("multiply", np.multiply, NUM, _grad_mul, sf="mul")
real_div = binary("real_div", _quiet(np.divide), FLOAT, _grad_div, sf="div")
floordiv = binary("floordiv", _int_division(np.floor_divide), NUM,
                  lambda ctx, g: [None, None],
                  doc="floor(x / y): Python's `//` (integer division by zero is an error).")
floormod = binary("floormod", _int_division(np.mod), NUM, _grad_floormod, sf="mod",
                  doc="x - floor(x / y) * y: Python's `%` (the sign follows y).")
mod = floormod
pow = binary("pow", _pow_kernel, NUM, _grad_pow)  # noqa: A001 - TF's name
maximum = binary("maximum", np.maximum, NUM, _grad_select_by(lambda x, y: greater_equal(x, y)))
minimum = binary("minimum", np.minimum, NUM, _grad_select_by(lambda x, y: less_equal(x, y)))


def divide(x, y, name=None):
    """`x / y` as in TF2: integers are converted to floats first
    (int8/int16/uint8 -> float32, int32/int64 -> float64).

        >>> sf.divide(sf.constant(3), 2)
        <sf.Tensor: shape=(), dtype=float64, numpy=1.5>
    """
    x, y = _operands(x, y)
    if x.dtype.is_integer and y.dtype is x.dtype:
        to = dtypes.float32 if x.dtype.size <= 2 else dtypes.float64
        x, y = cast(x, to), cast(y, to)
    return real_div(x, y)


truediv = divide


def _operands(x, y):
    """Both operands as tensors; a Python value adopts the other's dtype."""
    if not isinstance(x, Tensor):
        y = convert_to_tensor(y)
        return convert_to_tensor(x, dtype=y.dtype), y
    return x, convert_to_tensor(y, dtype=x.dtype) if not isinstance(y, Tensor) else y


def squared_difference(x, y, name=None):
    """(x - y)^2 elementwise."""
    return square(subtract(x, y))


def divide_no_nan(x, y, name=None):
    """x / y, and 0 where y == 0 (gradients are finite there too)."""
    x, y = _operands(x, y)
    zero = equal(y, zeros_like(y))
    safe = where(zero, ones_like(y), y)
    return where(zero, zeros_like(real_div(x, safe)), real_div(x, safe))


def add_n(inputs, name=None):
    """Sum of a list of tensors of one shape and dtype."""
    inputs = list(inputs)
    if not inputs:
        raise InvalidArgumentError("add_n of an empty list")
    total = convert_to_tensor(inputs[0])
    for x in inputs[1:]:
        total = add(total, x)
    return total


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """min(max(t, clip_value_min), clip_value_max), elementwise."""
    return minimum(maximum(t, clip_value_min), clip_value_max)


# ---------------------------------------------------------------------------
# comparisons and logic
# ---------------------------------------------------------------------------

_bool = dtypes.bool
equal = binary("equal", np.equal, ALL, out_dtype=_bool)
not_equal = binary("not_equal", np.not_equal, ALL, out_dtype=_bool)
less = binary("less", np.less, NUM, out_dtype=_bool)
less_equal = binary("less_equal", np.less_equal, NUM, out_dtype=_bool)
greater = binary("greater", np.greater, NUM, out_dtype=_bool)
greater_equal = binary("greater_equal", np.greater_equal, NUM, out_dtype=_bool)
logical_and = binary("logical_and", np.logical_and, "b")
logical_or = binary("logical_or", np.logical_or, "b")
logical_not = unary("logical_not", np.logical_not, "b")
bitwise_and = binary("bitwise_and", np.bitwise_and, INT, doc="x & y on integers.")
bitwise_or = binary("bitwise_or", np.bitwise_or, INT, doc="x | y on integers.")
bitwise_xor = binary("bitwise_xor", np.bitwise_xor, INT, doc="x ^ y on integers.")
invert = unary("invert", np.invert, INT, doc="~x on integers.")
# NumPy defines shifts by y < 0 or y >= the bit width (x << y = 0, x >> y
# fills with the sign); the sf lowering does the same.
left_shift = binary("left_shift", np.left_shift, INT, doc="x << y (0 for y outside [0, bits)).")
right_shift = binary("right_shift", np.right_shift, INT,
                     doc="x >> y, arithmetic for signed types (sign fill for y outside [0, bits)).")


def logical_xor(x, y, name=None):
    """x != y on booleans."""
    x, y = _operands(x, y)
    rules.require(x.dtype, "b", "logical_xor operands")
    return not_equal(x, y)


def is_nan(x, name=None):
    """True where x is NaN."""
    x = convert_to_tensor(x)
    rules.require(x.dtype, FLOAT, "is_nan input")
    return not_equal(x, x)


def is_inf(x, name=None):
    """True where x is +inf or -inf."""
    x = convert_to_tensor(x)
    rules.require(x.dtype, FLOAT, "is_inf input")
    return equal(abs(x), np.inf)


def is_finite(x, name=None):
    """True where x is neither NaN nor infinite."""
    x = convert_to_tensor(x)
    rules.require(x.dtype, FLOAT, "is_finite input")
    return less(abs(x), np.inf)


# ---------------------------------------------------------------------------
# unary math
# ---------------------------------------------------------------------------

def _erf(x: np.ndarray) -> np.ndarray:
    """erf, vectorized, to ~1e-15 relative in float64.

    |x| < 2.5: erf(x) = 2/sqrt(pi) exp(-x^2) sum_n (2x^2)^n x / (1*3*...*(2n+1))
    (positive terms: no cancellation); beyond, erfc's continued fraction
    erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))).
    """
    x64 = np.asarray(x, np.float64)
    a = np.abs(x64)
    small = np.minimum(a, 2.5)
    two_x2 = 2.0 * small * small
    term = small.copy()
    total = small.copy()
    for n in range(1, 80):
        term *= two_x2 / (2 * n + 1)
        total += term
    series = 2.0 / np.sqrt(np.pi) * np.exp(-small * small) * total
    big = np.maximum(a, 2.5)
    frac = big.copy()
    for k in range(60, 0, -1):
        frac = big + (k / 2.0) / frac
    tail = 1.0 - np.exp(-big * big) / np.sqrt(np.pi) / frac
    out = np.where(a < 2.5, series, tail)
    out = np.where(np.isnan(x64), np.nan, np.copysign(out, x64))
    return out.astype(x.dtype)


def _gelu(x):
    return 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0).astype(x.dtype)))


def _sigmoid(x):
    # 1/(1+e^-x) without overflow warnings for very negative x
    with np.errstate(over="ignore"):
        return (1.0 / (1.0 + np.exp(-x))).astype(x.dtype)


def _relu(x):
    return np.maximum(x, np.zeros((), x.dtype))


def _grad_by(derivative):
    """Gradient rule g * f'(x) where `derivative(ctx)` builds f'(x) with ops."""
    def grad(ctx, g):
        return [multiply(g, derivative(ctx))]
    return grad


_x = lambda ctx: ctx.inputs[0]  # noqa: E731
_y = lambda ctx: ctx.output  # noqa: E731

negative = unary("negative", np.negative, SIGNED, lambda ctx, g: [negative(g)], sf="neg")
neg = negative
abs = unary("abs", np.abs, SIGNED, _grad_by(lambda c: sign(_x(c))))  # noqa: A001
sign = unary("sign", np.sign, SIGNED, lambda ctx, g: [zeros_like(g)])
square = unary("square", np.square, NUM, _grad_by(lambda c: multiply(_x(c), 2)))
relu = unary("relu", _relu, SIGNED,
             _grad_by(lambda c: cast(greater(_x(c), 0), _x(c).dtype)))
exp = unary("exp", _float_kernel(_quiet(np.exp)), FLOAT, _grad_by(_y))
expm1 = unary("expm1", _float_kernel(_quiet(np.expm1)), FLOAT,
              _grad_by(lambda c: add(_y(c), 1)))
log = unary("log", _float_kernel(_quiet(np.log)), FLOAT,
            lambda ctx, g: [real_div(g, _x(ctx))])
log1p = unary("log1p", _float_kernel(_quiet(np.log1p)), FLOAT,
              lambda ctx, g: [real_div(g, add(_x(ctx), 1))])
sqrt = unary("sqrt", _float_kernel(_quiet(np.sqrt)), FLOAT,
             lambda ctx, g: [real_div(g, multiply(_y(ctx), 2))])
rsqrt = unary("rsqrt", _float_kernel(_quiet(lambda x: 1 / np.sqrt(x))), FLOAT,
              _grad_by(lambda c: multiply(pow(_y(c), 3), -0.5)))
sin = unary("sin", _float_kernel(np.sin), FLOAT, _grad_by(lambda c: cos(_x(c))))
cos = unary("cos", _float_kernel(np.cos), FLOAT, _grad_by(lambda c: negative(sin(_x(c)))))
tanh = unary("tanh", _float_kernel(np.tanh), FLOAT,
             _grad_by(lambda c: subtract(1, square(_y(c)))))
sigmoid = unary("sigmoid", _float_kernel(_sigmoid), FLOAT,
                _grad_by(lambda c: multiply(_y(c), subtract(1, _y(c)))))
erf = unary("erf", _float_kernel(_erf), FLOAT,
            _grad_by(lambda c: multiply(exp(negative(square(_x(c)))), 2 / np.sqrt(np.pi))))


# Giles, "Approximating the erfinv function" (GPU Computing Gems, 2011): the
# single-precision polynomials in w = -log(1 - x^2), as XLA's ErfInv.
_ERFINV_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
                   0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_ERFINV_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
                0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)


def _horner(coefficients, w):
    p = coefficients[0]
    for c in coefficients[1:]:
        p = add(multiply(p, w), c)
    return p


def erfinv(x, name=None):
    """The inverse of `erf` on (-1, 1) (±inf at ±1), to float32 accuracy.

        >>> sf.math.erfinv(sf.math.erf([0.5, -0.25])).numpy().round(5)
        array([ 0.5 , -0.25], dtype=float32)
    """
    x = convert_to_tensor(x)
    rules.require(x.dtype, FLOAT, "erfinv")
    w = negative(log(multiply(subtract(1, x), add(1, x))))
    central = _horner(_ERFINV_CENTRAL, subtract(minimum(w, 5), 2.5))
    tail = _horner(_ERFINV_TAIL, subtract(sqrt(maximum(w, 5)), 3))
    y = multiply(where(less(w, 5), central, tail), x)
    # at ±1 the tail polynomial overflows to -inf; constant infinities keep gradients finite
    return where(equal(x, 1), np.inf, where(equal(x, -1), -np.inf, y))


def _gelu_derivative(ctx):
    x = _x(ctx)
    cdf = multiply(add(erf(multiply(x, 1 / np.sqrt(2))), 1), 0.5)
    pdf = multiply(exp(multiply(square(x), -0.5)), 1 / np.sqrt(2 * np.pi))
    return add(cdf, multiply(x, pdf))


_gelu_exact = unary("gelu", _float_kernel(_gelu), FLOAT, _grad_by(_gelu_derivative))
floor = unary("floor", np.floor, FLOAT, lambda ctx, g: [zeros_like(g)])
ceil = unary("ceil", np.ceil, FLOAT, lambda ctx, g: [zeros_like(g)])
_round = unary("round", np.round, FLOAT, lambda ctx, g: [zeros_like(g)])


def round(x, name=None):  # noqa: A001 - TF's name
    """Rounds half to even (banker's rounding), as TF; integers unchanged."""
    x = convert_to_tensor(x)
    return x if x.dtype.is_integer else _round(x)


def gelu(features, approximate=False, name=None):
    """x * Phi(x); `approximate` uses the tanh formula."""
    x = convert_to_tensor(features)
    if not approximate:
        return _gelu_exact(x)
    c = np.sqrt(2 / np.pi)
    inner = multiply(add(x, multiply(pow(x, 3), 0.044715)), c)
    return multiply(multiply(x, 0.5), add(tanh(inner), 1))


def reciprocal(x, name=None):
    """1 / x for floats."""
    x = convert_to_tensor(x)
    return real_div(ones_like(x), x)


# ---------------------------------------------------------------------------
# cast
# ---------------------------------------------------------------------------

def _cast_kernel(x, *, dtype):
    with np.errstate(invalid="ignore", over="ignore"):
        return x.astype(dtype._np)  # float -> int truncates toward zero, as in TF


def _cast_grad(ctx, g):
    x = ctx.inputs[0]
    if x.dtype.is_floating and ctx.attrs["dtype"].is_floating:
        return [cast(g, x.dtype)]
    return [None]


_CAST = op_def("cast", _cast_kernel, lambda x, *, dtype: TensorSpec(x.shape, dtype),
               lambda b, x, *, out_specs, dtype: b.op("sf.cast", [x], [b.tensor_type(out_specs)]),
               _cast_grad)


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
        dims = x.shape.dims
        if dims is None:
            return TensorSpec(TensorShape(None), out_dtype or x.dtype)
        for a in axes:
            rules.normalize_axis(a, len(dims))
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


def reduction(name, kernel, kinds=NUM, grad=None, sf=None, doc=None):
    """Registers a reduction op (attrs `axes`: sorted non-negative tuple,
    `keepdims`); returns the TF-style `fn(input_tensor, axis=None, keepdims=False)`.
    `kernel(x, axes, keepdims)` gets NumPy arguments."""
    op = op_def(name, lambda x, *, axes, keepdims: kernel(x, axes, keepdims),
                _reduce_infer(kinds), _emit_reduce(sf or name), grad)

    def fn(input_tensor, axis=None, keepdims=False, name=None):
        x = convert_to_tensor(input_tensor)
        axes = rules.normalize_axes(_axis_value(axis), x.shape.rank)
        return apply(op, [x], axes=axes, keepdims=bool(keepdims))
    fn.__doc__ = doc
    return _named(fn, op, name)


def _axis_value(axis):
    if axis is None or isinstance(axis, (int, list, tuple)):
        return axis
    return np.asarray(axis).tolist()  # tensors / arrays of axes


def _restore_reduced(t, ctx):
    """`t` (shaped like the reduction's output) with the reduced axes back as size 1."""
    if not ctx.attrs["keepdims"]:
        for a in ctx.attrs["axes"]:
            t = array_ops.expand_dims(t, a)
    return t


def _grad_sum(ctx, g):
    x = ctx.inputs[0]
    return [array_ops.broadcast_to(_restore_reduced(g, ctx), array_ops.shape(x))]


def _count(x, axes):
    n = 1
    for a in axes:
        n *= x.shape[a]
    return n


def _grad_mean(ctx, g):
    (gx,) = _grad_sum(ctx, g)
    x = ctx.inputs[0]
    n = _count(x, ctx.attrs["axes"])
    if n is None:
        n = cast(reduce_prod(array_ops.gather(array_ops.shape(x), list(ctx.attrs["axes"]))), x.dtype)
    return [real_div(gx, n)] if x.dtype.is_floating else [None]


def _grad_extremum(ctx, g):
    x = ctx.inputs[0]
    y = _restore_reduced(ctx.output, ctx)
    mask = cast(equal(x, y), g.dtype)
    ties = _restore_reduced(reduce_sum(mask, axis=list(ctx.attrs["axes"]), keepdims=ctx.attrs["keepdims"]), ctx)
    return [multiply(real_div(mask, ties), _restore_reduced(g, ctx))]


def _grad_prod(ctx, g):
    x = ctx.inputs[0]
    if not x.dtype.is_floating:
        return [None]
    # d prod / d x_i = prod of the others (exact where x has no zeros)
    y = _restore_reduced(ctx.output, ctx)
    return [multiply(_restore_reduced(g, ctx), real_div(y, x))]


def _sum_kernel(np_fn):
    def kernel(x, axes, keepdims):
        return np_fn(x, axis=axes, keepdims=keepdims, dtype=x.dtype)
    return kernel


def _mean_kernel(x, axes, keepdims):
    if dtypes.is_floating_numpy(x.dtype):
        acc = np.float32 if x.dtype.itemsize < 4 else x.dtype  # half types: accumulate wider
        return np.mean(x, axis=axes, keepdims=keepdims, dtype=acc).astype(x.dtype)
    total = np.sum(x, axis=axes, keepdims=keepdims, dtype=x.dtype)
    n = max(int(np.prod([x.shape[a] for a in axes])), 1)
    return (np.sign(total) * (np.abs(total) // n)).astype(x.dtype)  # truncating, as TF


def _extremum_kernel(np_fn, lowest: bool):
    def kernel(x, axes, keepdims):
        if dtypes.is_floating_numpy(x.dtype):
            initial = -np.inf if lowest else np.inf
        else:
            info = np.iinfo(x.dtype)
            initial = info.min if lowest else info.max
        return np_fn(x, axis=axes, keepdims=keepdims, initial=initial)
    return kernel


reduce_sum = reduction("reduce_sum", _sum_kernel(np.sum), NUM, _grad_sum)
reduce_prod = reduction("reduce_prod", _sum_kernel(np.prod), NUM, _grad_prod)
reduce_mean = reduction("reduce_mean", _mean_kernel, NUM, _grad_mean,
                        doc="Mean over `axis` (integers: truncated, as TF).")
reduce_max = reduction("reduce_max", _extremum_kernel(np.max, True), NUM, _grad_extremum)
reduce_min = reduction("reduce_min", _extremum_kernel(np.min, False), NUM, _grad_extremum)
reduce_any = reduction("reduce_any", lambda x, a, k: np.any(x, axis=a, keepdims=k), "b")
reduce_all = reduction("reduce_all", lambda x, a, k: np.all(x, axis=a, keepdims=k), "b")


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """log(sum(exp(x))) over `axis`, computed stably (max subtracted first)."""
    x = convert_to_tensor(input_tensor)
    m = array_ops.stop_gradient(reduce_max(x, axis, keepdims=True))
    m = where(is_finite(m), m, zeros_like(m))
    out = add(log(reduce_sum(exp(subtract(x, m)), axis, keepdims=True)), m)
    if keepdims:
        return out
    axes = rules.normalize_axes(_axis_value(axis), x.shape.rank)
    return array_ops.squeeze(out, list(axes))


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """Mean squared deviation from the mean over `axis` (floats)."""
    x = convert_to_tensor(input_tensor)
    rules.require(x.dtype, FLOAT, "reduce_variance input")
    mean = reduce_mean(x, axis, keepdims=True)
    return reduce_mean(square(subtract(x, mean)), axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """Standard deviation over `axis` (floats)."""
    return sqrt(reduce_variance(input_tensor, axis, keepdims))


# ---------------------------------------------------------------------------
# argmax / argmin
# ---------------------------------------------------------------------------

def _arg_infer(x, *, axis, output_type):
    rules.require(x.dtype, NUM)
    d = x.shape.dims
    if d is None:
        return TensorSpec(TensorShape(None), output_type)
    if d[axis] == 0:
        raise InvalidArgumentError(f"reduction axis {axis} is empty")
    return TensorSpec(TensorShape._of(d[:axis] + d[axis + 1:]), output_type)


def _arg_op(name, np_fn):
    op = op_def(
        name, lambda x, *, axis, output_type: np_fn(x, axis=axis).astype(output_type._np),
        _arg_infer,
        lambda b, x, *, out_specs, axis, output_type: b.op(
            "sf." + name, [x], [b.tensor_type(out_specs)], {"axis": b.i64(axis)}))

    def fn(input, axis=None, output_type=dtypes.int64, name=None):  # noqa: A002
        x = convert_to_tensor(input)
        axis = rules.normalize_axis(0 if axis is None else axis, x.shape.rank)
        output_type = dtypes.as_dtype(output_type)
        if output_type not in (dtypes.int32, dtypes.int64):
            raise InvalidArgumentError(f"output_type must be int32 or int64, got {output_type.name}")
        return apply(op, [x], axis=axis, output_type=output_type)
    fn.__doc__ = f"Index of the {name[3:]}imum along `axis` (first on ties; NaN wins)."
    return _named(fn, op, name)


argmax = _arg_op("argmax", np.argmax)
argmin = _arg_op("argmin", np.argmin)


# ---------------------------------------------------------------------------
# cumulative sums / products
# ---------------------------------------------------------------------------

def _scan_kernel(np_fn, identity):
    def kernel(x, *, axis, exclusive, reverse):
        if reverse:
            x = np.flip(x, axis)
        out = np_fn(x, axis=axis, dtype=x.dtype)
        if exclusive:
            pad = [(0, 0)] * x.ndim
            pad[axis] = (1, 0)
            out = np.pad(out, pad, constant_values=identity)
            out = np.delete(out, -1, axis=axis)
        return np.flip(out, axis) if reverse else out
    return kernel


def _scan_infer(x, *, axis, exclusive, reverse):
    rules.require(x.dtype, NUM)
    return x


def _cumsum_grad(ctx, g):
    a = ctx.attrs
    return [cumsum(g, a["axis"], exclusive=a["exclusive"], reverse=not a["reverse"])]


def _cumprod_grad(ctx, g):
    x = ctx.inputs[0]
    a = ctx.attrs
    if not x.dtype.is_floating:
        return [None]
    # exact where x has no zeros (as TF's rule)
    summed = cumsum(multiply(g, ctx.output), a["axis"], exclusive=a["exclusive"],
                    reverse=not a["reverse"])
    return [real_div(summed, x)]


def _scan_staged(combine, identity):
    """The doubling scan (Hillis-Steele): after step k every element holds the
    combination of the 2^k elements ending at it -- log2(n) shifted combines."""
    def staged(x, *, axis, exclusive, reverse):
        n, rank = x.shape.dims[axis], x.shape.rank
        if n is None:
            raise UnimplementedError("a staged cumulative op needs a static length along the axis")

        def shifted(t, k):  # t moved k places along axis, `identity` flowing in
            head = (slice(None),) * axis + (slice(0, n - k),)
            paddings = [[0, 0]] * rank
            paddings[axis] = [k, 0]
            return array_ops.pad(t[head], paddings, constant_values=identity)

        if reverse:
            x = array_ops.reverse(x, [axis])
        if exclusive and n:
            x = shifted(x, 1)
        k = 1
        while k < n:
            x = combine(x, shifted(x, k))
            k *= 2
        return array_ops.reverse(x, [axis]) if reverse else x
    return composite(staged)


_CUMSUM = op_def("cumsum", _scan_kernel(np.cumsum, 0), _scan_infer, _scan_staged(add, 0), _cumsum_grad)
_CUMPROD = op_def("cumprod", _scan_kernel(np.cumprod, 1), _scan_infer, _scan_staged(multiply, 1),
                  _cumprod_grad)


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running sum along `axis`.

        >>> sf.cumsum([1, 2, 3]).numpy()
        array([1, 3, 6], dtype=int32)
    """
    x = convert_to_tensor(x)
    axis = rules.normalize_axis(axis, x.shape.rank)
    return apply(_CUMSUM, [x], axis=axis, exclusive=bool(exclusive), reverse=bool(reverse))


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running product along `axis`."""
    x = convert_to_tensor(x)
    axis = rules.normalize_axis(axis, x.shape.rank)
    return apply(_CUMPROD, [x], axis=axis, exclusive=bool(exclusive), reverse=bool(reverse))


# ---------------------------------------------------------------------------
# top_k, l2_normalize
# ---------------------------------------------------------------------------

def _top_k_kernel(x, *, k, sorted):
    n = x.shape[-1]
    # stable ascending sort of the reversed row, reversed: descending with the
    # lower index first among ties (TF's order)
    order = np.argsort(x[..., ::-1], axis=-1, kind="stable")[..., ::-1][..., :k]
    indices = (n - 1 - order).astype(np.int32)
    return np.take_along_axis(x, indices, -1), indices


def _top_k_infer(x, *, k, sorted):
    rules.require(x.dtype, NUM)
    d = x.shape.dims
    if d is not None:
        if not d:
            raise InvalidArgumentError("top_k needs a tensor of rank >= 1")
        if d[-1] is not None and d[-1] < k:
            raise InvalidArgumentError(f"top_k: k={k} is larger than the last dimension {d[-1]}")
    shape = TensorShape(None) if d is None else TensorShape._of(d[:-1] + (k,))
    return TensorSpec(shape, x.dtype), TensorSpec(shape, dtypes.int32)


def _top_k_grad(ctx, g_values, g_indices=None):
    x = ctx.inputs[0]
    n = x.shape[-1]
    indices = ctx.outputs[1]
    hot = array_ops.one_hot(indices, n, dtype=g_values.dtype)  # [..., k, n]
    return [reduce_sum(multiply(array_ops.expand_dims(g_values, -1), hot), axis=-2)]


def _top_k_staged(x, *, k, sorted):
    order = array_ops.argsort(x, -1, "DESCENDING", stable=True)[..., :k]
    return array_ops.gather(x, order, axis=-1, batch_dims=x.shape.rank - 1), order


_TOP_K = op_def("top_k", _top_k_kernel, _top_k_infer, composite(_top_k_staged), _top_k_grad)


def top_k(input, k=1, sorted=True, name=None):  # noqa: A002
    """The `k` largest entries of the last axis and their indices (int32)."""
    if int(k) < 0:
        raise InvalidArgumentError(f"top_k: k must be >= 0, got {k}")
    return apply(_TOP_K, [input], k=int(k), sorted=bool(sorted))


def l2_normalize(x, axis=None, epsilon=1e-12, name=None):
    """x / sqrt(max(sum(x^2, axis), epsilon))."""
    x = convert_to_tensor(x)
    sq = reduce_sum(square(x), axis, keepdims=True)
    return multiply(x, rsqrt(maximum(sq, epsilon)))


# ---------------------------------------------------------------------------
# matmul
# ---------------------------------------------------------------------------

def _matmul_kernel(a, b, *, transpose_a=False, transpose_b=False):
    if transpose_a:
        a = np.swapaxes(a, -1, -2)
    if transpose_b:
        b = np.swapaxes(b, -1, -2)
    return np.matmul(a, b).astype(a.dtype, copy=False)  # bfloat16 matmul gives float32


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
    attrs = {"transpose_a": b.bool_attr(transpose_a), "transpose_b": b.bool_attr(transpose_b)}
    dims = out_specs.shape.dims
    if len(dims) == 2:
        return b.op("sf.matmul", [x, y], [b.tensor_type(out_specs)], attrs)
    # sf.batch_matmul wants equal batch dims: broadcast them explicitly
    batch = list(dims[:-2])
    x, y = (b.broadcast_batch(v, batch) for v in (x, y))
    return b.op("sf.batch_matmul", [x, y], [b.tensor_type(out_specs)], attrs)


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
        ga = matmul(b, g, transpose_a=True, transpose_b=True)
        gb = matmul(g, a, transpose_a=True, transpose_b=True)
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
# where: 3-argument select, 1-argument indices
# ---------------------------------------------------------------------------

def _select_infer(c, x, y):
    rules.require(c.dtype, "b", "condition")
    dt = rules.same_dtype(x, y)
    return TensorSpec(rules.broadcast_shapes(c.shape, x.shape, y.shape), dt)


def _select_emit(b, c, x, y, *, out_specs):
    c, x, y = b.broadcast_operands([c, x, y], out_specs)
    return b.op("sf.select", [c, x, y], [b.tensor_type(out_specs)])


def _select_grad(ctx, g):
    c, x, y = ctx.inputs
    zero = zeros_like(g)
    return [None, unbroadcast(apply(_SELECT, [c, g, zero]), x),
            unbroadcast(apply(_SELECT, [c, zero, g]), y)]


_SELECT = op_def("select", np.where, _select_infer, _select_emit, _select_grad,
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


# ---------------------------------------------------------------------------
# contractions built from matmul: tensordot, einsum
# ---------------------------------------------------------------------------

def tensordot(a, b, axes, name=None):
    """Sums products over `axes` (an int N: last N of a with first N of b;
    or a pair of axis lists)."""
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    ra, rb = a.shape.rank, b.shape.rank
    if isinstance(axes, int) or (hasattr(axes, "__index__") and not isinstance(axes, (list, tuple))):
        n = int(axes)
        if n < 0 or n > min(ra, rb):
            raise InvalidArgumentError(f"tensordot: axes={n} is out of range for ranks {ra}, {rb}")
        axes_a, axes_b = list(range(ra - n, ra)), list(range(n))
    else:
        axes_a, axes_b = axes
        axes_a = [axes_a] if isinstance(axes_a, int) else list(axes_a)
        axes_b = [axes_b] if isinstance(axes_b, int) else list(axes_b)
        if len(axes_a) != len(axes_b):
            raise InvalidArgumentError(f"tensordot: axes {axes_a} and {axes_b} differ in length")
        axes_a = [rules.normalize_axis(x, ra) for x in axes_a]
        axes_b = [rules.normalize_axis(x, rb) for x in axes_b]
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    la = [next(letters) for _ in range(ra)]
    lb = [next(letters) for _ in range(rb)]
    for i, j in zip(axes_a, axes_b):
        lb[j] = la[i]
    out = [c for i, c in enumerate(la) if i not in axes_a] + \
          [c for j, c in enumerate(lb) if j not in axes_b]
    return einsum(f"{''.join(la)},{''.join(lb)}->{''.join(out)}", a, b)


def einsum(equation, *inputs, name=None):
    """Einstein summation for one or two operands (e.g. "ij,jk->ik",
    "bij,bjk->bik", "ij->ji", "ii->i" is not supported), built from
    transpose, reshape, reduce_sum and matmul."""
    eq = equation.replace(" ", "")
    if "->" not in eq:
        raise InvalidArgumentError("einsum needs an explicit output ('...->...')")
    lhs, out = eq.split("->")
    specs = lhs.split(",")
    if len(specs) != len(inputs) or len(specs) not in (1, 2) or "." in eq:
        raise InvalidArgumentError(f"einsum supports one or two operands without '...', got {equation!r}")
    xs = [convert_to_tensor(x) for x in inputs]
    for s, x in zip(specs, xs):
        if len(s) != x.shape.rank or len(set(s)) != len(s):
            raise InvalidArgumentError(
                f"einsum: subscripts {s!r} do not match shape {rules.dims_text(x.shape)} "
                "(repeated subscripts in one operand are not supported)")
    if len(xs) == 1:
        (s,), (x,) = specs, xs
        summed = [i for i, c in enumerate(s) if c not in out]
        if summed:
            x = reduce_sum(x, summed)
            s = "".join(c for c in s if c in out)
        return array_ops.transpose(x, [s.index(c) for c in out])
    (sa, sb), (a, b) = specs, xs
    # operand-only indices not in the output: sum them out first
    for k in (0, 1):
        s, other = (sa, sb) if k == 0 else (sb, sa)
        lone = [i for i, c in enumerate(s) if c not in other and c not in out]
        if lone:
            t = reduce_sum(a if k == 0 else b, lone)
            s = "".join(c for c in s if c in other or c in out)
            if k == 0:
                a, sa = t, s
            else:
                b, sb = t, s
    batch = [c for c in sa if c in sb and c in out]
    contract = [c for c in sa if c in sb and c not in out]
    free_a = [c for c in sa if c not in sb]
    free_b = [c for c in sb if c not in sa]
    size = {}
    for s, x in ((sa, a), (sb, b)):
        for c, d in zip(s, x.shape.dims):
            size[c] = d if size.get(c) is None else size[c]
    if any(size[c] is None for c in free_a + free_b + contract):
        raise InvalidArgumentError("einsum needs static sizes for non-batch indices")
    prod = lambda cs: int(np.prod([size[c] for c in cs])) if cs else 1  # noqa: E731
    at = array_ops.transpose(a, [sa.index(c) for c in batch + free_a + contract])
    bt = array_ops.transpose(b, [sb.index(c) for c in batch + contract + free_b])
    bdims = [size[c] if size[c] is not None else -1 for c in batch]
    a2 = array_ops.reshape(at, bdims + [prod(free_a), prod(contract)])
    b2 = array_ops.reshape(bt, bdims + [prod(contract), prod(free_b)])
    c = matmul(a2, b2)
    res = batch + free_a + free_b
    c = array_ops.reshape(c, bdims + [size[x] for x in free_a + free_b])
    return array_ops.transpose(c, [res.index(x) for x in out])
