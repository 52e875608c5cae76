"""Upstream-linalg test kernels (MLIR text) and their NumPy references.

The codegen tests and benchmarks compile these through the same pipeline
entry points as sf programs: pure linalg passes through `sf-lower-to-linalg`
unchanged.
"""
from __future__ import annotations

import numpy as np

MLIR_TYPE = {np.dtype(np.float32): "f32", np.dtype(np.float64): "f64"}


def _t(shape, et):
    return "tensor<" + "x".join(str(d) if d is not None else "?" for d in shape) + f"x{et}>" if shape else f"tensor<{et}>"


def _zero_init(shape, et, dyn_dims=""):
    return (
        f"  %zero = arith.constant 0.0 : {et}\n"
        f"  %empty = tensor.empty({dyn_dims}) : {_t(shape, et)}\n"
        f"  %init = linalg.fill ins(%zero : {et}) outs(%empty : {_t(shape, et)}) -> {_t(shape, et)}\n"
    )


def matmul(m, n, k, dtype=np.float32):
    et = MLIR_TYPE[np.dtype(dtype)]
    a, b, c = _t((m, k), et), _t((k, n), et), _t((m, n), et)
    text = (
        f"func.func @f(%a: {a}, %b: {b}) -> {c} {{\n" + _zero_init((m, n), et)
        + f"  %r = linalg.matmul ins(%a, %b : {a}, {b}) outs(%init : {c}) -> {c}\n"
        f"  return %r : {c}\n}}"
    )
    return text, lambda x, y: x @ y, [(m, k), (k, n)]


def matmul_dynamic(dtype=np.float32):
    """All dims dynamic: sizes are known only at run time."""
    et = MLIR_TYPE[np.dtype(dtype)]
    a = b = c = _t((None, None), et)
    text = (
        f"func.func @f(%a: {a}, %b: {b}) -> {c} {{\n"
        "  %c0 = arith.constant 0 : index\n  %c1 = arith.constant 1 : index\n"
        f"  %m = tensor.dim %a, %c0 : {a}\n  %n = tensor.dim %b, %c1 : {b}\n"
        + _zero_init((None, None), et, "%m, %n")
        + f"  %r = linalg.matmul ins(%a, %b : {a}, {b}) outs(%init : {c}) -> {c}\n"
        f"  return %r : {c}\n}}"
    )
    return text, lambda x, y: x @ y


def matmul_layouts(m, n, k, transpose_a, transpose_b, dynamic=False, dtype=np.float32):
    """a @ b with either operand stored transposed (read through the matmul's
    indexing maps, as the gradients of a matmul are); `dynamic`: every dim
    is known only at run time."""
    et = MLIR_TYPE[np.dtype(dtype)]
    a_shape = (k, m) if transpose_a else (m, k)
    b_shape = (n, k) if transpose_b else (k, n)
    if dynamic:
        a_shape = b_shape = c_shape = (None, None)
    else:
        c_shape = (m, n)
    a, b, c = _t(a_shape, et), _t(b_shape, et), _t(c_shape, et)
    maps = [
        "affine_map<(d0, d1, d2) -> (d2, d0)>" if transpose_a else "affine_map<(d0, d1, d2) -> (d0, d2)>",
        "affine_map<(d0, d1, d2) -> (d1, d2)>" if transpose_b else "affine_map<(d0, d1, d2) -> (d2, d1)>",
        "affine_map<(d0, d1, d2) -> (d0, d1)>",
    ]
    dims = ""
    if dynamic:
        dims = (
            "  %c0 = arith.constant 0 : index\n  %c1 = arith.constant 1 : index\n"
            f"  %m = tensor.dim %a, {'%c1' if transpose_a else '%c0'} : {a}\n"
            f"  %n = tensor.dim %b, {'%c0' if transpose_b else '%c1'} : {b}\n"
        )
    text = (
        f"func.func @f(%a: {a}, %b: {b}) -> {c} {{\n" + dims
        + _zero_init(c_shape, et, "%m, %n" if dynamic else "")
        + f"  %r = linalg.matmul indexing_maps = [{', '.join(maps)}]\n"
        f"      ins(%a, %b : {a}, {b}) outs(%init : {c}) -> {c}\n"
        f"  return %r : {c}\n}}"
    )

    def ref(x, y):
        return (x.T if transpose_a else x) @ (y.T if transpose_b else y)

    shapes = [(k, m) if transpose_a else (m, k), (n, k) if transpose_b else (k, n)]
    return text, ref, shapes


def batch_matmul(bs, m, n, k, dtype=np.float32):
    et = MLIR_TYPE[np.dtype(dtype)]
    a, b, c = _t((bs, m, k), et), _t((bs, k, n), et), _t((bs, m, n), et)
    text = (
        f"func.func @f(%a: {a}, %b: {b}) -> {c} {{\n" + _zero_init((bs, m, n), et)
        + f"  %r = linalg.batch_matmul ins(%a, %b : {a}, {b}) outs(%init : {c}) -> {c}\n"
        f"  return %r : {c}\n}}"
    )
    return text, lambda x, y: x @ y, [(bs, m, k), (bs, k, n)]


def matmul_bias_relu(m, n, k, dtype=np.float32):
    """relu(a @ b + bias): a matmul with an elementwise consumer."""
    et = MLIR_TYPE[np.dtype(dtype)]
    a, b, c, v = _t((m, k), et), _t((k, n), et), _t((m, n), et), _t((n,), et)
    text = (
        f"func.func @f(%a: {a}, %b: {b}, %bias: {v}) -> {c} {{\n" + _zero_init((m, n), et)
        + f"  %mm = linalg.matmul ins(%a, %b : {a}, {b}) outs(%init : {c}) -> {c}\n"
        f"  %e2 = tensor.empty() : {c}\n"
        "  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>,"
        " affine_map<(i, j) -> (i, j)>], iterator_types = [\"parallel\", \"parallel\"]}"
        f" ins(%mm, %bias : {c}, {v}) outs(%e2 : {c}) {{\n"
        f"  ^bb0(%x: {et}, %y: {et}, %o: {et}):\n"
        f"    %s = arith.addf %x, %y : {et}\n    %r0 = arith.maximumf %s, %zero : {et}\n"
        f"    linalg.yield %r0 : {et}\n  }} -> {c}\n"
        f"  return %r : {c}\n}}"
    )
    return text, lambda x, y, z: np.maximum(x @ y + z, 0), [(m, k), (k, n), (n,)]


def _fused_body(et):
    """relu(2x+1) * sigmoid(x), as elementwise fusion leaves it."""
    return (
        f"    %two = arith.constant 2.0 : {et}\n    %one = arith.constant 1.0 : {et}\n"
        f"    %zero = arith.constant 0.0 : {et}\n"
        f"    %t = arith.mulf %x, %two : {et}\n    %u = arith.addf %t, %one : {et}\n"
        f"    %relu = arith.maximumf %u, %zero : {et}\n"
        f"    %nx = arith.negf %x : {et}\n    %ex = math.exp %nx : {et}\n"
        f"    %den = arith.addf %ex, %one : {et}\n    %sig = arith.divf %one, %den : {et}\n"
        f"    %v = arith.mulf %relu, %sig : {et}\n"
    )


def _np_fused(x):
    return np.maximum(2 * x + 1, 0) * (1 / (1 + np.exp(-x)))


def elementwise(shape, dtype=np.float32):
    et = MLIR_TYPE[np.dtype(dtype)]
    t = _t(shape, et)
    rank = len(shape)
    dims = ", ".join(f"d{i}" for i in range(rank))
    ident = f"affine_map<({dims}) -> ({dims})>"
    text = (
        f"func.func @f(%a: {t}) -> {t} {{\n  %e = tensor.empty() : {t}\n"
        f"  %r = linalg.generic {{indexing_maps = [{ident}, {ident}], iterator_types = ["
        + ", ".join(['"parallel"'] * rank) + f"]}} ins(%a : {t}) outs(%e : {t}) {{\n"
        f"  ^bb0(%x: {et}, %o: {et}):\n" + _fused_body(et)
        + f"    linalg.yield %v : {et}\n  }} -> {t}\n  return %r : {t}\n}}"
    )
    return text, _np_fused, [shape]


def reduce(shape, axes, kind="sum_fused", dtype=np.float32):
    """sum(relu(2x+1)*sigmoid(x)) ("sum_fused") or max(x) ("max") over `axes`."""
    et = MLIR_TYPE[np.dtype(dtype)]
    rank = len(shape)
    out_shape = tuple(d for i, d in enumerate(shape) if i not in axes)
    tin, tout = _t(shape, et), _t(out_shape, et)
    dims = [f"d{i}" for i in range(rank)]
    in_map = f"affine_map<({', '.join(dims)}) -> ({', '.join(dims)})>"
    out_map = f"affine_map<({', '.join(dims)}) -> ({', '.join(d for i, d in enumerate(dims) if i not in axes)})>"
    iters = ", ".join('"reduction"' if i in axes else '"parallel"' for i in range(rank))
    if kind == "max":
        init_value, body = "0xFF800000" if et == "f32" else "0xFFF0000000000000", (
            f"    %v = arith.maximumf %x, %acc : {et}\n    linalg.yield %v : {et}\n")
        ref = lambda x: np.max(x, axis=tuple(axes))
    else:
        init_value, body = "0.0", _fused_body(et) + f"    %s = arith.addf %v, %acc : {et}\n    linalg.yield %s : {et}\n"
        ref = lambda x: np.sum(_np_fused(x.astype(np.float64)), axis=tuple(axes))
    text = (
        f"func.func @f(%a: {tin}) -> {tout} {{\n"
        f"  %init0 = arith.constant {init_value} : {et}\n  %e = tensor.empty() : {tout}\n"
        f"  %init = linalg.fill ins(%init0 : {et}) outs(%e : {tout}) -> {tout}\n"
        f"  %r = linalg.generic {{indexing_maps = [{in_map}, {out_map}], iterator_types = [{iters}]}}"
        f" ins(%a : {tin}) outs(%init : {tout}) {{\n  ^bb0(%x: {et}, %acc: {et}):\n" + body
        + f"  }} -> {tout}\n  return %r : {tout}\n}}"
    )
    return text, ref, [shape]


def _same_pads(size, k, stride):
    out = -(-size // stride)
    total = max((out - 1) * stride + k - size, 0)
    return total // 2, total - total // 2


def _pad_text(x_shape, pads, et, src="%x", dst="%xp"):
    (pt, pb), (pl, pr) = pads
    n, h, w, c = x_shape
    padded = (n, h + pt + pb, w + pl + pr, c)
    text = (
        f"  %pz = arith.constant 0.0 : {et}\n"
        f"  {dst} = tensor.pad {src} low[0, {pt}, {pl}, 0] high[0, {pb}, {pr}, 0] {{\n"
        f"  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):\n    tensor.yield %pz : {et}\n"
        f"  }} : {_t(x_shape, et)} to {_t(padded, et)}\n"
    )
    return text, padded


def conv2d(n, h, w, c, kh, kw, f, stride=1, padding="SAME", dtype=np.float32):
    et = MLIR_TYPE[np.dtype(dtype)]
    pads = (_same_pads(h, kh, stride), _same_pads(w, kw, stride)) if padding == "SAME" else ((0, 0), (0, 0))
    pad_text, padded = _pad_text((n, h, w, c), pads, et)
    oh = (padded[1] - kh) // stride + 1
    ow = (padded[2] - kw) // stride + 1
    xt, ft, ot = _t((n, h, w, c), et), _t((kh, kw, c, f), et), _t((n, oh, ow, f), et)
    text = (
        f"func.func @f(%x: {xt}, %k: {ft}) -> {ot} {{\n" + pad_text + _zero_init((n, oh, ow, f), et)
        + f"  %r = linalg.conv_2d_nhwc_hwcf {{dilations = dense<1> : tensor<2xi64>, strides = dense<{stride}> : tensor<2xi64>}}"
        f" ins(%xp, %k : {_t(padded, et)}, {ft}) outs(%init : {ot}) -> {ot}\n  return %r : {ot}\n}}"
    )

    def ref(x, k):
        xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
        out = np.zeros((n, oh, ow, f), np.float64)
        for i in range(kh):
            for j in range(kw):
                patch = xp[:, i:i + stride * oh:stride, j:j + stride * ow:stride, :]
                out += np.einsum("nhwc,cf->nhwf", patch, k[i, j].astype(np.float64))
        return out

    return text, ref, [(n, h, w, c), (kh, kw, c, f)]


def pool(kind, n, h, w, c, k, stride, dtype=np.float32):
    """VALID max/sum pooling (linalg.pooling_nhwc_max / _sum)."""
    et = MLIR_TYPE[np.dtype(dtype)]
    oh, ow = (h - k) // stride + 1, (w - k) // stride + 1
    xt, ot, wt = _t((n, h, w, c), et), _t((n, oh, ow, c), et), _t((k, k), et)
    init = "0xFF800000" if (kind == "max" and et == "f32") else ("0xFFF0000000000000" if kind == "max" else "0.0")
    text = (
        f"func.func @f(%x: {xt}) -> {ot} {{\n  %i0 = arith.constant {init} : {et}\n"
        f"  %e = tensor.empty() : {ot}\n  %init = linalg.fill ins(%i0 : {et}) outs(%e : {ot}) -> {ot}\n"
        f"  %win = tensor.empty() : {wt}\n"
        f"  %r = linalg.pooling_nhwc_{kind} {{dilations = dense<1> : tensor<2xi64>, strides = dense<{stride}> : tensor<2xi64>}}"
        f" ins(%x, %win : {xt}, {wt}) outs(%init : {ot}) -> {ot}\n  return %r : {ot}\n}}"
    )
    op = np.max if kind == "max" else np.sum

    def ref(x):
        out = np.empty((n, oh, ow, c), x.dtype)
        for i in range(oh):
            for j in range(ow):
                out[:, i, j, :] = op(x[:, i * stride:i * stride + k, j * stride:j * stride + k, :], axis=(1, 2))
        return out

    return text, ref, [(n, h, w, c)]


def depthwise_conv(n, h, w, c, k, dtype=np.float32):
    """VALID depthwise conv (linalg.depthwise_conv_2d_nhwc_hwc), stride 1."""
    et = MLIR_TYPE[np.dtype(dtype)]
    oh, ow = h - k + 1, w - k + 1
    xt, ft, ot = _t((n, h, w, c), et), _t((k, k, c), et), _t((n, oh, ow, c), et)
    text = (
        f"func.func @f(%x: {xt}, %k: {ft}) -> {ot} {{\n" + _zero_init((n, oh, ow, c), et)
        + "  %r = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}"
        f" ins(%x, %k : {xt}, {ft}) outs(%init : {ot}) -> {ot}\n  return %r : {ot}\n}}"
    )

    def ref(x, f):
        out = np.zeros((n, oh, ow, c), np.float64)
        for i in range(k):
            for j in range(k):
                out += x[:, i:i + oh, j:j + ow, :] * f[i, j]
        return out

    return text, ref, [(n, h, w, c), (k, k, c)]
