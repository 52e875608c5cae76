"""Elementwise `sf` ops compiled for the CPU vs NumPy, per dtype, with
static and dynamic dims."""
import math

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import strataflow as sf
from sfjit import (FLOATS, INTS, assert_close, compile_fn,
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


DYNAMIC = (None, None)
RUN_SHAPES = [(7, 3), (1, 1), (0, 4)]


def family_module(ops, in_dtype, out_dtype, n_args, shape=DYNAMIC):
    """func @f applying each of `ops` to the same n_args operands: one
    compile serves a whole op family for one dtype."""
    t_in, t_out = tensor_type(in_dtype, shape), tensor_type(out_dtype, shape)
    params = ", ".join(f"%a{i}: {t_in}" for i in range(n_args))
    args = ", ".join(f"%a{i}" for i in range(n_args))
    written = t_in if ops[0] in COMPARE else t_out
    body = "".join(f"  %r{k} = sf.{op} {args} : {written}\n" for k, op in enumerate(ops))
    results = ", ".join(f"%r{k}" for k in range(len(ops)))
    types = ", ".join([t_out] * len(ops))
    return f"func.func @f({params}) -> ({types}) {{\n{body}  return {results} : {types}\n}}"


def run_family(ops, op, in_dtype, out_dtype, *arrays, shape=DYNAMIC):
    f = compile_fn(family_module(tuple(ops), in_dtype, out_dtype, len(arrays), shape))
    return f(*arrays)[list(ops).index(op)]


# -- unary -------------------------------------------------------------------

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
    for shape in RUN_SHAPES:
        x = sample(dtype, shape, low, high)
        expected = ref(x.astype(np.float64)).astype(dtype)
        assert_close(run_family(FLOAT_UNARY, op, dtype, dtype, x), expected)


def test_float_unary_static_shape():
    x = sample(np.float32, (2, 3), 0.5, 2)
    for op, (ref, _, _) in FLOAT_UNARY.items():
        got = run_family(FLOAT_UNARY, op, np.float32, np.float32, x, shape=(2, 3))
        assert_close(got, ref(x.astype(np.float64)).astype(np.float32))


def test_round_is_half_to_even():
    x = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49999997], np.float32)
    np.testing.assert_array_equal(run("round", [np.float32], np.float32, (None,), x),
                                  [-2, -2, -0, 0, 2, 2, 0])


@pytest.mark.parametrize("dtype", FLOATS + INTS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("op", NUMERIC_UNARY)
def test_numeric_unary(op, dtype):
    for shape in RUN_SHAPES:
        x = sample(dtype, shape)
        expected = NUMERIC_UNARY[op](x.astype(np.float64) if np.dtype(dtype).kind == "V" else x)
        assert_close(run_family(NUMERIC_UNARY, op, dtype, dtype, x),
                     np.asarray(expected).astype(dtype))


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
    for shape in RUN_SHAPES:
        x, y = sample(dtype, shape), sample(dtype, shape)
        expected = ARITH[op](x.astype(np.float64), y.astype(np.float64)) \
            if np.dtype(dtype).kind in "fV" else ARITH[op](x, y)
        assert_close(run_family(ARITH, op, dtype, dtype, x, y),
                     np.asarray(expected).astype(dtype))


def test_arith_binary_static_shape():
    x, y = sample(np.int32, (2, 3)), sample(np.int32, (2, 3))
    for op, ref in ARITH.items():
        assert_close(run_family(ARITH, op, np.int32, np.int32, x, y, shape=(2, 3)), ref(x, y))


def test_maximum_propagates_nan():
    x = np.array([np.nan, 1.0], np.float32)
    y = np.array([0.0, np.nan], np.float32)
    assert np.isnan(run("maximum", [np.float32] * 2, np.float32, (2,), x, y)).all()


@pytest.mark.parametrize("dtype", FLOATS + INTS + [np.bool_], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("op", COMPARE)
def test_compare(op, dtype):
    if np.dtype(dtype) == np.bool_ and op not in ("equal", "not_equal"):
        # no ordering on bool (as in TF): the op refuses it with a clear error
        with pytest.raises(sf.errors.InvalidArgumentError, match=f"{op}: input must be"):
            getattr(sf, op)(sf.constant([True]), sf.constant([False]))
        return
    ops = COMPARE if np.dtype(dtype) != np.bool_ else ("equal", "not_equal")
    x, y = sample(dtype, (7, 3)), sample(dtype, (7, 3))
    y[::2] = x[::2]  # equal elements too
    assert_close(run_family(ops, op, dtype, np.bool_, x, y), COMPARE[op](x, y))


@pytest.mark.parametrize("op,ref", [("logical_and", np.logical_and),
                                    ("logical_or", np.logical_or)])
def test_logical_binary(op, ref):
    x, y = sample(np.bool_, (None,)), sample(np.bool_, (None,))
    assert_close(run(op, [np.bool_] * 2, np.bool_, (None,), x, y), ref(x, y))


DIVISION = ("div", "floordiv", "mod")


def nonzero(dtype, shape):
    y = sample(dtype, shape)
    y[y == 0] = 3
    return y


@pytest.mark.parametrize("dtype", INTS + [np.int16], ids=lambda d: np.dtype(d).name)
def test_integer_division_family(dtype):
    shape = (9, 2)
    x, y = sample(dtype, shape), nonzero(dtype, shape)
    if np.dtype(dtype).kind == "i":
        y[:3, 0] = [-3, -7, 5]
        x[:3, 0] = [7, -8, -9]
    trunc = (np.abs(x.astype(np.int64)) // np.abs(y.astype(np.int64))) * \
        np.sign(x.astype(np.int64)) * np.sign(y.astype(np.int64))
    assert_close(run_family(DIVISION, "div", dtype, dtype, x, y), trunc.astype(dtype))
    assert_close(run_family(DIVISION, "floordiv", dtype, dtype, x, y), np.floor_divide(x, y))
    assert_close(run_family(DIVISION, "mod", dtype, dtype, x, y), np.mod(x, y))


def test_integer_division_never_traps():
    imin = np.iinfo(np.int32).min
    x = np.array([5, -5, imin, imin, 7], np.int32)
    y = np.array([0, 0, -1, 0, 2], np.int32)
    x, y = x.reshape(1, 5), y.reshape(1, 5)
    div, floordiv, mod = (run_family(DIVISION, op, np.int32, np.int32, x, y)[0] for op in DIVISION)
    np.testing.assert_array_equal(div, [-1, -1, imin, -1, 3])
    np.testing.assert_array_equal(floordiv, [-1, -1, imin, -1, 3])
    np.testing.assert_array_equal(mod, [5, -5, 0, imin, 1])


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
def test_float_division_family(dtype):
    shape = (None, 3)
    x = sample(dtype, shape)
    y = nonzero(dtype, shape)
    y = np.where(np.abs(y.astype(np.float64)) < 0.25, 1.5, y).astype(dtype)
    xf, yf = x.astype(np.float64), y.astype(np.float64)
    assert_close(run_family(DIVISION, "div", dtype, dtype, x, y), (xf / yf).astype(dtype))
    assert_close(run_family(DIVISION, "floordiv", dtype, dtype, x, y),
                 np.floor(xf / yf).astype(dtype))
    got = run_family(DIVISION, "mod", dtype, dtype, x, y).astype(np.float64)
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


CAST_TYPES = FLOATS + INTS + [np.bool_]


@pytest.mark.parametrize("src", CAST_TYPES, ids=lambda d: np.dtype(d).name)
def test_cast(src):
    """One module per source type casting to every type (tf.cast semantics)."""
    t = tensor_type(src, DYNAMIC)
    outs = [tensor_type(d, DYNAMIC) for d in CAST_TYPES]
    body = "".join(f"  %r{k} = sf.cast %x : {t} to {o}\n" for k, o in enumerate(outs))
    f = compile_fn(f"func.func @f(%x: {t}) -> ({', '.join(outs)}) {{\n{body}"
                   f"  return {', '.join(f'%r{k}' for k in range(len(outs)))} : {', '.join(outs)}\n}}")
    x = sample(src, (7, 3))
    if np.dtype(src).kind != "b":
        x = np.abs(x.astype(np.float64)).astype(src)  # in range of ui8 too
        x.flat[:2] = np.array([0, 2.75]).astype(src)  # zero, truncation
    for dst, got in zip(CAST_TYPES, f(x)):
        via = x.astype(np.float64) if np.dtype(src) == ml_dtypes.bfloat16 else x
        assert_close(got, via.astype(dst))


def test_cast_truncates_negative_floats_toward_zero():
    f = compile_fn("func.func @f(%x: tensor<?xf32>) -> tensor<?xi32> {\n"
                   "  %r = sf.cast %x : tensor<?xf32> to tensor<?xi32>\n"
                   "  return %r : tensor<?xi32>\n}")
    np.testing.assert_array_equal(f(np.array([-2.75, -0.5, 2.5], np.float32))[0], [-2, 0, 2])


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


def test_one_value_returned_twice_gives_independent_arrays():
    """CSE can make two results one buffer; each result must own its data."""
    f = compile_fn("func.func @f(%x: tensor<?xi32>) -> (tensor<?xi8>, tensor<?xui8>) {\n"
                   "  %a = sf.cast %x : tensor<?xi32> to tensor<?xi8>\n"
                   "  %b = sf.cast %x : tensor<?xi32> to tensor<?xui8>\n"
                   "  return %a, %b : tensor<?xi8>, tensor<?xui8>\n}")
    a, b = f(np.array([1, 2, 300], np.int32))
    a[0] = 9
    np.testing.assert_array_equal(b, np.array([1, 2, 300]).astype(np.uint8))
