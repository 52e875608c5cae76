"""Elementwise ops: eager vs NumPy across dtypes/broadcasting, grads, compiled."""
import math

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import strataflow as sf
from tests.ops.differential import check

rng = np.random.default_rng(0)


def rand(shape, dtype=np.float64, low=-2.0, high=2.0):
    return rng.uniform(low, high, shape).astype(dtype)


_erf = np.vectorize(math.erf, otypes=[np.float64])

UNARY = [  # (sf fn, reference, input low, input high)
    (sf.negative, np.negative, -2, 2),
    (sf.abs, np.abs, -2, 2),
    (sf.math.exp, np.exp, -2, 2),
    (sf.math.log, np.log, 0.5, 3),
    (sf.math.log1p, np.log1p, -0.5, 2),
    (sf.math.expm1, np.expm1, -2, 2),
    (sf.math.sqrt, np.sqrt, 0.5, 3),
    (sf.math.rsqrt, lambda x: 1 / np.sqrt(x), 0.5, 3),
    (sf.math.square, np.square, -2, 2),
    (sf.math.sin, np.sin, -3, 3),
    (sf.math.cos, np.cos, -3, 3),
    (sf.math.tanh, np.tanh, -3, 3),
    (sf.math.sigmoid, lambda x: 1 / (1 + np.exp(-x)), -4, 4),
    (sf.nn.relu, lambda x: np.maximum(x, 0), -2, 2),
    (sf.nn.gelu, lambda x: x / 2 * (1 + _erf(x / np.sqrt(2))), -3, 3),
    (sf.math.erf, _erf, -3, 3),
    (sf.math.sign, np.sign, -2, 2),
    (sf.math.floor, np.floor, -3, 3),
    (sf.math.ceil, np.ceil, -3, 3),
    (sf.math.round, np.round, -3, 3),
]


def _id(case):
    return case[0].__name__


@pytest.mark.parametrize("case", UNARY, ids=_id)
def test_unary_float64_with_gradients(case):
    fn, ref, lo, hi = case
    x = rand((2, 3), np.float64, lo, hi)
    if fn in (sf.abs, sf.nn.relu, sf.math.sign):
        x[np.abs(x) < 0.1] = 0.5  # keep finite differences away from kinks
    check(fn, lambda a: ref(a).astype(a.dtype), x, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("dtype", [np.float32, np.float16, ml_dtypes.bfloat16])
@pytest.mark.parametrize("case", UNARY, ids=_id)
def test_unary_low_precision(case, dtype):
    fn, ref, lo, hi = case
    x = rand((5,), dtype, lo, hi)
    rtol = 1e-5 if dtype == np.float32 else 2e-2
    check(fn, lambda a: ref(a.astype(np.float64)).astype(a.dtype), x, rtol=rtol, atol=rtol)


def test_erf_is_accurate_everywhere():
    x = np.concatenate([np.linspace(-8, 8, 2001), [0.0, -0.0, np.inf, -np.inf, np.nan]])
    got = sf.math.erf(x).numpy()
    np.testing.assert_allclose(got, _erf(x), rtol=5e-15, atol=2e-16, equal_nan=True)


BINARY = [
    (sf.add, np.add), (sf.subtract, np.subtract), (sf.multiply, np.multiply),
    (sf.divide, np.divide), (sf.maximum, np.maximum), (sf.minimum, np.minimum),
    (sf.math.squared_difference, lambda x, y: (x - y) ** 2),
]


@pytest.mark.parametrize("shapes", [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2,))])
@pytest.mark.parametrize("case", BINARY, ids=_id)
def test_binary_broadcasting_with_gradients(case, shapes):
    fn, ref = case
    x, y = rand(shapes[0]), rand(shapes[1], low=0.5, high=2.0)
    check(fn, ref, x, y)


def test_pow_with_gradients():
    check(sf.pow, np.power, rand((2, 3), low=0.5, high=2.0), rand((3,), low=-2, high=2))


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8])
def test_integer_arithmetic(dtype):
    x = rng.integers(1, 50, (3, 4)).astype(dtype)
    y = rng.integers(1, 7, (4,)).astype(dtype)
    for fn, ref in [(sf.add, np.add), (sf.subtract, np.subtract), (sf.multiply, np.multiply),
                    (sf.math.floordiv, np.floor_divide), (sf.math.floormod, np.mod),
                    (sf.maximum, np.maximum), (sf.minimum, np.minimum)]:
        check(fn, ref, x, y)
    check(sf.pow, np.power, x % 4, y % 3)


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8])
def test_bitwise_ops_and_shifts(dtype):
    info = np.iinfo(dtype)
    x = rng.integers(info.min, info.max, (3, 4), endpoint=True).astype(dtype)
    y = rng.integers(info.min, info.max, (4,), endpoint=True).astype(dtype)
    for fn, ref in [(sf.bitwise.bitwise_and, np.bitwise_and), (sf.bitwise.bitwise_or, np.bitwise_or),
                    (sf.bitwise.bitwise_xor, np.bitwise_xor)]:
        check(fn, ref, x, y)
    check(sf.bitwise.invert, np.invert, x)
    bits = 8 * np.dtype(dtype).itemsize
    # shift amounts inside [0, bits) and outside (negative, = bits, > bits): NumPy's rules
    amounts = np.array([0, 1, bits - 1, bits, bits + 3, -1 if info.min < 0 else 200], dtype)
    x = np.array([info.min, -3 if info.min < 0 else 3, 5, info.max, 1, 77], dtype)
    check(sf.bitwise.left_shift, np.left_shift, x, amounts)
    check(sf.bitwise.right_shift, np.right_shift, x, amounts)


def test_shift_operators_and_hand_values():
    x = sf.constant([1, -8, 6])
    np.testing.assert_array_equal((x << 2).numpy(), [4, -32, 24])
    np.testing.assert_array_equal((x >> 1).numpy(), [0, -4, 3])
    np.testing.assert_array_equal((x >> 40).numpy(), [0, -1, 0])
    np.testing.assert_array_equal((1 << sf.constant([3, 33])).numpy(), [8, 0])
    with pytest.raises(sf.errors.InvalidArgumentError):
        sf.bitwise.left_shift(sf.constant([1.0]), sf.constant([1.0]))


def test_erfinv_inverts_erf_and_differentiates():
    x = np.linspace(-0.999, 0.999, 41)
    np.testing.assert_allclose(_erf(sf.math.erfinv(x).numpy()), x, rtol=2e-6, atol=1e-7)
    np.testing.assert_array_equal(sf.math.erfinv([-1.0, 1.0]).numpy(), [-np.inf, np.inf])
    assert np.isnan(sf.math.erfinv([1.5]).numpy()).all()
    x = sf.constant([-0.9, -0.2, 0.3, 0.995], sf.float64)
    with sf.GradientTape() as tape:
        tape.watch(x)
        y = sf.math.erfinv(x)
    # d/dx erfinv(x) = sqrt(pi)/2 * exp(erfinv(x)^2)
    want = np.sqrt(np.pi) / 2 * np.exp(y.numpy() ** 2)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), want, rtol=1e-5)


def test_floor_semantics_for_negative_integers_and_floats():
    a = np.array([7, -7, 7, -7], np.int32)
    b = np.array([2, 2, -2, -2], np.int32)
    check(sf.math.floordiv, lambda x, y: np.array([3, -4, -4, 3], np.int32), a, b)
    check(sf.math.floormod, lambda x, y: np.array([1, 1, -1, -1], np.int32), a, b)
    check(sf.math.floormod, np.mod, np.array([5.5, -5.5]), np.array([2.0, 2.0]))


def test_cast_truncates_toward_zero():
    x = np.array([-2.7, -0.5, 0.5, 2.7])
    check(lambda t: sf.cast(t, sf.int32), lambda a: np.array([-2, 0, 0, 2], np.int32), x)
    check(lambda t: sf.cast(t, sf.bool), lambda a: a != 0, x)
    check(lambda t: sf.cast(t, sf.float32), lambda a: a.astype(np.float32), x, grad=False)
    check(lambda t: sf.cast(t, sf.float16), lambda a: a.astype(np.float16), x.astype(np.float32))


@pytest.mark.parametrize("case", [
    (sf.equal, np.equal), (sf.not_equal, np.not_equal), (sf.less, np.less),
    (sf.less_equal, np.less_equal), (sf.greater, np.greater), (sf.greater_equal, np.greater_equal),
], ids=_id)
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.uint8])
def test_comparisons(case, dtype):
    fn, ref = case
    x = rng.integers(0, 3, (2, 3)).astype(dtype)
    y = rng.integers(0, 3, (3,)).astype(dtype)
    check(fn, ref, x, y)


def test_logic():
    a = np.array([[True, False], [True, True]])
    b = np.array([True, False])
    check(sf.logical_and, np.logical_and, a, b)
    check(sf.logical_or, np.logical_or, a, b)
    check(sf.math.logical_xor, np.logical_xor, a, b)
    check(sf.logical_not, np.logical_not, a)


def test_where_three_args_broadcasts_and_differentiates():
    c = np.array([True, False, True])
    check(sf.where, np.where, c, rand((2, 3)), rand((2, 1)))


def test_nan_inf_predicates():
    x = np.array([0.0, np.nan, np.inf, -np.inf, 1.0], np.float32)
    check(sf.math.is_nan, np.isnan, x)
    check(sf.math.is_inf, np.isinf, x)
    check(sf.math.is_finite, np.isfinite, x)


def test_divide_no_nan_and_clip_and_add_n():
    x, y = rand((4,)), np.array([0.0, 2.0, 0.0, -1.0])
    no_nan = lambda a, b: np.where(b == 0, 0.0, a / np.where(b == 0, 1, b))  # noqa: E731
    check(sf.math.divide_no_nan, no_nan, x, y, grad=False)  # finite differences jump at 0
    check(sf.math.divide_no_nan, no_nan, x, y + 3.0)
    check(lambda t: sf.clip_by_value(t, -0.5, 0.5), lambda a: np.clip(a, -0.5, 0.5), rand((2, 3)))
    check(lambda a, b, c: sf.add_n([a, b, c]), lambda a, b, c: a + b + c,
          rand((3,)), rand((3,)), rand((3,)))


def test_elementwise_errors():
    with pytest.raises(sf.errors.InvalidArgumentError, match="incompatible shapes"):
        sf.add(sf.ones([2, 3]), sf.ones([4]))
    with pytest.raises(sf.errors.InvalidArgumentError, match="floating"):
        sf.math.exp(sf.constant([1, 2]))
    with pytest.raises(sf.errors.InvalidArgumentError, match="dtype"):
        sf.multiply(sf.constant([1.0], sf.float64), sf.constant([1.0]))
    with pytest.raises(sf.errors.InvalidArgumentError, match="negative integer powers"):
        sf.pow(sf.constant([2]), sf.constant([-1]))


shapes = st.lists(st.integers(1, 4), min_size=0, max_size=3)


@settings(max_examples=40, deadline=None)
@given(shapes, st.data())
def test_broadcasting_property(shape, data):
    # a second shape broadcastable with the first: drop leading dims, set some to 1
    k = data.draw(st.integers(0, len(shape)))
    other = [1 if data.draw(st.booleans()) else d for d in shape[k:]]
    dtype = data.draw(st.sampled_from([np.float32, np.int32, np.float64]))
    x = rng.integers(-5, 5, shape).astype(dtype)
    y = rng.integers(1, 5, other).astype(dtype)
    check(sf.add, np.add, x, y, grad=False)
    check(sf.multiply, np.multiply, y, x, grad=False)
