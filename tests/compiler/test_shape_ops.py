"""Shape `sf` ops compiled for the CPU vs NumPy, static and dynamic dims."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sfjit
from sfjit import assert_close, compile_fn, lower_text, tensor_type

rng = np.random.default_rng(1)
I64_MAX, I64_MIN = 2**63 - 1, -(2**63)


def arr(shape, dtype=np.float32):
    return (rng.standard_normal(shape) * 10).astype(dtype)


def fn(args, result, body):
    """func @f(args...) -> result with `body` computing %r."""
    params = ", ".join(f"%a{i}: {t}" for i, t in enumerate(args))
    return compile_fn(f"func.func @f({params}) -> {result} {{\n{body}\n"
                      f"  return %r : {result}\n}}")


def test_dim_and_shape():
    t = "tensor<?x3x?xf32>"
    f = fn([t], "tensor<i64>", f"  %r = sf.dim %a0[-1] : {t}")
    x = arr((2, 3, 5))
    assert f(x)[0] == 5
    g = fn([t], "tensor<3xi64>", f"  %r = sf.shape %a0 : {t}")
    np.testing.assert_array_equal(g(x)[0], [2, 3, 5])


@pytest.mark.parametrize("src,dst,runtime,target", [
    ((3,), (2, 3), (3,), (2, 3)),                 # new leading dim
    ((1, 3), (None, 3), (1, 3), (4, 3)),          # static 1 to a dynamic dim
    ((None, 1), (None, 4), (5, 1), (5, 4)),       # dynamic equal dim, static 1
    ((None, 3), (2, None, 3), (1, 3), (2, 6, 3)),  # dynamic dim, 1 at runtime
    ((None, 3), (2, None, 3), (4, 3), (2, 4, 3)),  # the same dim, not broadcast
    ((), (2, 2), (), (2, 2)),                     # scalar
])
def test_broadcast_to(src, dst, runtime, target):
    x = arr(runtime)
    ts, td = tensor_type(np.float32, src), tensor_type(np.float32, dst)
    f = fn([ts, f"tensor<{len(dst)}xi64>"], td,
           f"  %r = sf.broadcast_to %a0, %a1 : ({ts}, tensor<{len(dst)}xi64>) -> {td}")
    assert_close(f(x, np.array(target, np.int64))[0], np.broadcast_to(x, target))


def test_static_broadcast_fuses_into_consumer():
    text = """func.func @f(%x: tensor<3xf32>, %y: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %s = sf.constant dense<[2, 3]> : tensor<2xi64>
  %b = sf.broadcast_to %x, %s : (tensor<3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %r = sf.add %b, %y : tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}"""
    assert lower_text(text, "linalg").count("linalg.generic") == 1


@pytest.mark.parametrize("src,dst,shape", [
    ((2, 6), (3, 4), (3, 4)), ((2, 6), (12,), (12,)), ((12,), (2, 2, 3), (2, 2, 3)),
    ((1,), (), ()), ((), (1, 1), (1, 1)),
    ((None, 6), (None, 3), (-1, 3)), ((None, 4), (2, None), (2, -1)),
    ((None,), (None, None), (3, 4)),
])
def test_reshape(src, dst, shape):
    runtime = tuple(2 if d is None else d for d in src)
    if src == (None,):
        runtime = (12,)
    x = arr(runtime)
    ts, td = tensor_type(np.float32, src), tensor_type(np.float32, dst)
    n = len(dst)
    f = fn([ts, f"tensor<{n}xi64>"], td,
           f"  %r = sf.reshape %a0, %a1 : ({ts}, tensor<{n}xi64>) -> {td}")
    assert_close(f(x, np.array(shape, np.int64).reshape(n))[0], x.reshape(shape))


@pytest.mark.parametrize("perm", [(1, 0), (2, 0, 1), (0, 2, 1)])
def test_transpose(perm):
    shape = (2, 3, 4)[: len(perm)]
    x = arr(shape)
    t = tensor_type(np.float32, (None,) * len(perm))
    p = ", ".join(map(str, perm))
    f = fn([t], t, f"  %r = sf.transpose %a0 {{perm = array<i64: {p}>}} : {t} -> {t}")
    assert_close(f(x)[0], np.transpose(x, perm))


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3])
def test_expand_dims(axis):
    x = arr((2, 3))
    src = (None, 3)
    out = list(src)
    out.insert(axis if axis >= 0 else axis + 3, 1)
    ts, td = tensor_type(np.float32, src), tensor_type(np.float32, out)
    f = fn([ts], td, f"  %r = sf.expand_dims %a0 {{axis = {axis}}} : {ts} -> {td}")
    assert_close(f(x)[0], np.expand_dims(x, axis))


@pytest.mark.parametrize("src,axes,out,runtime", [
    ((1, 3, 1), [0], (3, 1), (1, 3, 1)),
    ((1, 3, 1), [], (3,), (1, 3, 1)),
    ((None, 3, 1), [0, -1], (3,), (1, 3, 1)),
    ((1, 1), [0, 1], (), (1, 1)),
])
def test_squeeze(src, axes, out, runtime):
    x = arr(runtime)
    ts, td = tensor_type(np.float32, src), tensor_type(np.float32, out)
    a = ", ".join(map(str, axes))
    f = fn([ts], td, f"  %r = sf.squeeze %a0 {{axes = array<i64{': ' + a if a else ''}>}} : {ts} -> {td}")
    expected = np.squeeze(x, tuple(axes)) if axes else np.squeeze(x)
    assert_close(f(x)[0], expected)


@pytest.mark.parametrize("src", [(3, 4), (None, None)])
@pytest.mark.parametrize("axes", [[0], [1], [0, -1]])
def test_reverse(src, axes):
    x = arr((3, 4))
    t = tensor_type(np.float32, src)
    a = ", ".join(map(str, axes))
    f = fn([t], t, f"  %r = sf.reverse %a0 {{axes = array<i64: {a}>}} : {t}")
    assert_close(f(x)[0], np.flip(x, axes))


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concat(axis):
    a, b, c = arr((2, 3)), arr((2, 3)), arr((2, 3))
    ta, tb = "tensor<2x3xf32>", "tensor<?x?xf32>"
    out = "tensor<?x?xf32>"
    f = fn([ta, tb, ta], out,
           f"  %r = sf.concat %a0, %a1, %a2 {{axis = {axis}}} : ({ta}, {tb}, {ta}) -> {out}")
    assert_close(f(a, b, c)[0], np.concatenate([a, b, c], axis))


def test_concat_static_result():
    t = "tensor<2x3xi32>"
    f = fn([t, t], "tensor<4x3xi32>",
           f"  %r = sf.concat %a0, %a1 {{axis = 0}} : ({t}, {t}) -> tensor<4x3xi32>")
    a, b = arr((2, 3), np.int32), arr((2, 3), np.int32)
    assert_close(f(a, b)[0], np.concatenate([a, b]))


@pytest.mark.parametrize("src,begin,size", [
    ((5, 4), [1, 0], [2, -1]), ((None, None), [1, 2], [3, -1]), ((None, 4), [0, 1], [-1, 2]),
])
def test_slice(src, begin, size):
    x = arr((5, 4))
    out = [s if s != -1 else (None if d is None else d - b) for d, b, s in zip(src, begin, size)]
    ts, td = tensor_type(np.float32, src), tensor_type(np.float32, out)
    f = fn([ts], td, f"  %r = sf.slice %a0 {{begin = array<i64: {begin[0]}, {begin[1]}>, "
                     f"size = array<i64: {size[0]}, {size[1]}>}} : {ts} -> {td}")
    expected = x[tuple(slice(b, None if s == -1 else b + s) for b, s in zip(begin, size))]
    assert_close(f(x)[0], expected)


SLICES = [(0, I64_MAX, 1), (1, 6, 2), (-1, I64_MIN, -1), (-2, 0, -3), (5, 2, 1),
          (I64_MIN, -3, 1), (8, I64_MIN, -2), (2, 3, -1), (-100, 100, 4)]


@pytest.mark.parametrize("dynamic", [False, True])
@pytest.mark.parametrize("b,e,s", SLICES)
def test_strided_slice_python_semantics(b, e, s, dynamic):
    x = arr((7,))
    n = len(range(*slice(b, e, s).indices(7)))
    src = (None,) if dynamic else (7,)
    out = (None,) if dynamic else (n,)
    ts, td = tensor_type(np.float32, src), tensor_type(np.float32, out)
    f = fn([ts], td, f"  %r = sf.strided_slice %a0 {{begin = array<i64: {b}>, "
                     f"end = array<i64: {e}>, strides = array<i64: {s}>}} : {ts} -> {td}")
    assert_close(f(x)[0], x[b:e:s])


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 6), st.integers(-9, 9), st.integers(-9, 9),
       st.sampled_from([-3, -2, -1, 1, 2, 3]))
def test_strided_slice_2d_dynamic_property(n, b, e, s):
    x = arr((n, 3))
    t = "tensor<?x3xf32>"
    f = fn([t], "tensor<?x3xf32>",
           f"  %r = sf.strided_slice %a0 {{begin = array<i64: {b}, 0>, end = array<i64: {e}, 3>, "
           f"strides = array<i64: {s}, 1>}} : {t} -> tensor<?x3xf32>")
    assert_close(f(x)[0], x[b:e:s])


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.bool_])
def test_pad(dtype):
    x = arr((2, 3)).astype(dtype)
    src, out = tensor_type(dtype, (None, 3)), tensor_type(dtype, (None, 6))
    scalar = tensor_type(dtype, ())
    f = fn([src, scalar], out,
           f"  %r = sf.pad %a0, %a1 {{paddings = array<i64: 1, 0, 2, 1>}} : ({src}, {scalar}) -> {out}")
    value = np.array(1, dtype)
    assert_close(f(x, value)[0], np.pad(x, [(1, 0), (2, 1)], constant_values=value))


@pytest.mark.parametrize("itype", [np.int32, np.int64])
@pytest.mark.parametrize("axis", [0, 1])
def test_gather(axis, itype):
    p = arr((4, 5))
    idx = np.array([[3, 0], [1, 1], [0, 2]], itype)
    tp, ti = "tensor<?x5xf32>", tensor_type(itype, (None, 2))
    out = "tensor<?x2x5xf32>" if axis == 0 else "tensor<?x?x2xf32>"
    f = fn([tp, ti], out,
           f"  %r = sf.gather %a0, %a1 {{axis = {axis}}} : ({tp}, {ti}) -> {out}")
    assert_close(f(p, idx)[0], np.take(p, idx, axis=axis))


def test_gather_batch_dims_and_clamping():
    p = arr((2, 4, 3))
    idx = np.array([[0, 3, 9], [-5, 2, 1]], np.int64)  # 9 and -5 clamp
    f = fn(["tensor<2x4x3xf32>", "tensor<2x3xi64>"], "tensor<2x3x3xf32>",
           "  %r = sf.gather %a0, %a1 {axis = 1, batch_dims = 1} : "
           "(tensor<2x4x3xf32>, tensor<2x3xi64>) -> tensor<2x3x3xf32>")
    clamped = np.clip(idx, 0, 3)
    expected = np.stack([p[b][clamped[b]] for b in range(2)])
    assert_close(f(p, idx)[0], expected)


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_one_hot(axis):
    idx = np.array([[0, 3], [2, -1], [5, 1]], np.int32)  # -1 and 5: all off
    depth = 4
    eye = (idx[..., None] == np.arange(depth)).astype(np.float32) * 2 - 1
    expected = np.moveaxis(eye, -1, axis if axis >= 0 else 2)
    out_shape = list(idx.shape)
    out_shape.insert(axis if axis >= 0 else 2, depth)
    out_shape[0 if axis != 0 else 1] = None
    td = tensor_type(np.float32, out_shape)
    f = fn(["tensor<?x2xi32>", "tensor<f32>", "tensor<f32>"], td,
           f"  %r = sf.one_hot %a0, %a1, %a2 {{axis = {axis}, depth = {depth}}} : "
           f"(tensor<?x2xi32>, tensor<f32>, tensor<f32>) -> {td}")
    assert_close(f(idx, np.float32(1), np.float32(-1))[0], expected)


@pytest.mark.parametrize("dtype,start,limit,delta", [
    (np.int32, 0, 10, 3), (np.int32, 10, 0, -3), (np.int64, 5, 5, 1), (np.int32, 5, 0, 1),
    (np.float32, 0.5, 2.0, 0.25), (np.float64, 1.0, -1.0, -0.5), (np.int8, -5, 5, 2),
])
def test_range(dtype, start, limit, delta):
    t = tensor_type(dtype, ())
    out = tensor_type(dtype, (None,))
    f = fn([t, t, t], out, f"  %r = sf.range %a0, %a1, %a2 : {t} -> {out}")
    args = [np.array(v, dtype) for v in (start, limit, delta)]
    assert_close(f(*args)[0], np.arange(start, limit, delta, dtype=dtype))


def test_range_static_result():
    f = fn(["tensor<i64>"] * 3, "tensor<4xi64>",
           "  %r = sf.range %a0, %a1, %a2 : tensor<i64> -> tensor<4xi64>")
    np.testing.assert_array_equal(
        f(np.int64(1), np.int64(9), np.int64(2))[0], [1, 3, 5, 7])


def test_ui8_shapes_keep_unsigned_values():
    x = np.array([[200, 1], [255, 7]], np.uint8)
    f = fn(["tensor<2x2xui8>"], "tensor<2x2xui8>",
           "  %r = sf.transpose %a0 {perm = array<i64: 1, 0>} : tensor<2x2xui8> -> tensor<2x2xui8>")
    np.testing.assert_array_equal(f(x)[0], x.T)


def test_python_builders_infer_result_types():
    """The generated op builders need no result types where ODS infers them."""
    from mlir import ir
    from mlir.dialects import func

    from sfjit import _CTX
    from strataflow.dialects import sf

    with _CTX, ir.Location.unknown():
        module = ir.Module.create()
        with ir.InsertionPoint(module.body):
            t = ir.RankedTensorType.get([ir.ShapedType.get_dynamic_size(), 3], ir.F32Type.get())

            @func.FuncOp.from_py_func(t)
            def g(x):
                y = sf.transpose(sf.expand_dims(x, axis=0), perm=[2, 1, 0])
                return y, sf.less(x, x)

        module.operation.verify()
        text = str(module)
    assert "-> tensor<3x?x1xf32>" in text
    assert "-> (tensor<3x?x1xf32>, tensor<?x3xi1>)" in text


@pytest.mark.parametrize("optimize", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_unsorted_segment_sum_adds_rows_and_drops_out_of_range_ids(dtype, optimize):
    ts = tensor_type(dtype, (None, 2, 3))
    ti, td = tensor_type(np.int64, (None,)), tensor_type(dtype, (4, 2, 3))
    text = (f"func.func @f(%d: {ts}, %i: {ti}) -> {td} {{\n"
            f"  %r = sf.unsorted_segment_sum %d, %i {{num_segments = 4}} : ({ts}, {ti}) -> {td}\n"
            f"  return %r : {td}\n}}")
    with sfjit._CTX:
        f = sfjit.compiler.compile_module(sfjit.ir.Module.parse(text), "f", optimize=optimize)
    data = arr((7, 2, 3), dtype)
    ids = np.array([2, 0, 2, -1, 4, 3, 2], np.int64)
    expected = np.zeros((4, 2, 3), dtype)
    for row, i in zip(data, ids):
        if 0 <= i < 4:
            expected[i] += row
    assert_close(f(data, ids)[0], expected)
    assert_close(f(data[:0], ids[:0])[0], np.zeros((4, 2, 3), dtype))  # no ids: zeros
