"""Array ops: creation, shapes, slicing, gather/scatter, sorting."""
import numpy as np
import pytest

import strataflow as sf
from tests.ops.differential import check

rng = np.random.default_rng(2)


def rand(*shape):
    return rng.uniform(-2, 2, shape)


def test_creation():
    assert sf.zeros([2, 3]).numpy().tolist() == [[0] * 3] * 2 and sf.zeros([2]).dtype is sf.float32
    assert sf.ones([2], sf.int32).numpy().tolist() == [1, 1]
    assert sf.fill([2, 2], 7).numpy().tolist() == [[7, 7], [7, 7]]
    assert sf.zeros_like(sf.constant([1, 2])).dtype is sf.int32
    assert sf.ones_like(sf.constant([1.0]), dtype=sf.float16).dtype is sf.float16
    np.testing.assert_array_equal(sf.eye(2, 3).numpy(), np.eye(2, 3))
    assert sf.eye(2, batch_shape=[3]).shape == [3, 2, 2]
    np.testing.assert_array_equal(sf.range(5).numpy(), np.arange(5, dtype=np.int32))
    np.testing.assert_array_equal(sf.range(1, 2, 0.25).numpy(), np.arange(1, 2, 0.25, dtype=np.float32))
    assert sf.range(sf.constant(3, sf.int64)).dtype is sf.int64
    np.testing.assert_allclose(sf.linspace(0.0, 1.0, 5).numpy(), np.linspace(0, 1, 5))
    with pytest.raises(sf.errors.InvalidArgumentError):
        sf.range(0, 5, 0)
    with pytest.raises(sf.errors.InvalidArgumentError, match="non-negative"):
        sf.zeros([-1])


def test_shape_queries():
    x = sf.zeros([2, 3])
    assert sf.shape(x).numpy().tolist() == [2, 3] and sf.shape(x).dtype is sf.int32
    assert int(sf.size(x)) == 6 and int(sf.rank(x)) == 2


@pytest.mark.parametrize("new_shape", [[3, 2], [-1], [6, 1], [1, -1, 2], []])
def test_reshape(new_shape):
    x = rand(2, 3) if new_shape != [] else rand(1, 1)
    check(lambda t: sf.reshape(t, new_shape), lambda a: a.reshape(new_shape), x)


def test_reshape_errors():
    with pytest.raises(sf.errors.InvalidArgumentError, match="cannot reshape a tensor with 6 elements"):
        sf.reshape(sf.zeros([2, 3]), [4, 2])
    with pytest.raises(sf.errors.InvalidArgumentError, match="only one dimension"):
        sf.reshape(sf.zeros([2, 3]), [-1, -1])
    with pytest.raises(sf.errors.InvalidArgumentError, match="with 6 elements"):
        sf.reshape(sf.zeros([2, 3]), [4, -1])


def test_transpose_expand_squeeze_broadcast_tile():
    x = rand(2, 3, 4)
    check(lambda t: sf.transpose(t, [2, 0, 1]), lambda a: a.transpose(2, 0, 1), x)
    check(sf.transpose, lambda a: a.T, x)
    check(lambda t: sf.expand_dims(t, -1), lambda a: a[..., None], x)
    check(lambda t: sf.expand_dims(t, 1), lambda a: a[:, None], x)
    check(lambda t: sf.squeeze(t), lambda a: a.squeeze(), rand(1, 3, 1))
    check(lambda t: sf.squeeze(t, [2]), lambda a: a.squeeze(2), rand(1, 3, 1))
    check(lambda t: sf.broadcast_to(t, [2, 3, 4]), lambda a: np.broadcast_to(a, (2, 3, 4)).copy(), rand(3, 1))
    check(lambda t: sf.tile(t, [2, 1, 3]), lambda a: np.tile(a, [2, 1, 3]), x)
    with pytest.raises(sf.errors.InvalidArgumentError, match="cannot squeeze axis 1 of size 3"):
        sf.squeeze(sf.zeros([1, 3]), [1])
    with pytest.raises(sf.errors.InvalidArgumentError, match="cannot broadcast"):
        sf.broadcast_to(sf.zeros([3]), [2, 4])
    with pytest.raises(sf.errors.InvalidArgumentError, match="permutation"):
        sf.transpose(sf.zeros([2, 3]), [0, 0])


def test_concat_stack_unstack_split():
    a, b = rand(2, 3), rand(1, 3)
    check(lambda x, y: sf.concat([x, y], 0), lambda x, y: np.concatenate([x, y], 0), a, b)
    check(lambda x, y: sf.concat([x, y], -1), lambda x, y: np.concatenate([x, y], -1), a, rand(2, 2))
    check(lambda x, y: sf.stack([x, y], 1), lambda x, y: np.stack([x, y], 1), a, rand(2, 3))
    check(lambda x: sf.unstack(x, axis=1), lambda x: tuple(x[:, i] for i in range(3)), a)
    check(lambda x: sf.split(x, 3, axis=1), lambda x: tuple(np.split(x, 3, axis=1)), a)
    check(lambda x: sf.split(x, [1, -1], axis=1), lambda x: (x[:, :1], x[:, 1:]), a)
    with pytest.raises(sf.errors.InvalidArgumentError, match="differ in dimension 1"):
        sf.concat([sf.zeros([2, 3]), sf.zeros([2, 4])], 0)
    with pytest.raises(sf.errors.InvalidArgumentError, match="different ranks"):
        sf.concat([sf.zeros([2, 3]), sf.zeros([3])], 0)
    with pytest.raises(sf.errors.InvalidArgumentError, match="one shape"):
        sf.stack([sf.zeros([2]), sf.zeros([3])])
    with pytest.raises(sf.errors.InvalidArgumentError, match="equal parts"):
        sf.split(sf.zeros([5]), 2)


@pytest.mark.parametrize("key", [
    (slice(None), slice(None, None, -1)), (0,), (Ellipsis, 1), (None, slice(1, 3)),
    (slice(-1, None, -2), 2), (1, None, slice(None, 2)),
])
def test_slicing_with_gradients(key):
    check(lambda t: t[key], lambda a: a[key], rand(3, 4))


def test_pad():
    x = rand(2, 3)
    check(lambda t: sf.pad(t, [[1, 0], [2, 1]]), lambda a: np.pad(a, [[1, 0], [2, 1]]), x)
    check(lambda t: sf.pad(t, [[1, 1], [0, 2]], constant_values=5.0),
          lambda a: np.pad(a, [[1, 1], [0, 2]], constant_values=5.0), x)
    with pytest.raises(sf.errors.InvalidArgumentError, match="REFLECT padding of 3"):
        sf.pad(sf.zeros([2, 3]), [[0, 0], [3, 0]], "REFLECT")


@pytest.mark.parametrize("mode", ["REFLECT", "SYMMETRIC"])
@pytest.mark.parametrize("shape,paddings", [
    ((2, 3), [[1, 1], [2, 2]]), ((4, 5), [[3, 0], [0, 4]]), ((3,), [[0, 0]]), ((2, 1, 4), [[1, 0], [0, 0], [2, 3]]),
])
def test_mirror_pad(mode, shape, paddings):
    """Eager, compiled and gradients (each padding element's gradient goes to
    the element it mirrors). SYMMETRIC may repeat a whole axis, REFLECT one
    element less."""
    if mode == "REFLECT":
        paddings = [[min(lo, n - 1), min(hi, n - 1)] for (lo, hi), n in zip(paddings, shape)]
    check(lambda t: sf.pad(t, paddings, mode), lambda a: np.pad(a, paddings, mode.lower()), rand(*shape))


def test_mirror_pad_gradient_by_hand():
    # [a b c] REFLECT [[2, 1]] -> [c b a b c b]: b is read three times, c twice
    with sf.GradientTape() as tape:
        x = sf.constant([1.0, 2.0, 3.0])
        tape.watch(x)
        y = sf.pad(x, [[2, 1]], "REFLECT")
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [1.0, 3.0, 2.0])


def test_mirror_pad_staged_with_unknown_dims():
    f = sf.function(lambda t: sf.pad(t, [[1, 2], [0, 3]], "SYMMETRIC"),
                    input_signature=[sf.TensorSpec([None, None], sf.float32)])
    for shape in [(3, 4), (2, 3), (5, 7)]:
        x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
        np.testing.assert_array_equal(f(sf.constant(x)).numpy(), np.pad(x, [[1, 2], [0, 3]], "symmetric"))


def test_reverse():
    check(lambda t: sf.reverse(t, [0, 2]), lambda a: a[::-1, :, ::-1], rand(2, 3, 2))


def test_gather():
    p = rand(4, 3)
    idx = np.array([[3, 0], [1, 1]], np.int32)
    check(lambda t, i: sf.gather(t, i), lambda a, i: a[i], p, idx)
    check(lambda t, i: sf.gather(t, i, axis=1), lambda a, i: np.take(a, i, 1), p, np.array([2, 0, 2]))
    pb = rand(2, 3, 4)
    ib = np.array([[0, 2], [1, 1]], np.int64)
    check(lambda t, i: sf.gather(t, i, axis=1, batch_dims=1),
          lambda a, i: np.stack([a[k][i[k]] for k in range(2)]), pb, ib)
    with pytest.raises(sf.errors.InvalidArgumentError, match=r"index -1 is not in \[0, 4\)"):
        sf.gather(sf.constant(p), [-1])


def test_unsorted_segment_sum():
    def ref(d, ids, n=3):
        out = np.zeros((n,) + d.shape[ids.ndim:], d.dtype)
        for k in np.ndindex(*ids.shape):
            if ids[k] >= 0:
                out[ids[k]] += d[k]
        return out
    check(lambda t, i: sf.math.unsorted_segment_sum(t, i, 3), ref,
          rand(4, 2), np.array([2, 0, 2, -1], np.int32))
    check(lambda t, i: sf.math.unsorted_segment_sum(t, i, 3), ref,
          rand(2, 3, 2), np.array([[1, 1, 0], [-1, 2, 2]], np.int64))
    with pytest.raises(sf.errors.InvalidArgumentError, match=r"segment id 3 is not in \[0, 3\)"):
        sf.math.unsorted_segment_sum(sf.constant(rand(2)), [0, 3], 3)
    with pytest.raises(sf.errors.InvalidArgumentError, match="not a prefix"):
        sf.math.unsorted_segment_sum(sf.constant(rand(2, 3)), [[0, 1]], 3)


def test_staged_nd_indices_out_of_range_clamp_or_drop():
    p = sf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    idx = sf.constant(np.array([[1, 5], [-1, 0], [0, 2]], np.int32))
    gathered = sf.function(lambda p, i: sf.gather_nd(p, i))(p, idx).numpy()
    np.testing.assert_array_equal(gathered, [5.0, 0.0, 2.0])  # [1, 2], [0, 0], [0, 2]
    scattered = sf.function(lambda i, u: sf.scatter_nd(i, u, [2, 3]))(idx, sf.ones([3]))
    np.testing.assert_array_equal(scattered.numpy(), [[0, 0, 1], [0, 0, 0]])
    with pytest.raises(sf.errors.InvalidArgumentError, match="out of bounds"):
        sf.scatter_nd(idx, sf.ones([3]), [2, 3])


def test_gather_nd_scatter_nd_boolean_mask():
    p = rand(3, 4)
    idx = np.array([[0, 1], [2, 3], [0, 1]], np.int32)
    check(sf.gather_nd, lambda a, i: a[i[:, 0], i[:, 1]], p, idx)
    check(sf.gather_nd, lambda a, i: a[i[:, 0]], p, np.array([[2], [0]], np.int32))

    def ref_scatter(i, u):
        out = np.zeros((3, 4))
        np.add.at(out, (i[:, 0], i[:, 1]), u)
        return out
    check(lambda i, u: sf.scatter_nd(i, u, [3, 4]), ref_scatter, idx, rand(3))
    mask = np.array([True, False, True])
    check(lambda t, m: sf.boolean_mask(t, m), lambda a, m: a[m], p, mask)
    check(lambda t, m: sf.boolean_mask(t, m, axis=1), lambda a, m: a[:, m], rand(2, 3, 2), mask)
    with pytest.raises(sf.errors.InvalidArgumentError, match="out of bounds"):
        sf.gather_nd(sf.constant(p), [[3, 0]])


def test_one_hot_and_sequence_mask():
    idx = np.array([0, 2, 5, -1])
    check(lambda i: sf.one_hot(i, 3), lambda i: np.eye(3, dtype=np.float32)[np.clip(i, 0, 2)] * ((i >= 0) & (i < 3))[:, None], idx)
    check(lambda i: sf.one_hot(i, 3, on_value=5, off_value=-1, axis=0),
          lambda i: np.where(np.arange(3)[:, None] == i[None], 5, -1).astype(np.int32), idx)
    check(lambda n: sf.sequence_mask(n, 4), lambda n: np.arange(4) < n[:, None], np.array([1, 3, 0]))
    check(lambda n: sf.sequence_mask(n), lambda n: np.arange(3) < n[:, None], np.array([1, 3, 0]))


def test_sort_argsort_unique():
    x = np.array([[3.0, 1.0, 2.0, 1.0], [0.0, -1.0, 5.0, 2.0]])
    check(lambda t: sf.argsort(t), lambda a: np.argsort(a, kind="stable").astype(np.int32), x)
    check(lambda t: sf.argsort(t, direction="DESCENDING"),
          lambda a: np.array([[0, 2, 1, 3], [2, 3, 0, 1]], np.int32), x)
    check(lambda t: sf.sort(t), lambda a: np.sort(a), rand(2, 5))
    check(lambda t: sf.sort(t, axis=0, direction="DESCENDING"), lambda a: -np.sort(-a, axis=0), rand(3, 2))
    check(lambda t: sf.unique(t), lambda a: (np.array([3, 1, 2], np.int32), np.array([0, 1, 0, 2], np.int32)),
          np.array([3, 1, 3, 2], np.int32))


def test_identity_and_stop_gradient():
    x = sf.constant([1.0, 2.0], dtype=sf.float64)
    with sf.GradientTape() as tape:
        tape.watch(x)
        y = sf.identity(x) * sf.stop_gradient(x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [1.0, 2.0])  # only the identity path


def test_range_primitive_for_symbolic_bounds():
    from strataflow.ops.array_ops import _RANGE
    from strataflow.ops.registry import apply

    check(lambda s, l, d: apply(_RANGE, [s, l, d]), lambda s, l, d: np.arange(s, l, d).astype(np.int32),
          np.array(5, np.int32), np.array(-3, np.int32), np.array(-2, np.int32))
    check(lambda s, l, d: apply(_RANGE, [s, l, d]), lambda s, l, d: np.arange(s, l, d),
          np.array(0.5), np.array(2.0), np.array(0.5), grad=False)
