"""sf reductions and argmax/argmin compiled for the CPU and compared with NumPy."""
import numpy as np
import pytest

from oprunner import compile_op, random_array, tensor_type

RNG = np.random.default_rng(1)


def reduction(op, x_type, result_type, axes, keepdims=False):
    attrs = " {keepdims = true}" if keepdims else ""
    axes_text = "[" + ", ".join(map(str, axes)) + "]"
    return compile_op(f"sf.{op} %a0 axes {axes_text}{attrs} : {x_type} -> {result_type}",
                      [x_type], result_type)


def reduced_shape(shape, axes, keepdims):
    dims = {a % len(shape) for a in axes}
    return tuple(1 if i in dims else d for i, d in enumerate(shape)
                 if keepdims or i not in dims)


def int_mean(x, axis, keepdims):
    """TensorFlow's integer mean: the sum divided by the count, truncated."""
    total = np.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)
    count = x.size // max(total.size, 1)
    return (np.trunc(total.astype(np.float64) / count)).astype(x.dtype)


NUMPY = {
    "reduce_sum": lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype),
    "reduce_prod": lambda x, axis, keepdims: np.prod(x, axis=axis, keepdims=keepdims, dtype=x.dtype),
    "reduce_max": np.max,
    "reduce_min": np.min,
    "reduce_mean": lambda x, axis, keepdims: (
        np.mean(x, axis=axis, keepdims=keepdims) if x.dtype.kind == "f"
        else int_mean(x, axis, keepdims)),
    "reduce_any": np.any,
    "reduce_all": np.all,
}

AXES = [((1,), False), ((0, 2), True), ((-1,), True), ((2, 0, 1), False), ((), False)]


@pytest.mark.parametrize("axes,keepdims", AXES)
@pytest.mark.parametrize("op", ["reduce_sum", "reduce_mean", "reduce_prod",
                                "reduce_max", "reduce_min"])
def test_float_reductions_match_numpy(op, axes, keepdims):
    shape = (3, 5, 7)
    result_shape = reduced_shape(shape, axes, keepdims)
    f = reduction(op, tensor_type(shape, "f32"), tensor_type(result_shape, "f32"), axes,
                  keepdims)
    x = random_array(RNG, shape, "f32")
    (y,) = f(x)
    np.testing.assert_allclose(y, NUMPY[op](x, axis=axes, keepdims=keepdims), rtol=1e-5)


@pytest.mark.parametrize("op", ["reduce_any", "reduce_all"])
@pytest.mark.parametrize("axes,keepdims", [((0,), False), ((-1,), True), ((0, 1), False)])
def test_boolean_reductions(op, axes, keepdims):
    shape = (4, 3)
    f = reduction(op, tensor_type(shape, "i1"),
                  tensor_type(reduced_shape(shape, axes, keepdims), "i1"), axes, keepdims)
    for x in [random_array(RNG, shape, "i1"), np.ones(shape, bool), np.zeros(shape, bool)]:
        (y,) = f(x)
        np.testing.assert_array_equal(y, NUMPY[op](x, axis=axes, keepdims=keepdims))


@pytest.mark.parametrize("dtype", ["i32", "i8", "ui8", "f64"])
@pytest.mark.parametrize("op", ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min"])
def test_reductions_over_dtypes(op, dtype):
    shape = (6, 5)
    f = reduction(op, tensor_type(shape, dtype), tensor_type((5,), dtype), (0,))
    x = random_array(RNG, shape, dtype)
    if dtype == "ui8":
        x[::2] += np.uint8(150)  # above 127: unsigned compares and division
    (y,) = f(x)
    expected = NUMPY[op](x, axis=(0,), keepdims=False)
    assert y.dtype == x.dtype
    np.testing.assert_allclose(y, expected, rtol=1e-12)


def test_half_precision_sum_accumulates_in_f32():
    # 4096 ones: an f16 accumulator stops at 2048 (2048 + 1 rounds to 2048).
    f = reduction("reduce_sum", tensor_type((4096,), "f16"), tensor_type((), "f16"), (0,))
    (y,) = f(np.ones(4096, np.float16))
    assert y == np.float16(4096)


@pytest.mark.parametrize("op", ["reduce_sum", "reduce_mean", "reduce_max"])
def test_reductions_with_dynamic_dims(op):
    x_type = tensor_type((None, 4, None), "f32")
    f = reduction(op, x_type, tensor_type((None, 1, 1), "f32"), (1, -1), keepdims=True)
    for shape in [(2, 4, 3), (5, 4, 1), (1, 4, 13)]:
        x = random_array(RNG, shape, "f32")
        (y,) = f(x)
        np.testing.assert_allclose(y, NUMPY[op](x, axis=(1, 2), keepdims=True), rtol=1e-5)


def arg_reduction(op, x_type, result_type, axis):
    return compile_op(f"sf.{op} %a0 axis {axis} : {x_type} -> {result_type}",
                      [x_type], result_type)


@pytest.mark.parametrize("index_type", ["i32", "i64"])
@pytest.mark.parametrize("dtype", ["f32", "i32", "ui8"])
@pytest.mark.parametrize("op,reference", [("argmax", np.argmax), ("argmin", np.argmin)])
def test_arg_reductions_match_numpy(op, reference, dtype, index_type):
    shape = (4, 9, 3)
    f = arg_reduction(op, tensor_type(shape, dtype), tensor_type((4, 3), index_type), -2)
    # Small integers repeat: ties must give the first index.
    x = random_array(RNG, shape, dtype)
    if dtype == "ui8":
        x[:, ::3] += np.uint8(200)
    (y,) = f(x)
    assert y.dtype == np.dtype(index_type.replace("i", "int"))
    np.testing.assert_array_equal(y, reference(x, axis=1))


@pytest.mark.parametrize("op,reference", [("argmax", np.argmax), ("argmin", np.argmin)])
def test_arg_reductions_first_nan_wins(op, reference):
    x = np.array([[1.0, np.nan, 5.0, np.nan], [-np.inf, -np.inf, np.inf, np.inf],
                  [2.0, 2.0, 2.0, 2.0]], np.float32)
    f = arg_reduction(op, tensor_type(x.shape, "f32"), tensor_type((3,), "i64"), 1)
    (y,) = f(x)
    np.testing.assert_array_equal(y, reference(x, axis=1))


def test_argmax_dynamic_dims():
    f = arg_reduction("argmax", tensor_type((None, None), "f32"), tensor_type((None,), "i64"), 0)
    for shape in [(7, 2), (1, 5), (13, 1)]:
        x = random_array(RNG, shape, "f32")
        (y,) = f(x)
        np.testing.assert_array_equal(y, np.argmax(x, axis=0))


def softmax_reference(x, axis):
    shifted = x.astype(np.float64) - np.max(x, axis=axis, keepdims=True)
    return np.exp(shifted) / np.sum(np.exp(shifted), axis=axis, keepdims=True)


@pytest.mark.parametrize("axis", [-1, 0, 1])
@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_matches_numpy(op, axis):
    x_type = tensor_type((None, 6, None), "f32")
    f = compile_op(f"sf.{op} %a0 axis {axis} : {x_type}", [x_type], x_type)
    for shape in [(2, 6, 5), (1, 6, 1)]:
        # Large magnitudes: without the max subtraction exp overflows.
        x = random_array(RNG, shape, "f32") * 100
        (y,) = f(x)
        expected = softmax_reference(x, axis)
        if op == "log_softmax":
            shifted = x.astype(np.float64) - np.max(x, axis=axis, keepdims=True)
            expected = shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
        np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)
