"""Elementwise `sf` ops compiled for the CPU vs NumPy, per dtype, with
static and dynamic dims."""
import math

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.compiler.sfjit import (FLOATS, INTS, assert_close, compile_fn,
                                  lower_text, tensor_type)

rng = np.random.default_rng(0)
SHAPES = [(None, 3), (4,), (2, 3, 5)]  # None: a dynamic dim, given 7 at runtime
_erf = np.vectorize(math.erf, otypes=[np.float64])


def concrete(shape):
    return tuple(7 if d is None else d for d in shape)


def sample(dtype, shape, low=-3.0, high=3.0):
    shape = concrete(shape)
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return rng.integers(max(info.min, -100), min(info.max, 100), shape,
                            endpoint=True).astype(dtype)
    return rng.uniform(low, high, shape).astype(dtype)


def module(op, in_dtypes, out_dtype, shape, n_args):
    """func @f applying `sf.<op>` to n_args operands of one shape."""
    ins = [tensor_type(d, shape) for d in in_dtypes]
    out = tensor_type(out_dtype, shape)
    params = ", ".join(f"%a{i}: {t}" for i, t in enumerate(ins))
    args = ", ".join(f"%a{i}" for i in range(n_args))
    # Comparisons print the operand type; others the result type.
    written = ins[-1] if op in COMPARE else out
    return (f"func.func @f({params}) -> {out} {{\n"
            f"  %r = sf.{op} {args} : {written}\n"
            f"  return %r : {out}\n}}")


def run(op, in_dtypes, out_dtype, shape, *arrays):
    f = compile_fn(module(op, in_dtypes, out_dtype, shape, len(arrays)))
    (result,) = f(*arrays)
    return result


# -- unary -------------------------------------------------------------------

def _ref(fn):
    """Reference in float64 for floats (half precision rounds afterwards)."""
    return lambda x: fn(x.astype(np.float64)) if x.dtype.kind == "f" or x.dtype == ml_dtypes.bfloat16 else fn(x)


FLOAT_UNARY = {  # op: (reference, low, high)
    "exp": (np.exp, -3, 3), "log": (np.log, 0.1, 5), "log1p": (np.log1p, -0.9, 3),
    "expm1": (np.expm1, -3, 3), "sqrt": (np.sqrt, 0, 5),
    "rsqrt": (lambda x: 1 / np.sqrt(x), 0.1, 5), "sin": (np.sin, -4, 4),
    "cos": (np.cos, -4, 4), "tanh": (np.tanh, -4, 4),
    "sigmoid": (lambda x: 1 / (1 + np.exp(-x)), -8, 8),
    "gelu": (lambda x: x / 2 * (1 + _erf(x / np.sqrt(2))), -4, 4),
    "erf": (_erf, -3, 3), "floor": (np.floor, -4, 4), "ceil": (np.ceil, -4, 4),
    "round": (np.round, -4, 4),
}
NUMERIC_UNARY = {
    "neg": np.negative, "abs": np.abs, "square": np.square, "sign": np.sign,
    "relu": lambda x: np.maximum(x, np.zeros_like(x)),
}


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("op", FLOAT_UNARY)
def test_float_unary(op, dtype):
    ref, low, high = FLOAT_UNARY[op]
    for shape in SHAPES[:2]:
        x = sample(dtype, shape, low, high)
        expected = ref(x.astype(np.float64)).astype(dtype)
        assert_close(run(op, [dtype], dtype, shape, x), expected)


def test_round_is_half_to_even():
    x = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49999997], np.float32)
    np.testing.assert_array_equal(run("round", [np.float32], np.float32, (None,), x),
                                  [-2, -2, -0, 0, 2, 2, 0])


@pytest.mark.parametrize("dtype", FLOATS + INTS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("op", NUMERIC_UNARY)
def test_numeric_unary(op, dtype):
    for shape in SHAPES:
        x = sample(dtype, shape)
        expected = NUMERIC_UNARY[op](x.astype(np.float64) if np.dtype(dtype).kind == "V" else x)
        assert_close(run(op, [dtype], dtype, shape, x), np.asarray(expected).astype(dtype))


def test_sign_keeps_nan_and_zero():
    x = np.array([np.nan, 0.0, -0.0, -3.0, 2.0], np.float32)
    np.testing.assert_array_equal(run("sign", [np.float32], np.float32, (5,), x),
                                  [np.nan, 0, 0, -1, 1])


def test_logical_not():
    x = sample(np.bool_, (None, 3))
    assert_close(run("logical_not", [np.bool_], np.bool_, (None, 3), x), ~x)


# -- binary ------------------------------------------------------------------

ARITH = {"add": np.add, "sub": np.subtract, "mul": np.multiply,
         "maximum": np.maximum, "minimum": np.minimum}
COMPARE = {"equal": np.equal, "not_equal": np.not_equal, "less": np.less,
           "less_equal": np.less_equal, "greater": np.greater,
           "greater_equal": np.greater_equal}


@pytest.mark.parametrize("dtype", FLOATS + INTS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("op", ARITH)
def test_arith_binary(op, dtype):
    for shape in SHAPES:
        x, y = sample(dtype, shape), sample(dtype, shape)
        expected = ARITH[op](x.astype(np.float64), y.astype(np.float64)) \
            if np.dtype(dtype).kind in "fV" else ARITH[op](x, y)
        assert_close(run(op, [dtype] * 2, dtype, shape, x, y),
                     np.asarray(expected).astype(dtype))


def test_maximum_propagates_nan():
    x = np.array([np.nan, 1.0], np.float32)
    y = np.array([0.0, np.nan], np.float32)
    assert np.isnan(run("maximum", [np.float32] * 2, np.float32, (2,), x, y)).all()


@pytest.mark.parametrize("dtype", FLOATS + INTS + [np.bool_], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("op", COMPARE)
def test_compare(op, dtype):
    if np.dtype(dtype) == np.bool_ and op not in ("equal", "not_equal"):
        pytest.skip("ordering is not defined on bool")
    shape = (None, 3)
    x, y = sample(dtype, shape), sample(dtype, shape)
    y[::2] = x[::2]  # equal elements too
    assert_close(run(op, [dtype] * 2, np.bool_, shape, x, y), COMPARE[op](x, y))


@pytest.mark.parametrize("op,ref", [("logical_and", np.logical_and),
                                    ("logical_or", np.logical_or)])
def test_logical_binary(op, ref):
    x, y = sample(np.bool_, (None,)), sample(np.bool_, (None,))
    assert_close(run(op, [np.bool_] * 2, np.bool_, (None,), x, y), ref(x, y))


def nonzero(dtype, shape):
    y = sample(dtype, shape)
    y[y == 0] = 3
    return y


@pytest.mark.parametrize("dtype", INTS + [np.int16], ids=lambda d: np.dtype(d).name)
def test_integer_division_family(dtype):
    shape = (None,)
    x, y = sample(dtype, shape), nonzero(dtype, shape)
    if np.dtype(dtype).kind == "i":
        y[:3] = [-3, -7, 5]
        x[:3] = [7, -8, -9]
    trunc = (np.abs(x.astype(np.int64)) // np.abs(y.astype(np.int64))) * \
        np.sign(x.astype(np.int64)) * np.sign(y.astype(np.int64))
    assert_close(run("div", [dtype] * 2, dtype, shape, x, y), trunc.astype(dtype))
    assert_close(run("floordiv", [dtype] * 2, dtype, shape, x, y), np.floor_divide(x, y))
    assert_close(run("mod", [dtype] * 2, dtype, shape, x, y), np.mod(x, y))


def test_integer_division_never_traps():
    imin = np.iinfo(np.int32).min
    x = np.array([5, -5, imin, imin, 7], np.int32)
    y = np.array([0, 0, -1, 0, 2], np.int32)
    args = ([np.int32] * 2, np.int32, (None,), x, y)
    np.testing.assert_array_equal(run("div", *args), [-1, -1, imin, -1, 3])
    np.testing.assert_array_equal(run("floordiv", *args), [-1, -1, imin, -1, 3])
    np.testing.assert_array_equal(run("mod", *args), [5, -5, 0, imin, 1])


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
def test_float_division_family(dtype):
    shape = (None, 3)
    x = sample(dtype, shape)
    y = nonzero(dtype, shape)
    y = np.where(np.abs(y.astype(np.float64)) < 0.25, 1.5, y).astype(dtype)
    xf, yf = x.astype(np.float64), y.astype(np.float64)
    assert_close(run("div", [dtype] * 2, dtype, shape, x, y), (xf / yf).astype(dtype))
    assert_close(run("floordiv", [dtype] * 2, dtype, shape, x, y),
                 np.floor(xf / yf).astype(dtype))
    got = run("mod", [dtype] * 2, dtype, shape, x, y).astype(np.float64)
    # floor mod: same sign as y, and x - mod is a multiple of y.
    assert np.all((got == 0) | (np.sign(got) == np.sign(yf)))
    assert_close(got.astype(dtype), np.mod(xf, yf).astype(dtype))


@pytest.mark.parametrize("dtype", FLOATS + INTS, ids=lambda d: np.dtype(d).name)
def test_pow(dtype):
    shape = (None,)
    if np.dtype(dtype).kind in "iu":
        x = sample(dtype, shape)
        x = (x % 7).astype(dtype)
        y = rng.integers(0, 5, x.shape).astype(dtype)
        expected = np.power(x, y)
    else:
        x = sample(dtype, shape, 0.1, 3)
        y = sample(dtype, shape, -2, 2)
        expected = np.power(x.astype(np.float64), y.astype(np.float64)).astype(dtype)
    assert_close(run("pow", [dtype] * 2, dtype, shape, x, y), expected)


def test_integer_pow_negative_exponent_truncates():
    x = np.array([1, -1, -1, 2, 0, 3], np.int32)
    y = np.array([-3, -3, -2, -1, -2, 0], np.int32)
    np.testing.assert_array_equal(run("pow", [np.int32] * 2, np.int32, (None,), x, y),
                                  [1, -1, 1, 0, 0, 1])


# -- select, cast ------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.bool_, np.uint8],
                         ids=lambda d: np.dtype(d).name)
def test_select(dtype):
    shape = (None, 2)
    t = tensor_type(dtype, shape)
    c = tensor_type(np.bool_, shape)
    f = compile_fn(f"func.func @f(%c: {c}, %a: {t}, %b: {t}) -> {t} {{\n"
                   f"  %r = sf.select %c, %a, %b : {t}\n  return %r : {t}\n}}")
    cond, a, b = sample(np.bool_, shape), sample(dtype, shape), sample(dtype, shape)
    assert_close(f(cond, a, b)[0], np.where(cond, a, b))


CASTS = [(s, d) for s in FLOATS + INTS + [np.bool_] for d in FLOATS + INTS + [np.bool_]]


@pytest.mark.parametrize("src,dst", CASTS,
                         ids=[f"{np.dtype(s).name}-{np.dtype(d).name}" for s, d in CASTS])
def test_cast(src, dst):
    shape = (None, 3)
    f = compile_fn(f"func.func @f(%x: {tensor_type(src, shape)}) -> {tensor_type(dst, shape)} {{\n"
                   f"  %r = sf.cast %x : {tensor_type(src, shape)} to {tensor_type(dst, shape)}\n"
                   f"  return %r : {tensor_type(dst, shape)}\n}}")
    x = sample(src, shape)
    if np.dtype(dst) == np.uint8 or np.dtype(src) == np.uint8:
        x = np.abs(x.astype(np.float64)).astype(src)  # in range of both
    if np.dtype(src).kind != "b":
        x.flat[:3] = np.array([0, 2.75, -2.75]).astype(src)  # zero, truncation
        if np.dtype(dst) == np.uint8:
            x.flat[2] = 0
    expected = x.astype(np.float64).astype(dst) if np.dtype(src) == ml_dtypes.bfloat16 else x.astype(dst)
    assert_close(f(x)[0], expected)


# -- bools across the memory boundary ----------------------------------------

def test_bool_results_and_stored_bool_intermediates():
    """i1 buffers are widened to bytes: returning a comparison, keeping it
    alive next to a consumer, and a bool constant all compile and run."""
    t, b = "tensor<?xf32>", "tensor<?xi1>"
    f = compile_fn(f"""
func.func @f(%x: {t}, %y: {t}) -> ({b}, {t}, tensor<2xi1>) {{
  %lt = sf.less %x, %y : {t}
  %not = sf.logical_not %lt : {b}
  %m = sf.select %not, %x, %y : {t}
  %c = sf.constant dense<[true, false]> : tensor<2xi1>
  return %lt, %m, %c : {b}, {t}, tensor<2xi1>
}}""")
    x, y = sample(np.float32, (None,)), sample(np.float32, (None,))
    lt, m, c = f(x, y)
    assert lt.dtype == np.bool_
    np.testing.assert_array_equal(lt, x < y)
    np.testing.assert_array_equal(m, np.maximum(x, y))
    np.testing.assert_array_equal(c, [True, False])


def test_bool_argument_passes_numpy_bools():
    f = compile_fn("func.func @f(%x: tensor<?xi1>) -> tensor<?xi32> {\n"
                   "  %r = sf.cast %x : tensor<?xi1> to tensor<?xi32>\n"
                   "  return %r : tensor<?xi32>\n}")
    x = np.array([True, False, True])
    np.testing.assert_array_equal(f(x)[0], [1, 0, 1])


# -- fusion and folding, end to end -----------------------------------------

def test_chain_lowers_to_one_fused_generic():
    t = "tensor<?x3xf32>"
    text = (f"func.func @f(%x: {t}, %y: {t}) -> {t} {{\n"
            f"  %a = sf.mul %x, %y : {t}\n  %b = sf.tanh %a : {t}\n"
            f"  %c = sf.sub %b, %x : {t}\n  %d = sf.relu %c : {t}\n"
            f"  return %d : {t}\n}}")
    assert lower_text(text, "linalg").count("linalg.generic") == 1
    x, y = sample(np.float32, (None, 3)), sample(np.float32, (None, 3))
    (r,) = compile_fn(text)(x, y)
    assert_close(r, np.maximum(np.tanh(x * y) - x, 0))


@settings(max_examples=25, deadline=None)
@given(hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=3, max_side=6),
                  elements=st.floats(-1e3, 1e3, width=32)))
def test_sub_neg_add_property(x):
    """x - (-x) + 0 == 2x for any shape, through a rank-matched dynamic function."""
    t = "tensor<" + "?x" * x.ndim + "f32>"
    f = compile_fn(f"func.func @f(%x: {t}) -> {t} {{\n"
                   f"  %n = sf.neg %x : {t}\n  %s = sf.sub %x, %n : {t}\n"
                   f"  return %s : {t}\n}}")
    np.testing.assert_array_equal(f(x)[0], x - (-x))
