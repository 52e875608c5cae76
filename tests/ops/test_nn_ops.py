"""sf.nn: activations, losses, conv/pooling (vs direct NumPy loops), normalization."""
import math

import numpy as np
import pytest

import strataflow as sf
from tests.ops.differential import check

rng = np.random.default_rng(3)


def rand(*shape, low=-2.0, high=2.0):
    return rng.uniform(low, high, shape)


def away_from_zero(x):
    x[np.abs(x) < 0.1] = 0.3
    return x


_sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731


@pytest.mark.parametrize("fn,ref", [
    (sf.nn.relu6, lambda x: np.clip(x, 0, 6)),
    (sf.nn.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x)),
    (sf.nn.elu, lambda x: np.where(x > 0, x, np.expm1(x))),
    (sf.nn.selu, lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x))),
    (sf.nn.softplus, lambda x: np.log1p(np.exp(x))),
    (sf.nn.softsign, lambda x: x / (1 + np.abs(x))),
    (sf.nn.silu, lambda x: x * _sig(x)),
    (sf.nn.swish, lambda x: x * _sig(x)),
    (sf.nn.sigmoid, _sig),
    (sf.nn.tanh, np.tanh),
    (lambda x: sf.nn.gelu(x, approximate=True),
     lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))),
])
def test_activations(fn, ref):
    check(fn, ref, away_from_zero(rand(2, 4) * 4))


def test_softplus_is_stable():
    x = np.array([-1000.0, 0.0, 1000.0], np.float32)
    np.testing.assert_allclose(sf.nn.softplus(x).numpy(), [0.0, math.log(2), 1000.0], rtol=1e-6)


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax_log_softmax(axis):
    x = rand(3, 4)
    check(lambda t: sf.nn.softmax(t, axis), lambda a: _softmax(a, axis), x)
    check(lambda t: sf.nn.log_softmax(t, axis), lambda a: np.log(_softmax(a, axis)), x)
    big = np.array([[1000.0, 0.0]], np.float32)
    np.testing.assert_allclose(sf.nn.softmax(big).numpy(), [[1, 0]])


def test_losses():
    logits = rand(3, 4)
    labels = np.array([0, 3, 1], np.int32)
    check(lambda lo, la: sf.nn.sparse_softmax_cross_entropy_with_logits(la, lo),
          lambda lo, la: -np.log(_softmax(lo))[np.arange(3), la], logits, labels)
    dist = _softmax(rand(3, 4))
    check(lambda la, lo: sf.nn.softmax_cross_entropy_with_logits(la, lo),
          lambda la, lo: -(la * np.log(_softmax(lo))).sum(-1), dist, logits)
    z = (rand(2, 3) > 0).astype(np.float64)
    x = away_from_zero(rand(2, 3))
    check(lambda z_, x_: sf.nn.sigmoid_cross_entropy_with_logits(z_, x_),
          lambda z_, x_: -(z_ * np.log(_sig(x_)) + (1 - z_) * np.log(1 - _sig(x_))), z, x)
    check(sf.nn.l2_loss, lambda a: np.sum(a * a) / 2, rand(2, 3))
    with pytest.raises(sf.errors.InvalidArgumentError, match="label value of 4"):
        sf.nn.sparse_softmax_cross_entropy_with_logits([0, 4], sf.zeros([2, 4]))


def conv_reference(x, w, strides, padding, dilations=(1, 1)):
    """Direct loops over output positions (independent of the kernel's im2col)."""
    t, b, l, r = padding
    x = np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)))
    n, h, wd, c = x.shape
    kh, kw, _, o = w.shape
    sh, sw = strides
    dh, dw = dilations
    oh = (h - (kh - 1) * dh - 1) // sh + 1
    ow = (wd - (kw - 1) * dw - 1) // sw + 1
    out = np.zeros((n, oh, ow, o))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * sh:i * sh + (kh - 1) * dh + 1:dh, j * sw:j * sw + (kw - 1) * dw + 1:dw, :]
            out[:, i, j, :] = np.einsum("nhwc,hwco->no", patch, w)
    return out


@pytest.mark.parametrize("strides,padding,dilations,pads", [
    (1, "VALID", None, (0, 0, 0, 0)), (1, "SAME", None, (1, 1, 1, 1)),
    (2, "SAME", None, (1, 1, 0, 1)), ([1, 2, 1, 1], "VALID", None, (0, 0, 0, 0)),
    (1, "SAME", 2, (2, 2, 2, 2)), (1, [[0, 0], [1, 0], [0, 2], [0, 0]], None, (1, 0, 0, 2)),
])
def test_conv2d(strides, padding, dilations, pads):
    x, w = rand(1, 5, 6, 2), rand(3, 3, 2, 3)
    s = (strides, strides) if isinstance(strides, int) else tuple(strides[1:3])
    d = (1, 1) if dilations is None else (dilations, dilations)
    check(lambda a, b: sf.nn.conv2d(a, b, strides, padding, dilations=dilations),
          lambda a, b: conv_reference(a, b, s, pads, d), x, w, rtol=1e-6, atol=1e-8)


def test_conv2d_transpose_is_the_adjoint_of_conv2d():
    x, w = rand(1, 5, 5, 2), rand(3, 3, 2, 3)
    y = rand(1, 3, 3, 3)
    lhs = np.sum(sf.nn.conv2d(x, w, 2, "SAME").numpy() * y)
    rhs = np.sum(x * sf.nn.conv2d_transpose(y, w, [1, 5, 5, 2], 2, "SAME").numpy())
    np.testing.assert_allclose(lhs, rhs, rtol=1e-10)
    check(lambda a, b: sf.nn.conv2d_transpose(a, b, [1, 5, 5, 2], 2, "SAME"),
          lambda a, b: sf.nn.conv2d_transpose(a, b, [1, 5, 5, 2], 2, "SAME").numpy(), y, w)


def test_depthwise_conv2d():
    x, w = rand(1, 4, 4, 2), rand(2, 2, 2, 3)

    def ref(a, f):
        outs = [conv_reference(a[..., c:c + 1], f[:, :, c:c + 1, :], (1, 1), (0, 1, 0, 1)) for c in range(2)]
        return np.concatenate(outs, axis=-1)
    check(lambda a, f: sf.nn.depthwise_conv2d(a, f, [1, 1, 1, 1], "SAME"), ref, x, w)


def test_conv2d_errors():
    with pytest.raises(sf.errors.InvalidArgumentError, match="channels"):
        sf.nn.conv2d(sf.zeros([1, 4, 4, 2]), sf.zeros([3, 3, 3, 1]), 1, "SAME")
    with pytest.raises(sf.errors.InvalidArgumentError, match="4-D"):
        sf.nn.conv2d(sf.zeros([4, 4, 2]), sf.zeros([3, 3, 2, 1]), 1, "SAME")
    with pytest.raises(sf.errors.InvalidArgumentError, match="does not fit"):
        sf.nn.conv2d(sf.zeros([1, 2, 2, 1]), sf.zeros([3, 3, 1, 1]), 1, "VALID")


def pool_reference(x, k, s, pads, reduce):
    t, b, l, r = pads
    xp = np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)), constant_values=np.nan)
    oh = (xp.shape[1] - k) // s + 1
    ow = (xp.shape[2] - k) // s + 1
    out = np.zeros((x.shape[0], oh, ow, x.shape[3]))
    for i in range(oh):
        for j in range(ow):
            out[:, i, j] = reduce(xp[:, i * s:i * s + k, j * s:j * s + k], axis=(1, 2))
    return out


@pytest.mark.parametrize("padding,pads", [("VALID", (0, 0, 0, 0)), ("SAME", (0, 1, 0, 1))])
def test_pooling(padding, pads):
    x = rand(2, 5, 5, 3)
    check(lambda a: sf.nn.max_pool2d(a, 2, 2, padding),
          lambda a: pool_reference(a, 2, 2, pads, np.nanmax), x)
    check(lambda a: sf.nn.avg_pool2d(a, 2, 2, padding),
          lambda a: pool_reference(a, 2, 2, pads, np.nanmean), x)
    check(lambda a: sf.nn.avg_pool2d(a, 3, 1, padding),
          lambda a: pool_reference(a, 3, 1, (1, 1, 1, 1) if padding == "SAME" else pads, np.nanmean), x)


def test_bias_add_moments_batch_norm():
    x, b = rand(2, 3, 4), rand(4)
    check(sf.nn.bias_add, lambda a, c: a + c, x, b)
    check(lambda a: sf.nn.moments(a, [0, 1]), lambda a: (a.mean((0, 1)), a.var((0, 1))), x)
    check(lambda a: sf.nn.moments(a, [1], keepdims=True),
          lambda a: (a.mean(1, keepdims=True), a.var(1, keepdims=True)), x)
    m, v, off, sc = rand(4), rand(4, low=0.5, high=2), rand(4), rand(4)
    check(lambda a, m_, v_, o_, s_: sf.nn.batch_normalization(a, m_, v_, o_, s_, 1e-3),
          lambda a, m_, v_, o_, s_: (a - m_) / np.sqrt(v_ + 1e-3) * s_ + o_, x, m, v, off, sc)
    with pytest.raises(sf.errors.InvalidArgumentError, match="last axis"):
        sf.nn.bias_add(sf.zeros([2, 3]), sf.zeros([2]))


def test_dropout_statistics():
    sf.random.set_seed(0)
    x = sf.ones([100, 100])
    y = sf.nn.dropout(x, 0.25).numpy()
    kept = y != 0
    assert abs(kept.mean() - 0.75) < 0.02
    np.testing.assert_allclose(y[kept], 1 / 0.75)
    assert sf.nn.dropout(x, 0.0) is x
    with pytest.raises(sf.errors.InvalidArgumentError):
        sf.nn.dropout(x, 1.0)
