"""Reductions, scans, top_k, matmul/einsum/tensordot, sf.linalg."""
import numpy as np
import pytest

import strataflow as sf
from tests.ops.differential import check

rng = np.random.default_rng(1)


def rand(*shape, low=-2.0, high=2.0, dtype=np.float64):
    return rng.uniform(low, high, shape).astype(dtype)


def _logsumexp(a, axis=None, keepdims=False):
    m = np.max(a, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


REDUCTIONS = [
    (sf.reduce_sum, np.sum), (sf.reduce_mean, np.mean), (sf.reduce_prod, np.prod),
    (sf.reduce_max, np.max), (sf.reduce_min, np.min), (sf.reduce_logsumexp, _logsumexp),
    (sf.reduce_variance, np.var), (sf.reduce_std, np.std),
]


@pytest.mark.parametrize("axis,keepdims", [(None, False), (0, False), (-1, True), ([0, 2], False), ((1,), True)])
@pytest.mark.parametrize("case", REDUCTIONS, ids=lambda c: c[0].__name__)
def test_float_reductions_with_gradients(case, axis, keepdims):
    fn, ref = case
    x = rand(2, 3, 2, low=0.5, high=2.0)
    ax = tuple(axis) if isinstance(axis, list) else axis
    check(lambda t: fn(t, axis=axis, keepdims=keepdims), lambda a: ref(a, axis=ax, keepdims=keepdims), x)


def test_integer_and_bool_reductions():
    x = rng.integers(-9, 9, (3, 4)).astype(np.int32)
    check(lambda t: sf.reduce_sum(t, 1), lambda a: a.sum(1, dtype=np.int32), x)
    check(lambda t: sf.reduce_max(t, 0), lambda a: a.max(0), x)
    # integer mean truncates toward zero, as TF
    check(lambda t: sf.reduce_mean(t), lambda a: np.array(int(np.trunc(a.sum() / a.size)), np.int32),
          np.array([[-3, -4]], np.int32))
    b = np.array([[True, False], [True, True]])
    check(lambda t: sf.reduce_any(t, 1), lambda a: a.any(1), b)
    check(lambda t: sf.reduce_all(t, 0), lambda a: a.all(0), b)


def test_max_gradient_splits_ties():
    x = np.array([1.0, 3.0, 3.0])
    check(sf.reduce_max, np.max, x, grad=False)
    t = sf.constant(x)
    with sf.GradientTape() as tape:
        tape.watch(t)
        y = sf.reduce_max(t)
    np.testing.assert_array_equal(tape.gradient(y, t).numpy(), [0, 0.5, 0.5])


def test_reduction_errors():
    with pytest.raises(sf.errors.InvalidArgumentError, match="axis 2 is out of range"):
        sf.reduce_sum(sf.ones([2, 3]), axis=2)
    with pytest.raises(sf.errors.InvalidArgumentError, match="duplicate"):
        sf.reduce_sum(sf.ones([2, 3]), axis=[0, -2])
    with pytest.raises(sf.errors.InvalidArgumentError, match="bool"):
        sf.reduce_any(sf.ones([2]))


@pytest.mark.parametrize("fn,ref", [(sf.argmax, np.argmax), (sf.argmin, np.argmin)])
def test_argmax_argmin(fn, ref):
    x = np.array([[1.0, 5.0, 5.0], [np.nan, 0.0, 2.0]], np.float32)
    check(lambda t: fn(t, axis=1), lambda a: ref(a, axis=1).astype(np.int64), x)
    check(lambda t: fn(t, 0, output_type=sf.int32), lambda a: ref(a, axis=0).astype(np.int32),
          rng.integers(0, 5, (3, 2)).astype(np.int8))


@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
def test_cumsum_cumprod(exclusive, reverse):
    def ref(np_fn, identity):
        def f(a):
            b = np.flip(a, 1) if reverse else a
            out = np_fn(b, axis=1)
            if exclusive:
                out = np.concatenate([np.full_like(out[:, :1], identity), out[:, :-1]], axis=1)
            return np.flip(out, 1) if reverse else out
        return f
    x = rand(2, 4, low=0.5, high=1.5)
    check(lambda t: sf.cumsum(t, 1, exclusive, reverse), ref(np.cumsum, 0), x)
    check(lambda t: sf.cumprod(t, 1, exclusive, reverse), ref(np.cumprod, 1), x)


def test_top_k_orders_ties_by_index_and_differentiates():
    x = np.array([[1.0, 3.0, 3.0, 2.0], [0.5, -1.0, 4.0, 0.0]])
    expected = (np.array([[3.0, 3.0, 2.0], [4.0, 0.5, 0.0]]), np.array([[1, 2, 3], [2, 0, 3]], np.int32))
    check(lambda t: sf.math.top_k(t, 3), lambda a: expected, x, grad=False)  # ties: no derivative
    check(lambda t: sf.math.top_k(t, 2)[0], lambda a: -np.sort(-a, axis=1)[:, :2], rand(2, 5))
    with pytest.raises(sf.errors.InvalidArgumentError, match="k=5"):
        sf.math.top_k(sf.ones([4]), 5)


def test_l2_normalize():
    x = rand(2, 3)
    check(lambda t: sf.math.l2_normalize(t, axis=1),
          lambda a: a / np.sqrt(np.maximum((a * a).sum(1, keepdims=True), 1e-12)), x)


@pytest.mark.parametrize("sa,sb,ta,tb", [
    ((2, 3), (3, 4), False, False), ((3, 2), (3, 4), True, False), ((2, 3), (4, 3), False, True),
    ((3, 2), (4, 3), True, True), ((2, 2, 3), (3, 4), False, False), ((2, 1, 2, 3), (3, 3, 2), True, True),
])
def test_matmul(sa, sb, ta, tb):
    a, b = rand(*sa), rand(*sb)
    tr = lambda m, t: np.swapaxes(m, -1, -2) if t else m  # noqa: E731
    check(lambda x, y: sf.matmul(x, y, transpose_a=ta, transpose_b=tb),
          lambda x, y: tr(x, ta) @ tr(y, tb), a, b)


def test_matmul_errors_and_int():
    with pytest.raises(sf.errors.InvalidArgumentError, match="inner dimensions"):
        sf.matmul(sf.ones([2, 3]), sf.ones([2, 3]))
    with pytest.raises(sf.errors.InvalidArgumentError, match="rank >= 2"):
        sf.matmul(sf.ones([3]), sf.ones([3, 2]))
    a = rng.integers(-3, 3, (2, 3)).astype(np.int32)
    check(sf.matmul, np.matmul, a, a.T.copy())


@pytest.mark.parametrize("eq,shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
    ("ij,kj->ik", [(2, 3), (4, 3)]), ("i,i->", [(3,), (3,)]), ("i,j->ij", [(2,), (3,)]),
    ("bik,bjk->bij", [(2, 2, 3), (2, 4, 3)]), ("ij->ji", [(2, 3)]), ("ijk->ik", [(2, 3, 2)]),
    ("ij,jk->ki", [(2, 3), (3, 2)]), ("abc,cd->abd", [(2, 2, 3), (3, 2)]),
])
def test_einsum(eq, shapes):
    args = [rand(*s) for s in shapes]
    check(lambda *ts: sf.einsum(eq, *ts), lambda *a: np.einsum(eq, *a), *args)


def test_tensordot():
    a, b = rand(2, 3, 4), rand(3, 4, 2)
    check(lambda x, y: sf.tensordot(x, y, 2), lambda x, y: np.tensordot(x, y, 2), a, b)
    check(lambda x, y: sf.tensordot(x, y, [[1], [0]]), lambda x, y: np.tensordot(x, y, [[1], [0]]), a, b)


def _spd(n):
    m = rand(n, n)
    return m @ m.T + n * np.eye(n)


def test_linalg_decompositions_with_gradients():
    a = _spd(3)
    b = rand(3, 2)
    check(sf.linalg.inv, np.linalg.inv, a)
    check(sf.linalg.det, np.linalg.det, a)
    check(sf.linalg.solve, np.linalg.solve, a, b)
    check(lambda x, y: sf.linalg.solve(x, y, adjoint=True), lambda x, y: np.linalg.solve(x.T, y), a + np.triu(a), b)
    check(lambda x: sf.linalg.cholesky(0.5 * (x + sf.linalg.matrix_transpose(x))),
          lambda x: np.linalg.cholesky(0.5 * (x + x.T)), a)
    check(sf.linalg.inv, np.linalg.inv, np.stack([_spd(2), _spd(2)]))


def test_linalg_composites():
    m, v = rand(2, 3, 3), rand(2, 3)
    check(sf.linalg.matvec, lambda a, b: np.einsum("bij,bj->bi", a, b), m, v)
    check(sf.linalg.diag, lambda a: np.stack([np.diag(r) for r in a]), v)
    check(sf.linalg.trace, lambda a: np.trace(a, axis1=-2, axis2=-1), m)
    check(sf.linalg.matrix_transpose, lambda a: np.swapaxes(a, -1, -2), m)
    check(lambda t: sf.linalg.norm(t, axis=1), lambda a: np.linalg.norm(a, axis=1), v)
    check(lambda t: sf.linalg.norm(t, ord=1, axis=1), lambda a: np.abs(a).sum(1), v)
    check(lambda t: sf.linalg.norm(t, ord=np.inf, axis=-1), lambda a: np.abs(a).max(-1), v + 3)


def test_linalg_errors():
    with pytest.raises(sf.errors.InvalidArgumentError, match="not invertible|Singular"):
        sf.linalg.inv(sf.zeros([2, 2]))
    with pytest.raises(sf.errors.InvalidArgumentError, match="square"):
        sf.linalg.det(sf.ones([2, 3]))
    with pytest.raises(sf.errors.InvalidArgumentError, match="positive definite"):
        sf.linalg.cholesky(-sf.eye(2))


@pytest.mark.parametrize("dtype", [sf.float16, sf.bfloat16])
def test_half_types_keep_their_dtype(dtype):
    x = sf.constant(rand(2, 3), dtype=sf.float64)
    x = sf.cast(x, dtype)
    cases = {
        "matmul": sf.matmul(x, x, transpose_b=True), "sum": sf.reduce_sum(x),
        "mean": sf.reduce_mean(x, 0), "max": sf.reduce_max(x), "min": sf.reduce_min(x, 1),
        "softmax": sf.nn.softmax(x), "logsumexp": sf.reduce_logsumexp(x),
        "max_pool": sf.nn.max_pool2d(sf.reshape(x, [1, 2, 3, 1]), 2, 1, "SAME"),
        "conv": sf.nn.conv2d(sf.reshape(x, [1, 2, 3, 1]), sf.ones([2, 2, 1, 1], dtype), 1, "SAME"),
        "cumsum": sf.cumsum(x, 1), "erf": sf.math.erf(x), "sort": sf.sort(x),
    }
    for name, y in cases.items():
        assert y.dtype is dtype, name
    ref = rand(2, 3).astype(np.float32)
    got = sf.reduce_max(sf.cast(sf.constant(ref), dtype), 1).numpy().astype(np.float32)
    np.testing.assert_allclose(got, ref.astype(dtype.as_numpy_dtype).max(1).astype(np.float32))
