"""One entry per differentiable op: (name, function of tensors, float64 arguments
[, options for check_grads]).

Shared by the finite-difference checks (test_op_gradients.py) and the
eager-vs-staged checks (test_staged_gradients.py). Arguments are chosen
away from kinks (abs, relu, max, ...) and inside domains (log, sqrt, ...).
"""
from __future__ import annotations

import numpy as np

import strataflow as sf

_rng = np.random.default_rng(42)


def R(*shape):
    """Values in +-[0.2, 1] (away from 0, where abs/relu/sign kink)."""
    return _rng.uniform(0.2, 1.0, shape) * _rng.choice([-1.0, 1.0], shape)


def P(*shape, low=0.5, high=2.0):
    return _rng.uniform(low, high, shape)


def SPD(n):
    a = _rng.standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


def distinct(*shape):
    """All different (max/min/sort/top_k have one winner), spaced by >= 0.1."""
    return _rng.permutation(np.arange(int(np.prod(shape))) * 0.1 - 0.3).reshape(shape)


LABELS = np.array([[0.2, 0.3, 0.5], [0.1, 0.8, 0.1]])
IDX = np.array([2, 0, 1, 2], np.int32)

CASES = [
    # elementwise unary
    ("abs", sf.abs, [R(2, 3)]),
    ("negative", sf.negative, [R(2, 3)]),
    ("exp", sf.exp, [R(2, 3)]),
    ("expm1", sf.math.expm1, [R(2, 3)]),
    ("log", sf.log, [P(2, 3)]),
    ("log1p", sf.math.log1p, [P(2, 3)]),
    ("sqrt", sf.sqrt, [P(2, 3)]),
    ("rsqrt", sf.math.rsqrt, [P(2, 3)]),
    ("square", sf.square, [R(2, 3)]),
    ("reciprocal", sf.math.reciprocal, [P(2, 3)]),
    ("sin", sf.sin, [R(2, 3)]),
    ("cos", sf.cos, [R(2, 3)]),
    ("tanh", sf.tanh, [R(2, 3)]),
    ("sigmoid", sf.sigmoid, [R(2, 3)]),
    ("erf", sf.math.erf, [R(2, 3)]),
    ("floor", sf.floor, [R(2, 3) + 0.5]),
    ("ceil", sf.math.ceil, [R(2, 3) + 0.5]),
    ("round", sf.round, [R(2, 3) + 0.3]),
    ("sign", sf.sign, [R(2, 3)]),
    ("relu", sf.nn.relu, [R(2, 3)]),
    ("relu6", sf.nn.relu6, [R(2, 3) * 4]),
    ("leaky_relu", sf.nn.leaky_relu, [R(2, 3)]),
    ("elu", sf.nn.elu, [R(2, 3)]),
    ("selu", sf.nn.selu, [R(2, 3)]),
    ("softplus", sf.nn.softplus, [R(2, 3)]),
    ("softsign", sf.nn.softsign, [R(2, 3)]),
    ("silu", sf.nn.silu, [R(2, 3)]),
    ("gelu", sf.nn.gelu, [R(2, 3)]),
    ("cast", lambda x: sf.cast(sf.cast(x, sf.float32), sf.float64), [R(3)],
     dict(order=1, eps=1e-2, rtol=1e-4)),  # float32 rounding: large steps, first order
    ("identity", sf.identity, [R(2, 3)]),
    # elementwise binary (broadcasting)
    ("add", sf.add, [R(2, 3), R(3)]),
    ("subtract", sf.subtract, [R(2, 1), R(1, 3)]),
    ("multiply", sf.multiply, [R(2, 3), R(2, 1)]),
    ("divide", sf.divide, [R(2, 3), P(3)]),
    ("pow", sf.pow, [P(2, 3), R(3)]),
    ("maximum", sf.maximum, [distinct(2, 3), distinct(2, 3) + 0.05]),
    ("minimum", sf.minimum, [distinct(2, 3), distinct(2, 3) + 0.05]),
    ("squared_difference", sf.math.squared_difference, [R(2, 3), R(3)]),
    ("floordiv", sf.math.floordiv, [P(2, 3) + 2.05, P(3, low=0.9, high=1.1)]),
    ("floormod", sf.math.floormod, [P(2, 3) + 2.05, P(3, low=0.9, high=1.1)]),
    ("where", lambda a, b: sf.where(sf.constant([[True, False, True]]), a, b), [R(2, 3), R(2, 3)]),
    ("clip_by_value", lambda x: sf.clip_by_value(x, -0.5, 0.5), [R(2, 3) * 0.45 + 0.0]),
    # reductions and scans
    ("reduce_sum", lambda x: sf.reduce_sum(x, axis=1), [R(2, 3)]),
    ("reduce_sum_all", sf.reduce_sum, [R(2, 3)]),
    ("reduce_mean", lambda x: sf.reduce_mean(x, axis=0, keepdims=True), [R(2, 3)]),
    ("reduce_prod", lambda x: sf.reduce_prod(x, axis=1), [R(2, 3)]),
    ("reduce_max", lambda x: sf.reduce_max(x, axis=1), [distinct(2, 3)]),
    ("reduce_min", lambda x: sf.reduce_min(x, axis=0), [distinct(2, 3)]),
    ("reduce_logsumexp", lambda x: sf.reduce_logsumexp(x, axis=1), [R(2, 3)]),
    ("reduce_variance", lambda x: sf.reduce_variance(x, axis=1), [R(2, 3)]),
    ("reduce_std", lambda x: sf.reduce_std(x, axis=1), [R(2, 3)]),
    ("cumsum", lambda x: sf.cumsum(x, axis=1), [R(2, 3)]),
    ("cumsum_reverse", lambda x: sf.cumsum(x, axis=0, exclusive=True, reverse=True), [R(2, 3)]),
    ("cumprod", lambda x: sf.cumprod(x, axis=1), [R(2, 3)]),
    # linear algebra
    ("matmul", sf.matmul, [R(2, 3), R(3, 4)]),
    ("matmul_t", lambda a, b: sf.matmul(a, b, transpose_a=True, transpose_b=True), [R(3, 2), R(4, 3)]),
    ("batch_matmul", sf.matmul, [R(2, 2, 3), R(2, 3, 2)]),
    ("einsum", lambda a, b: sf.einsum("ij,jk->ik", a, b), [R(2, 3), R(3, 2)]),
    ("tensordot", lambda a, b: sf.tensordot(a, b, axes=1), [R(2, 3), R(3, 2)]),
    ("inv", sf.linalg.inv, [SPD(3)]),
    ("det", sf.linalg.det, [SPD(3)]),
    ("solve", sf.linalg.solve, [SPD(3), R(3, 2)]),
    # the rule assumes symmetric perturbations (as TF's): differentiate a symmetrized input
    ("cholesky", lambda a: sf.linalg.cholesky((a + sf.linalg.matrix_transpose(a)) / 2), [SPD(3)]),
    ("trace", sf.linalg.trace, [R(3, 3)]),
    ("norm", sf.linalg.norm, [R(2, 3)]),
    ("l2_normalize", lambda x: sf.math.l2_normalize(x, axis=1), [R(2, 3)]),
    # shapes and indexing
    ("reshape", lambda x: sf.reshape(x, [3, 2]), [R(2, 3)]),
    ("transpose", lambda x: sf.transpose(x, [1, 0, 2]), [R(2, 3, 2)]),
    ("expand_dims", lambda x: sf.expand_dims(x, 1), [R(2, 3)]),
    ("squeeze", lambda x: sf.squeeze(x, 1), [R(2, 1, 3)]),
    ("broadcast_to", lambda x: sf.broadcast_to(x, [2, 3]), [R(1, 3)]),
    ("tile", lambda x: sf.tile(x, [2, 1]), [R(2, 3)]),
    ("concat", lambda a, b: sf.concat([a, b], axis=1), [R(2, 3), R(2, 1)]),
    ("stack", lambda a, b: sf.stack([a, b], axis=1), [R(2, 3), R(2, 3)]),
    ("unstack", lambda x: sf.unstack(x, axis=1), [R(2, 3)]),
    ("split", lambda x: sf.split(x, [1, 2], axis=1), [R(2, 3)]),
    ("getitem", lambda x: x[1:, ::2], [R(3, 4)]),
    ("strided_slice", lambda x: x[::-1, 1], [R(3, 4)]),
    ("pad", lambda x: sf.pad(x, [[1, 0], [0, 2]]), [R(2, 3)]),
    ("pad_reflect", lambda x: sf.pad(x, [[1, 0], [0, 2]], "REFLECT"), [R(2, 3)]),
    ("pad_symmetric", lambda x: sf.pad(x, [[2, 1], [3, 0]], "SYMMETRIC"), [R(2, 3)]),
    ("reverse", lambda x: sf.reverse(x, [1]), [R(2, 3)]),
    ("gather", lambda x: sf.gather(x, IDX, axis=1), [R(2, 3)]),
    ("unsorted_segment_sum", lambda x: sf.math.unsorted_segment_sum(
        x, np.array([[2, 0, -1], [2, 2, 1]], np.int32), 3), [R(2, 3, 2)]),
    ("gather_nd", lambda x: sf.gather_nd(x, np.array([[0, 1], [1, 2], [0, 1]], np.int32)), [R(2, 3)]),
    ("scatter_nd", lambda u: sf.scatter_nd(np.array([[0], [2]], np.int32), u, [3, 2]), [R(2, 2)]),
    ("fill", lambda v: sf.fill([2, 3], v), [R()]),
    ("sort", lambda x: sf.sort(x, axis=1), [distinct(2, 4)]),
    ("top_k", lambda x: sf.math.top_k(x, 2)[0], [distinct(2, 4)]),
    ("boolean_mask", lambda x: sf.boolean_mask(x, np.array([True, False, True])), [R(3, 2)]),
    # neural network
    ("softmax", sf.nn.softmax, [R(2, 3)]),
    ("log_softmax", sf.nn.log_softmax, [R(2, 3)]),
    ("softmax_xent", lambda z: sf.nn.softmax_cross_entropy_with_logits(LABELS, z), [R(2, 3)]),
    ("sparse_softmax_xent",
     lambda z: sf.nn.sparse_softmax_cross_entropy_with_logits(np.array([2, 0], np.int32), z), [R(2, 3)]),
    ("sigmoid_xent", lambda z: sf.nn.sigmoid_cross_entropy_with_logits(labels=LABELS, logits=z), [R(2, 3)]),
    ("l2_loss", sf.nn.l2_loss, [R(2, 3)]),
    ("bias_add", sf.nn.bias_add, [R(2, 3), R(3)]),
    ("moments", lambda x: sf.nn.moments(x, axes=[0]), [R(3, 2)]),
    ("batch_normalization", lambda x, m, v, o, s: sf.nn.batch_normalization(x, m, v, o, s, 1e-3),
     [R(2, 3), R(3), P(3), R(3), R(3)]),
    ("conv2d", lambda x, w: sf.nn.conv2d(x, w, 1, "SAME"), [R(1, 4, 4, 2), R(3, 3, 2, 2)]),
    ("conv2d_strided", lambda x, w: sf.nn.conv2d(x, w, 2, "VALID"), [R(1, 5, 5, 1), R(2, 2, 1, 2)]),
    ("conv2d_transpose", lambda x, w: sf.nn.conv2d_transpose(x, w, [1, 4, 4, 1], 2, "SAME"),
     [R(1, 2, 2, 2), R(2, 2, 1, 2)]),
    ("depthwise_conv2d", lambda x, w: sf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "VALID"),
     [R(1, 3, 3, 2), R(2, 2, 2, 1)]),
    # odd sizes with SAME and stride 2: asymmetric padding; dilation: gaps in the taps
    ("conv2d_same_strided", lambda x, w: sf.nn.conv2d(x, w, 2, "SAME"), [R(2, 5, 4, 2), R(3, 2, 2, 3)]),
    ("conv2d_dilated", lambda x, w: sf.nn.conv2d(x, w, 1, "SAME", dilations=2),
     [R(1, 5, 5, 1), R(2, 3, 1, 2)]),
    ("max_pool", lambda x: sf.nn.max_pool2d(x, 2, 2, "VALID"), [distinct(1, 4, 4, 1)]),
    ("max_pool_overlapping_same", lambda x: sf.nn.max_pool2d(x, 3, 2, "SAME"), [distinct(2, 5, 4, 2)]),
    ("avg_pool", lambda x: sf.nn.avg_pool2d(x, 2, 1, "SAME"), [R(1, 3, 3, 2)]),
    ("avg_pool_strided", lambda x: sf.nn.avg_pool2d(x, 3, 2, "SAME"), [R(1, 5, 4, 1)]),
]

