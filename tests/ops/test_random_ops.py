import numpy as np
import pytest

import strataflow as sf


def test_global_seed_makes_sequences_reproducible():
    sf.random.set_seed(7)
    a = [sf.random.normal([3]).numpy(), sf.random.uniform([2]).numpy()]
    sf.random.set_seed(7)
    b = [sf.random.normal([3]).numpy(), sf.random.uniform([2]).numpy()]
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(sf.random.normal([3]).numpy(), a[0])


def test_op_seed_and_generators():
    x = sf.random.uniform([4], seed=3).numpy()
    np.testing.assert_array_equal(x, sf.random.uniform([4], seed=3).numpy())
    g1, g2 = sf.random.Generator.from_seed(5), sf.random.Generator.from_seed(5)
    np.testing.assert_array_equal(g1.normal([2, 2]).numpy(), g2.normal([2, 2]).numpy())
    assert g1.uniform([3], 0, 10, sf.int32).dtype is sf.int32


def test_distributions():
    sf.random.set_seed(1)
    n = sf.random.normal([20000], mean=2.0, stddev=3.0).numpy()
    assert abs(n.mean() - 2) < 0.1 and abs(n.std() - 3) < 0.1 and n.dtype == np.float32
    t = sf.random.truncated_normal([20000], dtype=sf.float64).numpy()
    assert np.abs(t).max() <= 2 and t.dtype == np.float64
    u = sf.random.uniform([20000], -1, 3).numpy()
    assert u.min() >= -1 and u.max() < 3 and abs(u.mean() - 1) < 0.05
    i = sf.random.uniform([1000], 0, 5, dtype=sf.int64).numpy()
    assert set(np.unique(i)) == {0, 1, 2, 3, 4}
    s = sf.random.shuffle(sf.range(10)).numpy()
    assert sorted(s.tolist()) == list(range(10))
    c = sf.random.categorical(sf.math.log([[0.1, 0.9]]), 5000).numpy()
    assert c.shape == (1, 5000) and c.dtype == np.int64 and abs(c.mean() - 0.9) < 0.03
    with pytest.raises(sf.errors.InvalidArgumentError, match="maxval"):
        sf.random.uniform([2], dtype=sf.int32)
