"""Gradient rules are themselves differentiable: second order through nested
tapes vs finite differences, for the primitives whose rules use other ops."""
import numpy as np
import pytest

import strataflow as sf
from tests.autodiff.gradcheck import check_grads

rng = np.random.default_rng(4)
W = rng.uniform(-1, 1, (3, 2))
F = rng.uniform(-1, 1, (2, 2, 2, 2))


@pytest.mark.parametrize("fn,shape", [
    (lambda x: sf.math.sin(x) * x, (2, 3)),
    (lambda x: sf.math.tanh(x) ** 2, (3,)),
    (lambda x: sf.matmul(x, sf.constant(W)) ** 2, (2, 3)),
    (lambda x: sf.nn.softmax(x) * sf.nn.log_softmax(x), (2, 3)),
    (lambda x: sf.gather(x, [2, 0, 2]) ** 3, (4,)),
    (lambda x: x[1:, ::-1] ** 3, (3, 3)),
    (lambda x: sf.reduce_logsumexp(x * x, axis=1), (2, 3)),
    (lambda x: sf.nn.conv2d(x, sf.constant(F), 1, "SAME") ** 2, (1, 3, 3, 2)),
    (lambda x: sf.nn.avg_pool2d(x * x, 2, 1, "SAME"), (1, 3, 3, 1)),
    (lambda x: sf.linalg.inv(x + 3 * sf.eye(2, dtype=sf.float64)), (2, 2)),
    (lambda x: sf.pad(x, [[1, 0], [0, 1]]) ** 2 * sf.math.cumsum(sf.pad(x, [[1, 0], [0, 1]]), 1), (2, 2)),
])
def test_second_order(fn, shape):
    check_grads(fn, [rng.uniform(0.2, 1.0, shape)], order=2)
