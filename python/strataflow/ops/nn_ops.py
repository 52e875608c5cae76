"""`sf.nn`: activations, softmax and losses, convolution and pooling,
normalization, dropout.

Primitives (own kernel/emit/grad): softmax, log_softmax, conv2d and its two
backprop ops, max/avg pooling and their gradients. Everything else is
composed from primitives.
"""
from __future__ import annotations

import numpy as np

from strataflow.framework import dtypes
from strataflow.framework.errors import InvalidArgumentError
from strataflow.framework.tensor import convert_to_tensor
from strataflow.framework.tensor_shape import TensorShape, TensorSpec
from strataflow.ops import array_ops, math_ops
from strataflow.ops import shape_rules as rules
from strataflow.ops.math_ops import (  # noqa: F401 - re-exported as sf.nn.*
    add, exp, gelu, log1p, maximum, minimum, multiply, reduce_logsumexp, reduce_mean,
    reduce_sum, relu, sigmoid, square, subtract, tanh, where,
)
from strataflow.ops.registry import apply, composite, constant_value, op_def

# ---------------------------------------------------------------------------
# activations (composites)
# ---------------------------------------------------------------------------


def relu6(features, name=None):
    """min(max(x, 0), 6)."""
    return minimum(relu(features), 6)


def leaky_relu(features, alpha=0.2, name=None):
    """x where x > 0, else alpha * x."""
    x = convert_to_tensor(features)
    return where(math_ops.greater(x, 0), x, multiply(x, alpha))


def elu(features, name=None):
    """x where x > 0, else exp(x) - 1."""
    x = convert_to_tensor(features)
    return where(math_ops.greater(x, 0), x, math_ops.expm1(minimum(x, 0)))


_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def selu(features, name=None):
    """scale * (x where x > 0, else alpha * (exp(x) - 1))."""
    x = convert_to_tensor(features)
    neg = multiply(math_ops.expm1(minimum(x, 0)), _SELU_ALPHA)
    return multiply(where(math_ops.greater(x, 0), x, neg), _SELU_SCALE)


def softplus(features, name=None):
    """log(1 + exp(x)), computed without overflow."""
    x = convert_to_tensor(features)
    return add(relu(x), log1p(exp(math_ops.negative(math_ops.abs(x)))))


def softsign(features, name=None):
    """x / (1 + |x|)."""
    x = convert_to_tensor(features)
    return math_ops.real_div(x, add(math_ops.abs(x), 1))


def silu(features, beta=1.0, name=None):
    """x * sigmoid(beta * x) (swish)."""
    x = convert_to_tensor(features)
    return multiply(x, sigmoid(x if beta == 1.0 else multiply(x, beta)))


swish = silu


# ---------------------------------------------------------------------------
# softmax / log_softmax (primitives: the dialect has them)
# ---------------------------------------------------------------------------

def _softmax_kernel(x, *, axis):
    with np.errstate(invalid="ignore", over="ignore"):
        e = np.exp(x - np.max(x, axis=axis, keepdims=True))
        return (e / np.sum(e, axis=axis, keepdims=True)).astype(x.dtype)


def _log_softmax_kernel(x, *, axis):
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        z = x - np.max(x, axis=axis, keepdims=True)
        return (z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))).astype(x.dtype)


def _softmax_infer(x, *, axis):
    rules.require(x.dtype, "f", "logits")
    rules.normalize_axis(axis, x.shape.rank)
    return x


def _emit_axis_op(name):
    def emit(b, x, *, out_specs, axis):
        return b.op(name, [x], [b.tensor_type(out_specs)], {"axis": b.i64(axis)})
    return emit


def _softmax_grad(ctx, g):
    y, axis = ctx.output, ctx.attrs["axis"]
    return [multiply(y, subtract(g, reduce_sum(multiply(g, y), axis, keepdims=True)))]


def _log_softmax_grad(ctx, g):
    y, axis = ctx.output, ctx.attrs["axis"]
    return [subtract(g, multiply(exp(y), reduce_sum(g, axis, keepdims=True)))]


_SOFTMAX = op_def("softmax", _softmax_kernel, _softmax_infer, _emit_axis_op("sf.softmax"), _softmax_grad)
_LOG_SOFTMAX = op_def("log_softmax", _log_softmax_kernel, _softmax_infer,
                      _emit_axis_op("sf.log_softmax"), _log_softmax_grad)


def softmax(logits, axis=-1, name=None):
    """exp(x) / sum(exp(x)) along `axis`."""
    x = convert_to_tensor(logits)
    return apply(_SOFTMAX, [x], axis=rules.normalize_axis(axis, x.shape.rank))


def log_softmax(logits, axis=-1, name=None):
    """x - log(sum(exp(x))) along `axis`."""
    x = convert_to_tensor(logits)
    return apply(_LOG_SOFTMAX, [x], axis=rules.normalize_axis(axis, x.shape.rank))


# ---------------------------------------------------------------------------
# losses
# ---------------------------------------------------------------------------

def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    """-log softmax(logits)[label] per example; labels are class indices."""
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels)
    rules.require(labels.dtype, "iu", "labels")
    if labels.shape.rank is not None and logits.shape.rank is not None \
            and labels.shape.rank != logits.shape.rank - 1:
        raise InvalidArgumentError(
            f"labels of shape {rules.dims_text(labels.shape)} must have rank one less than "
            f"logits of shape {rules.dims_text(logits.shape)}")
    n = logits.shape[-1]
    v = constant_value(labels)
    if v is not None and v.size and (v.min() < 0 or v.max() >= n):
        bad = v[(v < 0) | (v >= n)].reshape(-1)[0]
        raise InvalidArgumentError(f"received a label value of {bad} which is outside [0, {n})")
    hot = array_ops.one_hot(labels, n, dtype=logits.dtype)
    return math_ops.negative(reduce_sum(multiply(hot, log_softmax(logits)), -1))


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """-sum(labels * log_softmax(logits)) along `axis` (labels: distributions)."""
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels, dtype=logits.dtype)
    return math_ops.negative(reduce_sum(multiply(labels, log_softmax(logits, axis)), axis))


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Binary cross-entropy on logits, stably: max(x, 0) - x z + log(1 + exp(-|x|))."""
    x = convert_to_tensor(logits)
    z = convert_to_tensor(labels, dtype=x.dtype)
    return add(subtract(relu(x), multiply(x, z)), log1p(exp(math_ops.negative(math_ops.abs(x)))))


def l2_loss(t, name=None):
    """sum(t^2) / 2."""
    return multiply(reduce_sum(square(t)), 0.5)


# ---------------------------------------------------------------------------
# convolution
# ---------------------------------------------------------------------------

def _pair(v, what, default=None):
    """TF's int | [h, w] | [1, h, w, 1] spatial argument as (h, w)."""
    if v is None:
        return default
    v = [int(x) for x in np.asarray(v).reshape(-1)]
    if len(v) == 1:
        return (v[0], v[0])
    if len(v) == 2:
        return tuple(v)
    if len(v) == 4:
        if v[0] != 1 or v[3] != 1:
            raise InvalidArgumentError(f"{what} must be 1 on the batch and channel axes, got {v}")
        return (v[1], v[2])
    raise InvalidArgumentError(f"{what} must have 1, 2 or 4 entries, got {v}")


def _resolve_padding(padding, in_hw, k_hw, strides, dilations):
    """SAME / VALID / explicit as (top, bottom, left, right)."""
    if isinstance(padding, str):
        mode = padding.upper()
        if mode == "VALID":
            return (0, 0, 0, 0)
        if mode != "SAME":
            raise InvalidArgumentError(f"padding must be SAME, VALID or explicit, got {padding!r}")
        out = []
        for n, k, s, d in zip(in_hw, k_hw, strides, dilations):
            if n is None:
                raise InvalidArgumentError("SAME padding needs static spatial dims")
            eff = (k - 1) * d + 1
            total = max((-(-n // s) - 1) * s + eff - n, 0)
            out += [total // 2, total - total // 2]
        return tuple(out)
    p = np.asarray(padding).reshape(-1).tolist()
    if len(p) == 8:  # [[0, 0], [t, b], [l, r], [0, 0]]
        if p[0] or p[1] or p[6] or p[7]:
            raise InvalidArgumentError("explicit padding of the batch/channel axes must be 0")
        p = p[2:6]
    if len(p) != 4 or any(v < 0 for v in p):
        raise InvalidArgumentError(f"explicit padding must be 4 non-negative ints, got {padding!r}")
    return tuple(int(v) for v in p)


def _out_size(n, k, s, d, lo, hi):
    if n is None:
        return None
    eff = (k - 1) * d + 1
    size = (n + lo + hi - eff) // s + 1
    if size <= 0:
        raise InvalidArgumentError(f"window of size {eff} does not fit an input of size {n} (+{lo + hi} padding)")
    return size


def _windows(xp, kh, kw, oh, ow, strides, dilations):
    """Yields (i, j, view): view[n, y, x, c] = xp[n, y*sh + i*dh, x*sw + j*dw, c]."""
    sh, sw = strides
    dh, dw = dilations
    for i in range(kh):
        for j in range(kw):
            yield i, j, xp[:, i * dh:i * dh + (oh - 1) * sh + 1:sh, j * dw:j * dw + (ow - 1) * sw + 1:sw, :]


def _pad_hw(x, padding, value=0):
    t, b, l, r = padding
    return np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)), constant_values=value)


def _conv2d_kernel(x, w, *, strides, dilations, padding):
    kh, kw, _, cout = w.shape
    oh = _out_size(x.shape[1], kh, strides[0], dilations[0], padding[0], padding[1])
    ow = _out_size(x.shape[2], kw, strides[1], dilations[1], padding[2], padding[3])
    out = np.zeros((x.shape[0], oh, ow, cout), x.dtype)
    for i, j, view in _windows(_pad_hw(x, padding), kh, kw, oh, ow, strides, dilations):
        out += view @ w[i, j]
    return out


def _conv2d_infer(x, w, *, strides, dilations, padding):
    dt = rules.same_dtype(x, w)
    rules.require(dt, "f", "conv2d operands")
    xd, wd = x.shape.dims, w.shape.dims
    if xd is None or wd is None:
        return TensorSpec(TensorShape([None] * 4), dt)
    if len(xd) != 4 or len(wd) != 4:
        raise InvalidArgumentError(
            f"conv2d needs a 4-D NHWC input and a 4-D HWIO filter, got {rules.dims_text(x.shape)} "
            f"and {rules.dims_text(w.shape)}")
    if xd[3] is not None and wd[2] is not None and xd[3] != wd[2]:
        raise InvalidArgumentError(
            f"input has {xd[3]} channels but the filter expects {wd[2]} "
            f"({rules.dims_text(x.shape)} vs {rules.dims_text(w.shape)})")
    oh = _out_size(xd[1], wd[0], strides[0], dilations[0], padding[0], padding[1])
    ow = _out_size(xd[2], wd[1], strides[1], dilations[1], padding[2], padding[3])
    return TensorSpec(TensorShape._of((xd[0], oh, ow, wd[3])), dt)


def _conv2d_emit(b, x, w, *, out_specs, strides, dilations, padding):
    return b.op("sf.conv2d", [x, w], [b.tensor_type(out_specs)],
                {"strides": b.i64_array(strides), "dilations": b.i64_array(dilations),
                 "padding": b.i64_array(padding)})


def _conv_attrs(ctx):
    return {k: ctx.attrs[k] for k in ("strides", "dilations", "padding")}


def _conv2d_grad(ctx, g):
    x, w = ctx.inputs
    a = _conv_attrs(ctx)
    return [_backprop_input(g, w, tuple(x.shape.dims), a),
            _backprop_filter(x, g, tuple(w.shape.dims), a)]


def _backprop_input_kernel(dy, w, *, input_shape, strides, dilations, padding):
    kh, kw = w.shape[:2]
    n, h, wd, c = input_shape
    t, b, l, r = padding
    dxp = np.zeros((dy.shape[0], h + t + b, wd + l + r, c), dy.dtype)
    oh, ow = dy.shape[1:3]
    for i, j, view in _windows(dxp, kh, kw, oh, ow, strides, dilations):
        view += dy @ w[i, j].T  # views of dxp: accumulates in place
    return dxp[:, t:t + h, l:l + wd, :]


def _backprop_filter_kernel(x, dy, *, filter_shape, strides, dilations, padding):
    kh, kw, cin, cout = filter_shape
    oh, ow = dy.shape[1:3]
    dw = np.zeros(filter_shape, x.dtype)
    flat_dy = dy.reshape(-1, cout)
    for i, j, view in _windows(_pad_hw(x, padding), kh, kw, oh, ow, strides, dilations):
        dw[i, j] = view.reshape(-1, cin).T @ flat_dy
    return dw


# -- staged forms of the gradient kernels, composed of staged ops ------------

def _pad_hw_op(x, padding, value=0):
    t, b, l, r = padding
    return array_ops.pad(x, [[0, 0], [t, b], [l, r], [0, 0]], constant_values=value)


def _window_view(xp, i, j, out_hw, strides, dilations=(1, 1)):
    """xp[:, y*sh + i*dh, x*sw + j*dw, :] for the output positions (y, x)."""
    (oh, ow), (sh, sw) = out_hw, strides
    y0, x0 = i * dilations[0], j * dilations[1]
    return xp[:, y0:y0 + (oh - 1) * sh + 1:sh, x0:x0 + (ow - 1) * sw + 1:sw, :]


def _dilate(t, strides):
    """[N, H, W, C] with stride-1 zeros between rows and columns."""
    sh, sw = strides
    if (sh, sw) == (1, 1):
        return t
    _, h, w, c = t.shape.dims
    spread = array_ops.reshape(t, [-1, h, 1, w, 1, c])
    spread = array_ops.pad(spread, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]])
    return array_ops.reshape(spread, [-1, h * sh, w * sw, c])[:, :(h - 1) * sh + 1, :(w - 1) * sw + 1, :]


def _place(t, i, j, strides, padded_hw):
    """Scatters window tap (i, j) of per-output values back to the padded input grid."""
    spread = _dilate(t, strides)
    (hp, wp), (_, lh, lw, _) = padded_hw, spread.shape.dims
    return _pad_hw_op(spread, (i, hp - i - lh, j, wp - j - lw))


def _crop(xp, padding, hw):
    t, _, l, _ = padding
    return xp[:, t:t + hw[0], l:l + hw[1], :]


def _backprop_input_staged(dy, w, *, input_shape, strides, dilations, padding):
    """A stride-1 convolution of the dilated `dy` with the flipped filter,
    padded to give the gradient of the padded input, less the rows and
    columns the forward padding added where the padding allows."""
    kh, kw = w.shape.dims[:2]
    t, b, l, r = padding
    hp, wp = input_shape[1] + t + b, input_shape[2] + l + r
    spread = _dilate(dy, strides)
    lh, lw = spread.shape.dims[1:3]
    eh, ew = (kh - 1) * dilations[0] + 1, (kw - 1) * dilations[1] + 1
    flipped = array_ops.transpose(array_ops.reverse(w, [0, 1]), [0, 1, 3, 2])
    full = (eh - 1, hp - lh, ew - 1, wp - lw)  # the padded input's gradient
    cropped = (full[0] - t, full[1] - b, full[2] - l, full[3] - r)
    if min(cropped) >= 0:  # the input's gradient directly
        return apply(_CONV2D, [spread, flipped], strides=(1, 1), dilations=dilations, padding=cropped)
    dxp = apply(_CONV2D, [spread, flipped], strides=(1, 1), dilations=dilations, padding=full)
    return _crop(dxp, padding, input_shape[1:3])


def _backprop_filter_staged(x, dy, *, filter_shape, strides, dilations, padding):
    """One [Cin, R] x [R, Cout] product per filter tap, reading the padded
    input in place. Flattened to [N*Hp*Wp, Cin], tap (i, j)'s inputs are its
    rows from i*dh*Wp + j*dw on, against `dy` placed on the same grid (zeros
    where no output is): no window is copied, for ~7% more multiply-adds at
    3x3 SAME."""
    kh, kw, cin, cout = filter_shape
    xp = _pad_hw_op(x, padding)
    n, hp, wp, _ = _static(xp.shape.dims, "conv2d_backprop_filter")
    spread = _dilate(dy, strides)
    lh, lw = spread.shape.dims[1:3]
    grid = _pad_hw_op(spread, (0, hp - lh, 0, wp - lw))
    last = (kh - 1) * dilations[0] * wp + (kw - 1) * dilations[1]
    rows = n * hp * wp - last  # a window's rows reach past the grid's last output
    flat_x = array_ops.reshape(xp, [-1, cin])
    flat_dy = array_ops.reshape(grid, [-1, cout])[:rows]
    taps = [math_ops.matmul(flat_x[off:off + rows], flat_dy, transpose_a=True)
            for off in (i * dilations[0] * wp + j * dilations[1] for i in range(kh) for j in range(kw))]
    return array_ops.reshape(array_ops.stack(taps), list(filter_shape))


def _static(shape, what):
    if None in shape:
        raise InvalidArgumentError(f"{what} needs static shapes, got {list(shape)}")
    return shape


_BACKPROP_INPUT = op_def(
    "conv2d_backprop_input", _backprop_input_kernel,
    lambda dy, w, *, input_shape, **a: TensorSpec(_static(input_shape, "conv2d_backprop_input"), dy.dtype),
    composite(_backprop_input_staged),
    lambda ctx, gg: [apply(_CONV2D, [gg, ctx.inputs[1]], **_conv_attrs(ctx)),
                     _backprop_filter(gg, ctx.inputs[0], tuple(ctx.inputs[1].shape.dims), _conv_attrs(ctx))])
_BACKPROP_FILTER = op_def(
    "conv2d_backprop_filter", _backprop_filter_kernel,
    lambda x, dy, *, filter_shape, **a: TensorSpec(_static(filter_shape, "conv2d_backprop_filter"), x.dtype),
    composite(_backprop_filter_staged),
    lambda ctx, gg: [_backprop_input(ctx.inputs[1], gg, tuple(ctx.inputs[0].shape.dims), _conv_attrs(ctx)),
                     apply(_CONV2D, [ctx.inputs[0], gg], **_conv_attrs(ctx))])
_CONV2D = op_def("conv2d", _conv2d_kernel, _conv2d_infer, _conv2d_emit, _conv2d_grad,
                 dtype_group=(0, 1))


def _backprop_input(dy, w, input_shape, attrs):
    return apply(_BACKPROP_INPUT, [dy, w], input_shape=input_shape, **attrs)


def _backprop_filter(x, dy, filter_shape, attrs):
    return apply(_BACKPROP_FILTER, [x, dy], filter_shape=filter_shape, **attrs)


def _conv_setup(x, filters, strides, padding, dilations):
    x, w = convert_to_tensor(x), convert_to_tensor(filters)
    strides = _pair(strides, "strides")
    dilations = _pair(dilations, "dilations", (1, 1))
    if min(strides) < 1 or min(dilations) < 1:
        raise InvalidArgumentError(f"strides {strides} and dilations {dilations} must be >= 1")
    xd, wd = x.shape.dims, w.shape.dims
    if xd is None or wd is None or len(xd) != 4 or len(wd) != 4:
        raise InvalidArgumentError(
            f"conv2d needs a 4-D NHWC input and a 4-D HWIO filter, got {rules.dims_text(x.shape)} "
            f"and {rules.dims_text(w.shape)}")
    pads = _resolve_padding(padding, xd[1:3], wd[:2], strides, dilations)
    return x, w, dict(strides=strides, dilations=dilations, padding=pads)


def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None, name=None):  # noqa: A002
    """2-D convolution (cross-correlation): NHWC input, HWIO filters.

        >>> sf.nn.conv2d(sf.ones([1, 5, 5, 3]), sf.ones([3, 3, 3, 8]), 1, "SAME").shape
        TensorShape([1, 5, 5, 8])
    """
    if data_format != "NHWC":
        raise InvalidArgumentError("only data_format='NHWC' is supported")
    x, w, attrs = _conv_setup(input, filters, strides, padding, dilations)
    return apply(_CONV2D, [x, w], **attrs)


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NHWC", dilations=None, name=None):
    """The gradient of conv2d with respect to its input (a "deconvolution").
    `filters` is [h, w, out_channels, in_channels]."""
    if data_format != "NHWC":
        raise InvalidArgumentError("only data_format='NHWC' is supported")
    dy, w = convert_to_tensor(input), convert_to_tensor(filters)
    out_shape = tuple(int(v) for v in np.asarray(
        output_shape.numpy() if hasattr(output_shape, "numpy") else output_shape).reshape(-1))
    strides = _pair(strides, "strides")
    dilations = _pair(dilations, "dilations", (1, 1))
    pads = _resolve_padding(padding, out_shape[1:3], w.shape.dims[:2], strides, dilations)
    rules.same_dtype(dy, w)
    expected = (out_shape[0], _out_size(out_shape[1], w.shape[0], strides[0], dilations[0], *pads[:2]),
                _out_size(out_shape[2], w.shape[1], strides[1], dilations[1], *pads[2:]), w.shape[3])
    if not dy.shape.is_compatible_with(expected):
        raise InvalidArgumentError(
            f"conv2d_transpose: input shape {rules.dims_text(dy.shape)} does not match "
            f"output_shape {list(out_shape)} (expected input {list(expected)})")
    return _backprop_input(dy, w, out_shape, dict(strides=strides, dilations=dilations, padding=pads))


def depthwise_conv2d(input, filter, strides, padding, data_format="NHWC",  # noqa: A002
                     dilations=None, name=None):
    """Per-channel convolution: filter [h, w, C, M] gives C*M output channels.

    Built as a conv2d with a block-diagonal filter, so it stages and
    differentiates like conv2d.
    """
    x = convert_to_tensor(input)
    w = convert_to_tensor(filter)
    wd = w.shape.dims
    if wd is None or len(wd) != 4 or None in wd:
        raise InvalidArgumentError(f"depthwise filter must be a static 4-D [h, w, C, M], got {rules.dims_text(w.shape)}")
    kh, kw, c, m = wd
    if len(strides) == 4 and strides[1] != strides[2]:
        raise InvalidArgumentError("depthwise_conv2d needs equal strides for H and W (as TF)")
    mask = np.eye(c, dtype=w.dtype._np)[:, :, None]  # [C, C, 1]
    full = multiply(array_ops.expand_dims(w, 3), mask)  # [h, w, C, C, M]
    full = array_ops.reshape(full, [kh, kw, c, c * m])
    return conv2d(x, full, strides, padding, data_format, dilations)


def bias_add(value, bias, data_format=None, name=None):
    """value + bias along the last (channel) axis."""
    value, bias = convert_to_tensor(value), convert_to_tensor(bias)
    if bias.shape.rank != 1:
        raise InvalidArgumentError(f"bias must be 1-D, got shape {rules.dims_text(bias.shape)}")
    if not bias.shape.is_compatible_with(value.shape[-1:]):
        raise InvalidArgumentError(
            f"bias of shape {rules.dims_text(bias.shape)} does not match the last axis of "
            f"{rules.dims_text(value.shape)}")
    return add(value, bias)


# ---------------------------------------------------------------------------
# pooling
# ---------------------------------------------------------------------------

def _pool_infer(x, *, ksize, strides, padding):
    d = x.shape.dims
    if d is None or len(d) != 4:
        raise InvalidArgumentError(f"pooling needs a 4-D NHWC input, got {rules.dims_text(x.shape)}")
    oh = _out_size(d[1], ksize[0], strides[0], 1, padding[0], padding[1])
    ow = _out_size(d[2], ksize[1], strides[1], 1, padding[2], padding[3])
    return TensorSpec(TensorShape._of((d[0], oh, ow, d[3])), x.dtype)


def _pool_emit(name):
    def emit(b, x, *, out_specs, ksize, strides, padding):
        return b.op(name, [x], [b.tensor_type(out_specs)],
                    {"ksize": b.i64_array(ksize), "strides": b.i64_array(strides),
                     "padding": b.i64_array(padding)})
    return emit


def _out_hw(x, ksize, strides, padding):
    return (_out_size(x.shape[1], ksize[0], strides[0], 1, padding[0], padding[1]),
            _out_size(x.shape[2], ksize[1], strides[1], 1, padding[2], padding[3]))


def _lowest(dtype):
    return -np.inf if dtypes.is_floating_numpy(dtype) else np.iinfo(dtype).min


def _max_pool_kernel(x, *, ksize, strides, padding):
    oh, ow = _out_hw(x, ksize, strides, padding)
    out = np.full((x.shape[0], oh, ow, x.shape[3]), _lowest(x.dtype), x.dtype)
    xp = _pad_hw(x, padding, _lowest(x.dtype))
    for _, _, view in _windows(xp, ksize[0], ksize[1], oh, ow, strides, (1, 1)):
        np.maximum(out, view, out=out)
    return out


def _window_counts(shape, ksize, strides, padding, oh, ow):
    """How many real (unpadded) elements each output window covers."""
    ones = _pad_hw(np.ones((1,) + tuple(shape[1:3]) + (1,), np.float64), padding)
    counts = np.zeros((1, oh, ow, 1))
    for _, _, view in _windows(ones, ksize[0], ksize[1], oh, ow, strides, (1, 1)):
        counts += view
    return counts


def _avg_pool_kernel(x, *, ksize, strides, padding):
    oh, ow = _out_hw(x, ksize, strides, padding)
    total = np.zeros((x.shape[0], oh, ow, x.shape[3]), np.float64)
    for _, _, view in _windows(_pad_hw(x, padding), ksize[0], ksize[1], oh, ow, strides, (1, 1)):
        total += view
    # SAME padding: TF averages over the real elements only
    return (total / _window_counts(x.shape, ksize, strides, padding, oh, ow)).astype(x.dtype)


def _max_pool_grad_kernel(x, y, g, *, ksize, strides, padding):
    oh, ow = y.shape[1:3]
    xp = _pad_hw(x, padding, _lowest(x.dtype))
    dxp = np.zeros(xp.shape, g.dtype)
    routed = np.zeros(y.shape, bool)  # each window's gradient goes to its first maximum
    for i, j, view in _windows(xp, ksize[0], ksize[1], oh, ow, strides, (1, 1)):
        hit = (view == y) & ~routed
        routed |= hit
        sh, sw = strides
        dxp[:, i:i + (oh - 1) * sh + 1:sh, j:j + (ow - 1) * sw + 1:sw, :] += np.where(hit, g, 0)
    t, b, l, r = padding
    return dxp[:, t:t + x.shape[1], l:l + x.shape[2], :]


def _avg_pool_grad_kernel(g, *, input_shape, ksize, strides, padding):
    oh, ow = g.shape[1:3]
    t, b, l, r = padding
    dxp = np.zeros((g.shape[0], input_shape[1] + t + b, input_shape[2] + l + r, g.shape[3]), np.float64)
    share = g / _window_counts(input_shape, ksize, strides, padding, oh, ow)
    for _, _, view in _windows(dxp, ksize[0], ksize[1], oh, ow, strides, (1, 1)):
        view += share
    return dxp[:, t:t + input_shape[1], l:l + input_shape[2], :].astype(g.dtype)


def _max_pool_grad_staged(x, y, g, *, ksize, strides, padding):
    """As the kernel: each window's gradient goes to its first maximum."""
    xp = _pad_hw_op(x, padding, _lowest(np.dtype(x.dtype.as_numpy_dtype)))
    padded_hw, out_hw = xp.shape.dims[1:3], y.shape.dims[1:3]
    zeros, routed, dxp = math_ops.zeros_like(g), None, None
    for i in range(ksize[0]):
        for j in range(ksize[1]):
            hit = math_ops.equal(_window_view(xp, i, j, out_hw, strides), y)
            if routed is None:
                routed = hit
            else:
                hit = math_ops.logical_and(hit, math_ops.logical_not(routed))
                routed = math_ops.logical_or(routed, hit)
            part = _place(where(hit, g, zeros), i, j, strides, padded_hw)
            dxp = part if dxp is None else add(dxp, part)
    return _crop(dxp, padding, x.shape.dims[1:3])


def _avg_pool_grad_staged(g, *, input_shape, ksize, strides, padding):
    out_hw = g.shape.dims[1:3]
    counts = _window_counts(input_shape, ksize, strides, padding, *out_hw)
    share = math_ops.divide(g, counts.astype(g.dtype.as_numpy_dtype))
    t, b, l, r = padding
    padded_hw = (input_shape[1] + t + b, input_shape[2] + l + r)
    dxp = math_ops.add_n([_place(share, i, j, strides, padded_hw)
                          for i in range(ksize[0]) for j in range(ksize[1])])
    return _crop(dxp, padding, input_shape[1:3])


def _pool_attrs(ctx):
    return {k: ctx.attrs[k] for k in ("ksize", "strides", "padding")}


_MAX_POOL_GRAD = op_def(
    "max_pool_grad", _max_pool_grad_kernel, lambda x, y, g, **a: TensorSpec(x.shape, g.dtype),
    composite(_max_pool_grad_staged))
_AVG_POOL_GRAD = op_def(
    "avg_pool_grad", _avg_pool_grad_kernel,
    lambda g, *, input_shape, **a: TensorSpec(_static(input_shape, "avg_pool_grad"), g.dtype),
    composite(_avg_pool_grad_staged), lambda ctx, gg: [apply(_AVG_POOL, [gg], **_pool_attrs(ctx))])
_MAX_POOL = op_def(
    "max_pool", _max_pool_kernel, _pool_infer, _pool_emit("sf.max_pool"),
    lambda ctx, g: [apply(_MAX_POOL_GRAD, [ctx.inputs[0], ctx.output, g], **_pool_attrs(ctx))])
_AVG_POOL = op_def(
    "avg_pool", _avg_pool_kernel, _pool_infer, _pool_emit("sf.avg_pool"),
    lambda ctx, g: [apply(_AVG_POOL_GRAD, [g], input_shape=tuple(ctx.inputs[0].shape.dims),
                          **_pool_attrs(ctx))])


def _pool(op, input, ksize, strides, padding, data_format):  # noqa: A002
    if data_format != "NHWC":
        raise InvalidArgumentError("only data_format='NHWC' is supported")
    x = convert_to_tensor(input)
    ksize, strides = _pair(ksize, "ksize"), _pair(strides, "strides")
    if min(ksize) < 1 or min(strides) < 1:
        raise InvalidArgumentError(f"ksize {ksize} and strides {strides} must be >= 1")
    d = x.shape.dims
    if d is None or len(d) != 4:
        raise InvalidArgumentError(f"pooling needs a 4-D NHWC input, got {rules.dims_text(x.shape)}")
    pads = _resolve_padding(padding, d[1:3], ksize, strides, (1, 1))
    return apply(op, [x], ksize=ksize, strides=strides, padding=pads)


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """Maximum over ksize windows (NHWC); SAME pads with -inf."""
    return _pool(_MAX_POOL, input, ksize, strides, padding, data_format)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """Mean over ksize windows (NHWC); SAME averages real elements only, as TF."""
    return _pool(_AVG_POOL, input, ksize, strides, padding, data_format)


max_pool = max_pool2d
avg_pool = avg_pool2d


# ---------------------------------------------------------------------------
# normalization, dropout
# ---------------------------------------------------------------------------

def moments(x, axes, shift=None, keepdims=False, name=None):
    """(mean, variance) over `axes`."""
    x = convert_to_tensor(x)
    mean = reduce_mean(x, axes, keepdims=True)
    # no stop_gradient on `mean` (TF has one): same value and first derivative,
    # but the second derivative would be wrong
    variance = reduce_mean(math_ops.squared_difference(x, mean), axes, keepdims=True)
    if not keepdims:
        axes_ = list(rules.normalize_axes(axes, x.shape.rank))
        mean, variance = array_ops.squeeze(mean, axes_), array_ops.squeeze(variance, axes_)
    return mean, variance


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """(x - mean) * scale / sqrt(variance + eps) + offset (offset/scale may be None)."""
    x = convert_to_tensor(x)
    inv = math_ops.rsqrt(add(variance, variance_epsilon))
    if scale is not None:
        inv = multiply(inv, scale)
    shift = math_ops.negative(multiply(mean, inv))
    if offset is not None:
        shift = add(shift, offset)
    return add(multiply(x, inv), shift)


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zeroes elements with probability `rate`, scales the rest by 1/(1-rate)."""
    from strataflow.ops import random_ops

    x = convert_to_tensor(x)
    rate = float(rate)
    if not 0 <= rate < 1:
        raise InvalidArgumentError(f"dropout rate must be in [0, 1), got {rate}")
    if rate == 0:
        return x
    if noise_shape is not None:
        shape = noise_shape
    else:  # dims known only at run time (staged): the runtime shape
        shape = x.shape.as_list() if x.shape.is_fully_defined() else array_ops.shape(x)
    keep = math_ops.greater_equal(random_ops.uniform(shape, dtype=x.dtype, seed=seed), rate)
    return multiply(where(keep, x, math_ops.zeros_like(x)), 1 / (1 - rate))
