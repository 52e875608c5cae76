"""Ops staged as compositions (sorting network, doubling scan): staged == eager
over random shapes, axes, ties and NaNs."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import strataflow as sf

pytest.importorskip("strataflow._sfnative", reason="needs the native module (build it)")

_shapes = st.lists(st.integers(1, 9), min_size=1, max_size=3)


def _values(shape, seed, dtype):
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, shape).astype(dtype)  # few distinct values: many ties
    if dtype != np.int32 and x.size > 2:
        x.reshape(-1)[rng.integers(0, x.size, 2)] = np.nan
    return x


@settings(max_examples=12, deadline=None)
@given(shape=_shapes, seed=st.integers(0, 2 ** 16), data=st.data())
def test_staged_argsort_sort_and_top_k_equal_eager(shape, seed, data):
    dtype = data.draw(st.sampled_from([np.float32, np.int32, np.float64]))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    direction = data.draw(st.sampled_from(["ASCENDING", "DESCENDING"]))
    k = data.draw(st.integers(0, shape[-1]))
    x = _values(shape, seed, dtype)

    def ops(t):
        return (sf.argsort(t, axis, direction, stable=True), sf.sort(t, axis, direction),
                *sf.math.top_k(t, k))

    for got, want in zip(sf.function(ops)(x), ops(sf.constant(x))):
        np.testing.assert_array_equal(got.numpy(), want.numpy())


@settings(max_examples=12, deadline=None)
@given(shape=_shapes, seed=st.integers(0, 2 ** 16), data=st.data())
def test_staged_cumsum_and_cumprod_equal_eager(shape, seed, data):
    axis = data.draw(st.integers(0, len(shape) - 1))
    exclusive, reverse = data.draw(st.booleans()), data.draw(st.booleans())
    x = np.random.default_rng(seed).uniform(0.5, 1.5, shape).astype(np.float32)
    n = np.random.default_rng(seed).integers(-4, 5, shape).astype(np.int32)

    def ops(t, i):
        return (sf.cumsum(t, axis, exclusive, reverse), sf.cumprod(t, axis, exclusive, reverse),
                sf.cumsum(i, axis, exclusive, reverse))

    staged, eager = sf.function(ops)(x, n), ops(sf.constant(x), sf.constant(n))
    for got, want in zip(staged, eager):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=2e-6, atol=1e-6)


def test_staged_sort_and_cumsum_gradients_equal_eager():
    x = sf.constant(np.random.default_rng(0).standard_normal((3, 6)))

    def grads(t):
        with sf.GradientTape() as tape:
            tape.watch(t)
            y = sf.reduce_sum(sf.sort(t) * sf.cumsum(t, 1, reverse=True) * sf.math.top_k(t, 6)[0])
        return tape.gradient(y, t)

    np.testing.assert_allclose(sf.function(grads)(x).numpy(), grads(x).numpy(), rtol=1e-12)


def test_a_dynamic_sort_axis_is_a_clear_error():
    f = sf.function(sf.sort, input_signature=[sf.TensorSpec([None], sf.float32)])
    with pytest.raises(sf.errors.UnimplementedError, match="static length"):
        f(sf.constant([2.0, 1.0]))


@settings(max_examples=10, deadline=None)
@given(shape=_shapes, seed=st.integers(0, 2 ** 16), density=st.sampled_from([0.0, 0.3, 1.0]))
def test_staged_where_and_boolean_mask_have_run_time_lengths(shape, seed, density):
    rng = np.random.default_rng(seed)
    c = rng.random(shape) < density
    x = rng.standard_normal(shape).astype(np.float32)
    where, masked = sf.function(lambda c, x: (sf.where(c), sf.boolean_mask(x, c)))(c, x)
    np.testing.assert_array_equal(where.numpy(), np.argwhere(c))
    np.testing.assert_array_equal(masked.numpy(), x[c])


@pytest.mark.parametrize("shape", [(1, 1), (3, 3), (2, 4, 4), (6, 6)])
def test_staged_decompositions_equal_lapack(shape):
    rng = np.random.default_rng(sum(shape))
    a = rng.standard_normal(shape)
    if shape[-1] > 1:
        a[..., 0, 0] = 0.0  # the first pivot must come from another row
    b = rng.standard_normal(shape[:-1] + (2,))
    spd = a @ np.swapaxes(a, -1, -2) + 0.5 * np.eye(shape[-1])
    staged = sf.function(lambda a, b, s: (
        sf.linalg.inv(a), sf.linalg.det(a), sf.linalg.solve(a, b),
        sf.linalg.solve(a, b, adjoint=True), sf.linalg.cholesky(s)))(a, b, spd)
    wanted = (np.linalg.inv(a), np.linalg.det(a), np.linalg.solve(a, b),
              np.linalg.solve(np.swapaxes(a, -1, -2), b), np.linalg.cholesky(spd))
    for got, want in zip(staged, wanted):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-8, atol=1e-10)


def test_staged_decompositions_need_a_static_bounded_size():
    f = sf.function(sf.linalg.inv, input_signature=[sf.TensorSpec([None, None], sf.float64)])
    with pytest.raises(sf.errors.UnimplementedError, match="static matrix size"):
        f(np.eye(2))
