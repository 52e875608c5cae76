"""sf.matmul / batch_matmul / conv2d / max_pool / avg_pool compiled for the CPU
and compared with NumPy (conv and pools against small references below)."""
import numpy as np
import pytest

from oprunner import compile_op, random_array, run_op, tensor_type

RNG = np.random.default_rng(0)
TOLERANCE = {"f16": 2e-2, "f32": 1e-4, "f64": 1e-10}


def assert_close(actual, expected, dtype):
    if dtype in TOLERANCE:
        np.testing.assert_allclose(actual, expected, rtol=TOLERANCE[dtype],
                                   atol=TOLERANCE[dtype])
    else:
        np.testing.assert_array_equal(actual, expected)


# --- matmul -------------------------------------------------------------------

def matmul_op(op, a_type, b_type, result_type, transpose_a, transpose_b):
    attrs = {"transpose_a": transpose_a, "transpose_b": transpose_b}
    attr_text = ", ".join(f"{k} = {str(v).lower()}" for k, v in attrs.items() if v)
    attr_text = f" {{{attr_text}}}" if attr_text else ""
    return compile_op(
        f"sf.{op} %a0, %a1{attr_text} : ({a_type}, {b_type}) -> {result_type}",
        [a_type, b_type], result_type)


def operand_shapes(batch, m, k, n, transpose_a, transpose_b):
    a = (*batch, k, m) if transpose_a else (*batch, m, k)
    b = (*batch, n, k) if transpose_b else (*batch, k, n)
    return a, b


def reference_matmul(a, b, transpose_a, transpose_b):
    if transpose_a:
        a = np.swapaxes(a, -1, -2)
    if transpose_b:
        b = np.swapaxes(b, -1, -2)
    return a @ b


@pytest.mark.parametrize("transpose_a,transpose_b",
                         [(False, False), (True, False), (False, True), (True, True)])
@pytest.mark.parametrize("m,k,n", [(1, 1, 1), (7, 13, 5), (2, 3, 17)])
def test_matmul_matches_numpy(m, k, n, transpose_a, transpose_b):
    a_shape, b_shape = operand_shapes((), m, k, n, transpose_a, transpose_b)
    f = matmul_op("matmul", tensor_type(a_shape, "f32"), tensor_type(b_shape, "f32"),
                  tensor_type((m, n), "f32"), transpose_a, transpose_b)
    a, b = random_array(RNG, a_shape, "f32"), random_array(RNG, b_shape, "f32")
    (c,) = f(a, b)
    assert_close(c, reference_matmul(a, b, transpose_a, transpose_b), "f32")


@pytest.mark.parametrize("dtype", ["f16", "f64", "i32", "i64", "ui8"])
def test_matmul_dtypes(dtype):
    a_shape, b_shape = (5, 11), (11, 3)
    f = matmul_op("matmul", tensor_type(a_shape, dtype), tensor_type(b_shape, dtype),
                  tensor_type((5, 3), dtype), False, False)
    a, b = random_array(RNG, a_shape, dtype), random_array(RNG, b_shape, dtype)
    (c,) = f(a, b)
    # NumPy's integer matmul wraps around like the compiled one.
    expected = (a.astype(np.float64) @ b.astype(np.float64)) if dtype == "f16" else a @ b
    assert c.dtype == a.dtype
    assert_close(c, expected, dtype)


@pytest.mark.parametrize("transpose_a,transpose_b", [(False, False), (True, True)])
def test_matmul_dynamic_dims_run_on_several_shapes(transpose_a, transpose_b):
    dyn = tensor_type((None, None), "f32")
    f = matmul_op("matmul", dyn, dyn, dyn, transpose_a, transpose_b)
    for m, k, n in [(3, 4, 5), (1, 17, 2), (13, 1, 7)]:
        a_shape, b_shape = operand_shapes((), m, k, n, transpose_a, transpose_b)
        a, b = random_array(RNG, a_shape, "f32"), random_array(RNG, b_shape, "f32")
        (c,) = f(a, b)
        assert c.shape == (m, n)
        assert_close(c, reference_matmul(a, b, transpose_a, transpose_b), "f32")


@pytest.mark.parametrize("transpose_a,transpose_b",
                         [(False, False), (True, False), (False, True), (True, True)])
@pytest.mark.parametrize("batch", [(3,), (2, 3)])
def test_batch_matmul_matches_numpy(batch, transpose_a, transpose_b):
    m, k, n = 5, 7, 3
    a_shape, b_shape = operand_shapes(batch, m, k, n, transpose_a, transpose_b)
    f = matmul_op("batch_matmul", tensor_type(a_shape, "f32"),
                  tensor_type(b_shape, "f32"), tensor_type((*batch, m, n), "f32"),
                  transpose_a, transpose_b)
    a, b = random_array(RNG, a_shape, "f32"), random_array(RNG, b_shape, "f32")
    (c,) = f(a, b)
    assert_close(c, reference_matmul(a, b, transpose_a, transpose_b), "f32")


def test_batch_matmul_dynamic_batch_dims():
    a_type = tensor_type((None, 2, None, 4), "f32")
    b_type = tensor_type((None, 2, 4, None), "f32")
    f = matmul_op("batch_matmul", a_type, b_type, tensor_type((None, 2, None, None), "f32"),
                  False, False)
    for batch, m, n in [(3, 5, 2), (1, 1, 7)]:
        a = random_array(RNG, (batch, 2, m, 4), "f32")
        b = random_array(RNG, (batch, 2, 4, n), "f32")
        (c,) = f(a, b)
        assert_close(c, a @ b, "f32")


# --- conv2d and pools -----------------------------------------------------------

def same_padding(size, window, stride, dilation=1):
    """TensorFlow's SAME padding (before, after) of one spatial dim."""
    span = dilation * (window - 1) + 1
    total = max((-(-size // stride) - 1) * stride + span - size, 0)
    return total // 2, total - total // 2



def reference_conv2d(x, w, strides, dilations, padding):
    top, bottom, left, right = padding
    xp = np.pad(x.astype(np.float64), ((0, 0), (top, bottom), (left, right), (0, 0)))
    kh, kw = w.shape[:2]
    oh = (xp.shape[1] - dilations[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (xp.shape[2] - dilations[1] * (kw - 1) - 1) // strides[1] + 1
    out = np.zeros((x.shape[0], oh, ow, w.shape[3]))
    for i in range(kh):
        for j in range(kw):
            r, c = i * dilations[0], j * dilations[1]
            patch = xp[:, r:r + strides[0] * (oh - 1) + 1:strides[0],
                       c:c + strides[1] * (ow - 1) + 1:strides[1], :]
            out += patch @ w[i, j].astype(np.float64)
    return out


def conv_op(x_type, w_type, result_type, strides, dilations, padding):
    fmt = lambda v: "[" + ", ".join(map(str, v)) + "]"
    return compile_op(
        f"sf.conv2d %a0, %a1 strides {fmt(strides)} dilations {fmt(dilations)} "
        f"padding {fmt(padding)} : ({x_type}, {w_type}) -> {result_type}",
        [x_type, w_type], result_type)


CONV_CASES = [
    # input NHWC, filter HWIO, strides, dilations, SAME?
    ((1, 5, 5, 1), (3, 3, 1, 1), (1, 1), (1, 1), False),
    ((2, 7, 11, 3), (3, 2, 3, 5), (2, 3), (1, 1), True),
    ((1, 13, 7, 2), (3, 3, 2, 4), (1, 1), (2, 3), True),
    ((3, 8, 8, 4), (1, 1, 4, 6), (2, 2), (1, 1), False),
]


@pytest.mark.parametrize("x_shape,w_shape,strides,dilations,same", CONV_CASES)
def test_conv2d_matches_reference(x_shape, w_shape, strides, dilations, same):
    padding = (0, 0, 0, 0)
    if same:
        padding = (*same_padding(x_shape[1], w_shape[0], strides[0], dilations[0]),
                   *same_padding(x_shape[2], w_shape[1], strides[1], dilations[1]))
    x, w = random_array(RNG, x_shape, "f32"), random_array(RNG, w_shape, "f32")
    expected = reference_conv2d(x, w, strides, dilations, padding)
    f = conv_op(tensor_type(x_shape, "f32"), tensor_type(w_shape, "f32"),
                tensor_type(expected.shape, "f32"), strides, dilations, padding)
    (y,) = f(x, w)
    assert_close(y, expected, "f32")


def test_conv2d_dynamic_input_f64():
    w = random_array(RNG, (2, 3, 3, 4), "f64")
    x_type = tensor_type((None, None, None, 3), "f64")
    f = conv_op(x_type, tensor_type(w.shape, "f64"), tensor_type((None, None, None, 4), "f64"),
                (1, 2), (1, 1), (1, 0, 1, 1))
    for shape in [(1, 6, 9, 3), (2, 3, 5, 3)]:
        x = random_array(RNG, shape, "f64")
        (y,) = f(x, w)
        assert_close(y, reference_conv2d(x, w, (1, 2), (1, 1), (1, 0, 1, 1)), "f64")


def reference_pool(x, ksize, strides, padding, kind):
    top, bottom, left, right = padding
    pads = ((0, 0), (top, bottom), (left, right), (0, 0))
    if kind == "max":
        lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        xp = np.pad(x, pads, constant_values=lowest)
    else:
        xp = np.pad(x.astype(np.float64), pads)
    inside = np.pad(np.ones(x.shape[1:3]), pads[1:3])
    oh = (xp.shape[1] - ksize[0]) // strides[0] + 1
    ow = (xp.shape[2] - ksize[1]) // strides[1] + 1
    rows = lambda i: slice(i, i + strides[0] * (oh - 1) + 1, strides[0])
    cols = lambda j: slice(j, j + strides[1] * (ow - 1) + 1, strides[1])
    taps = [(rows(i), cols(j)) for i in range(ksize[0]) for j in range(ksize[1])]
    if kind == "max":
        return np.max([xp[:, r, c, :] for r, c in taps], axis=0)
    total = np.sum([xp[:, r, c, :] for r, c in taps], axis=0)
    count = np.sum([inside[r, c] for r, c in taps], axis=0)
    return total / count[None, :, :, None]


def pool_op(kind, x_type, result_type, ksize, strides, padding):
    fmt = lambda v: "[" + ", ".join(map(str, v)) + "]"
    return compile_op(
        f"sf.{kind}_pool %a0 ksize {fmt(ksize)} strides {fmt(strides)} "
        f"padding {fmt(padding)} : {x_type} -> {result_type}", [x_type], result_type)


POOL_CASES = [
    ((1, 4, 4, 1), (2, 2), (2, 2), False),
    ((2, 7, 5, 3), (3, 3), (2, 2), True),
    ((1, 11, 13, 2), (2, 3), (1, 2), True),
    ((3, 5, 5, 4), (5, 5), (1, 1), True),
]


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("x_shape,ksize,strides,same", POOL_CASES)
def test_pool_matches_reference(kind, x_shape, ksize, strides, same):
    padding = (0, 0, 0, 0)
    if same:
        padding = (*same_padding(x_shape[1], ksize[0], strides[0]),
                   *same_padding(x_shape[2], ksize[1], strides[1]))
    x = random_array(RNG, x_shape, "f32")
    expected = reference_pool(x, ksize, strides, padding, kind)
    f = pool_op(kind, tensor_type(x_shape, "f32"), tensor_type(expected.shape, "f32"),
                ksize, strides, padding)
    (y,) = f(x)
    assert_close(y, expected, "f32")


def test_avg_pool_same_divides_by_inside_count():
    # 3x3 input, 2x2 window, stride 1, SAME: padding is one row/column after.
    x = np.arange(9, dtype=np.float32).reshape(1, 3, 3, 1)
    t = tensor_type((1, 3, 3, 1), "f32")
    (y,) = pool_op("avg", t, t, (2, 2), (1, 1), (0, 1, 0, 1))(x)
    expected = [[(0 + 1 + 3 + 4) / 4, (1 + 2 + 4 + 5) / 4, (2 + 5) / 2],
                [(3 + 4 + 6 + 7) / 4, (4 + 5 + 7 + 8) / 4, (5 + 8) / 2],
                [(6 + 7) / 2, (7 + 8) / 2, 8.0]]
    np.testing.assert_allclose(y[0, :, :, 0], expected)


@pytest.mark.parametrize("dtype", ["i32", "ui8", "f16"])
def test_max_pool_dtypes_pad_with_lowest(dtype):
    x = random_array(RNG, (1, 5, 6, 2), dtype)
    if dtype == "ui8":
        x = x + np.uint8(120)  # values above 127 need unsigned compares
    if dtype == "i32":
        x = x - 100  # all negative: a zero pad value would win
    padding = (1, 1, 0, 1)
    expected = reference_pool(x, (3, 2), (2, 2), padding, "max")
    f = pool_op("max", tensor_type(x.shape, dtype), tensor_type(expected.shape, dtype),
                (3, 2), (2, 2), padding)
    (y,) = f(x)
    np.testing.assert_array_equal(y, expected)


def test_pools_with_dynamic_dims():
    x_type = tensor_type((None, None, None, 3), "f32")
    result_type = tensor_type((None, None, None, 3), "f32")
    for kind in ["max", "avg"]:
        f = pool_op(kind, x_type, result_type, (3, 3), (2, 2), (1, 1, 1, 1))
        for shape in [(1, 7, 7, 3), (2, 4, 9, 3)]:
            x = random_array(RNG, shape, "f32")
            (y,) = f(x)
            assert_close(y, reference_pool(x, (3, 3), (2, 2), (1, 1, 1, 1), kind), "f32")


# --- Python builders infer result types ---------------------------------------

def test_python_builders_infer_result_types():
    from mlir import ir
    from mlir.dialects import func

    from strataflow import compiler
    from strataflow.dialects import sf

    with compiler.new_context(), ir.Location.unknown():
        f32 = ir.F32Type.get()
        dyn = ir.ShapedType.get_dynamic_size()
        module = ir.Module.create()
        with ir.InsertionPoint(module.body):
            a_type = ir.RankedTensorType.get([dyn, 8], f32)
            x_type = ir.RankedTensorType.get([1, 7, 7, 3], f32)

            @func.FuncOp.from_py_func(a_type, a_type, x_type)
            def f(a, b, x):
                c = sf.matmul(a, b, transpose_b=True)  # default transpose_a
                pooled = sf.max_pool(x, [3, 3], [2, 2], [1, 1, 1, 1])
                assert str(c.type) == "tensor<?x?xf32>"
                assert str(pooled.type) == "tensor<1x4x4x3xf32>"
                return c

        assert module.operation.verify()
        with ir.InsertionPoint(module.body):
            with pytest.raises(Exception, match="contracted dims differ: 8"):
                @func.FuncOp.from_py_func(ir.RankedTensorType.get([3, 8], f32))
                def g(a):
                    return sf.matmul(a, a)
